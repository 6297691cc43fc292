import { messageOf, ms } from "./verify/format";

/**
 * One HTTP request as the release engine makes them all (health checks, metric sources, smoke
 * checks, webhooks): a deadline, the caller's interruption, and a bounded answer. An interruption
 * rejects with the signal's reason (it is not a failed check); any other failure is a NoAnswer
 * that says why in words a person on call understands.
 */
export interface HttpRequestOptions {
    readonly timeoutMs: number;
    readonly signal?: AbortSignal;
    readonly method?: "GET" | "POST";
    readonly headers?: Record<string, string>;
    readonly body?: string;
    /** "manual" for webhooks: a hook that answers 302 has not run. */
    readonly redirect?: "follow" | "manual";
    /** Bytes of the answer kept: a misbehaving endpoint must not fill memory (default 4 MiB). */
    readonly maxBodyBytes?: number;
}

export interface HttpAnswer {
    readonly status: number;
    readonly text: string;
}

/** No answer came: refused, unreachable, reset, or not within the deadline. */
export class NoAnswer extends Error {
    constructor(
        message: string,
        readonly timedOut: boolean,
        readonly cause?: unknown,
    ) {
        super(message);
        this.name = "NoAnswer";
    }
}

export async function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpAnswer> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
        const res = await fetch(url, { method: options.method ?? "GET", headers: options.headers, body: options.body, redirect: options.redirect, signal });
        return { status: res.status, text: await readBounded(res, options.maxBodyBytes ?? 4 * 1024 * 1024) };
    } catch (err) {
        if (options.signal?.aborted) {
            throw options.signal.reason;
        }
        throw new NoAnswer(describeFetchFailure(err, url, timeout.aborted, options.timeoutMs), timeout.aborted, err);
    }
}

async function readBounded(res: Response, max: number): Promise<string> {
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

/** Why a request got no answer, from undici's error causes. */
export function describeFetchFailure(err: unknown, url: string, timedOut: boolean, timeoutMs: number): string {
    if (timedOut) {
        return `no answer within ${ms(timeoutMs)}`;
    }
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    let where = url;
    try {
        where = new URL(url).host;
    } catch {
        return `invalid URL ${JSON.stringify(url)}`;
    }
    switch (cause?.code) {
        case "ECONNREFUSED":
            return `connection refused: nothing listens on ${where}`;
        case "ENOTFOUND":
        case "EAI_AGAIN":
            return `host not found: ${where}`;
        case "ECONNRESET":
        case "UND_ERR_SOCKET":
        case "UND_ERR_CLOSED":
            return `connection to ${where} closed before a complete answer`;
        case "EHOSTUNREACH":
        case "ENETUNREACH":
            return `${where} is unreachable`;
        default:
            return `request failed: ${cause?.message ?? messageOf(err)}`;
    }
}
