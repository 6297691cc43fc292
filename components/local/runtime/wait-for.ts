/** Polls `check` until it returns true or `timeoutMs` passes; `abort` stops early with its reason. */
export async function waitFor(
    what: string,
    check: () => Promise<boolean>,
    options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
        const reason = options.abort?.();
        if (reason) {
            throw new Error(`${what}: ${reason}`);
        }
        if (await check().catch(() => false)) {
            return;
        }
        if (Date.now() > deadline) {
            throw new Error(`${what}: not ready after ${Math.round(options.timeoutMs / 1000)}s`);
        }
        await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
    }
}

/** True when the URL answers HTTP at all (any status): the process is up and serving. */
export async function answersHttp(url: string, timeoutMs = 1_000): Promise<boolean> {
    try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        return true;
    } catch {
        return false;
    }
}
