import autocannon from "autocannon";

/**
 * Steady traffic against services' endpoints while a promotion runs, so every step's analysis
 * has requests to judge (a canary with no traffic is inconclusive, never a pass). autocannon
 * does the sending at a fixed overall rate; each response is counted by status and by the
 * `x-served-by` header the sample app sets (service@version/track). Bounded: it stops when
 * asked, or after `maxSeconds` whatever happens.
 */
export interface TrafficCounts {
    readonly sent: number;
    readonly byStatus: Record<string, number>;
    /** By service@version/track: who answered this load (a slice of what the router balances). */
    readonly byServer: Record<string, number>;
    /** 5xx answers, connection errors and timeouts. */
    readonly failed: number;
}

export class Traffic {
    private readonly instances: autocannon.Instance[] = [];
    private readonly finished: Promise<void>[] = [];
    private readonly counts = { sent: 0, failed: 0, byStatus: {} as Record<string, number>, byServer: {} as Record<string, number> };

    constructor(
        private readonly urls: readonly string[],
        private readonly options: { ratePerSecond: number; connections?: number; maxSeconds: number },
    ) {}

    start(): this {
        for (const url of this.urls) {
            // With a callback autocannon returns its instance (events, stop) rather than a promise.
            const instance = autocannon({
                url,
                connections: this.options.connections ?? 2,
                overallRate: this.options.ratePerSecond,
                duration: this.options.maxSeconds,
                timeout: 5,
                setupClient: (client) => {
                    (client as unknown as NodeJS.EventEmitter).on("headers", (parsed: { statusCode: number; headers: string[] }) => {
                        let server = "unknown";
                        for (let i = 0; i < parsed.headers.length; i += 2) {
                            if (parsed.headers[i].toLowerCase() === "x-served-by") server = parsed.headers[i + 1];
                        }
                        this.count(String(parsed.statusCode), server, parsed.statusCode >= 500);
                    });
                },
            }, () => undefined);
            instance.on("reqError", () => this.count("error", "none", true));
            // Requests that timed out never answered: autocannon counts them in its result.
            this.finished.push(
                new Promise((resolve) =>
                    instance.on("done", (result) => {
                        for (let i = 0; i < result.timeouts; i++) this.count("timeout", "none", true);
                        resolve();
                    }),
                ),
            );
            this.instances.push(instance);
        }
        return this;
    }

    private count(status: string, server: string, failed: boolean): void {
        this.counts.sent++;
        this.counts.byStatus[status] = (this.counts.byStatus[status] ?? 0) + 1;
        this.counts.byServer[server] = (this.counts.byServer[server] ?? 0) + 1;
        if (failed) this.counts.failed++;
    }

    snapshot(): TrafficCounts {
        return { sent: this.counts.sent, failed: this.counts.failed, byStatus: { ...this.counts.byStatus }, byServer: { ...this.counts.byServer } };
    }

    async stop(): Promise<TrafficCounts> {
        for (const instance of this.instances) instance.stop();
        await Promise.all(this.finished);
        return this.snapshot();
    }
}

/** What was sent between two snapshots. */
export function between(before: TrafficCounts, after: TrafficCounts): TrafficCounts {
    const diff = (a: Record<string, number>, b: Record<string, number>) =>
        Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
    return { sent: after.sent - before.sent, failed: after.failed - before.failed, byStatus: diff(before.byStatus, after.byStatus), byServer: diff(before.byServer, after.byServer) };
}
