import { seconds } from "../verify/format";
import { describeFetchFailure } from "../verify/health-check";

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

async function readLimited(res: Response, max: number): Promise<string> {
    if (!res.body) return "";
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        size += value.byteLength;
        if (size > max) {
            await reader.cancel().catch(() => undefined);
            break;
        }
    }
    return Buffer.concat(chunks).subarray(0, max).toString("utf8");
}

export async function postJson(url: string, payload: unknown, options: PostOptions): Promise<PostResult> {
    const started = Date.now();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error("timeout")), options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    try {
        const res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", "user-agent": "shipgate", ...options.headers },
            body: JSON.stringify(payload),
            redirect: "manual",
            signal,
        });
        const body = await readLimited(res, options.maxBodyBytes ?? 64 * 1024);
        return { status: res.status, body, timedOut: false, interrupted: false, durationMs: Date.now() - started };
    } catch (err) {
        const interrupted = options.signal?.aborted === true;
        const timedOut = !interrupted && timeout.signal.aborted;
        return {
            body: "",
            timedOut,
            interrupted,
            error: interrupted ? "interrupted" : timedOut ? `no answer within ${seconds(options.timeoutMs)}` : describeFetchFailure(err, url, false, options.timeoutMs),
            durationMs: Date.now() - started,
        };
    } finally {
        clearTimeout(timer);
    }
}
