import { seconds } from "../verify/format";
import { NoAnswer, httpRequest } from "../http-request";

/**
 * One JSON POST with a deadline, for webhook hooks and notifications. It never throws: it says
 * what happened (status and body, no answer in time, refused, interrupted) so the caller decides
 * whether that fails a step (a hook) or is only logged (a notification). Redirects are not
 * followed: a webhook that answers 302 has not run, and the context must not go elsewhere.
 */

export interface PostOptions {
    readonly timeoutMs: number;
    readonly headers?: Record<string, string>;
    readonly signal?: AbortSignal;
    /** Bytes of the answer kept (default 64 KiB). */
    readonly maxBodyBytes?: number;
}

export interface PostResult {
    /** The HTTP status, when an answer came. */
    readonly status?: number;
    readonly body: string;
    readonly timedOut: boolean;
    readonly interrupted: boolean;
    /** Why there was no answer, when there was none (may contain the URL: redact before showing). */
    readonly error?: string;
    readonly durationMs: number;
}

export async function postJson(url: string, payload: unknown, options: PostOptions): Promise<PostResult> {
    const started = Date.now();
    try {
        const answer = await httpRequest(url, {
            method: "POST",
            timeoutMs: options.timeoutMs,
            signal: options.signal,
            headers: { "content-type": "application/json", "user-agent": "shipgate", ...options.headers },
            body: JSON.stringify(payload),
            redirect: "manual",
            maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
        });
        return { status: answer.status, body: answer.text, timedOut: false, interrupted: false, durationMs: Date.now() - started };
    } catch (err) {
        const interrupted = options.signal?.aborted === true;
        const timedOut = !interrupted && err instanceof NoAnswer && err.timedOut;
        const why = err instanceof NoAnswer ? err.message : String(err);
        return {
            body: "",
            timedOut,
            interrupted,
            error: interrupted ? "interrupted" : timedOut ? `no answer within ${seconds(options.timeoutMs)}` : why,
            durationMs: Date.now() - started,
        };
    }
}
