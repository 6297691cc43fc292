import { Router, TrackWeights } from "./router";

/** What the router said after a step, as the step's record keeps it. */
export interface WeightReadBack {
    readonly router: string;
    /** Percent per track read back; absent where the router cannot tell (then `unsupported` says why). */
    readonly weights?: TrackWeights;
    readonly unsupported?: string;
    readonly problems: readonly string[];
    readonly readAt: string;
}

/** The router holds other weights than the step asked for, or reports a problem with the route. */
export class RouterMismatch extends Error {
    constructor(
        readonly readBack: WeightReadBack,
        readonly expected: TrackWeights,
    ) {
        const wrong = Object.entries(expected)
            .filter(([track, w]) => !close(readBack.weights?.[track] ?? 0, w))
            .map(([track, w]) => `${track} ${fmt(readBack.weights?.[track] ?? 0)}% (asked ${w}%)`);
        super(`${readBack.router} reads back ${[...wrong, ...readBack.problems].join("; ")}`);
        this.name = "RouterMismatch";
    }
}

const close = (a: number, b: number) => Math.abs(a - b) < 0.5;
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export interface ReadBackOptions {
    readonly signal?: AbortSignal;
    /** How long a router may take to show the change (an API server's controllers, a cloud's eventual consistency). */
    readonly settleMs?: number;
    readonly pollMs?: number;
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Reads the router back and compares it with the step's split (as Argo Rollouts' VerifyWeight),
 * polling for up to `settleMs`. A router that cannot read back is recorded as such, never taken
 * for a match; a mismatch or a problem at the end throws RouterMismatch.
 */
export async function readBackWeights(router: Router, expected: TrackWeights, options: ReadBackOptions = {}): Promise<WeightReadBack> {
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const deadline = Date.now() + (options.settleMs ?? 0);
    for (;;) {
        const reading = await router.readWeights(options.signal);
        const readAt = new Date().toISOString();
        if (!reading.supported) {
            return { router: router.name, unsupported: `read-back unsupported by ${router.name}: ${reading.reason}`, problems: [], readAt };
        }
        // A track the router no longer names (a removed canary) carries nothing.
        const weights = { ...Object.fromEntries(Object.keys(expected).map((t) => [t, 0])), ...reading.weights };
        const readBack: WeightReadBack = { router: router.name, weights, problems: reading.problems, readAt };
        const matches = !reading.problems.length && Object.entries(expected).every(([track, w]) => close(weights[track], w));
        if (matches) return readBack;
        if (Date.now() >= deadline || options.signal?.aborted) throw new RouterMismatch(readBack, expected);
        await sleep(options.pollMs ?? 250, options.signal);
    }
}

