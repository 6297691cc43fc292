// When a process stopped getting traffic, by its own counter: polled every few milliseconds,
// the time of the last increase is when the router sent it its last request.
import { requestsServed } from "../../tests/helpers/served-requests";

export class ServedTimeline {
    private readonly samples: { at: number; count: number }[] = [];
    private stopped = false;
    private done?: Promise<void>;

    constructor(
        private readonly endpoint: string,
        private readonly route: string,
        private readonly everyMs = 20,
    ) {}

    start(): this {
        this.done = (async () => {
            while (!this.stopped) {
                try {
                    this.samples.push({ at: Date.now(), count: await requestsServed(this.endpoint, this.route) });
                } catch {
                    break; // the process is gone (the rollback removed the track)
                }
                await new Promise((r) => setTimeout(r, this.everyMs));
            }
        })();
        return this;
    }

    async stop(): Promise<void> {
        this.stopped = true;
        await this.done;
    }

    /** When the count reached its last value (the last request arrived just before), or undefined. */
    lastRequestAt(): number | undefined {
        const final = this.samples[this.samples.length - 1]?.count;
        if (final === undefined) return undefined;
        return this.samples.find((s) => s.count === final)?.at;
    }
}
