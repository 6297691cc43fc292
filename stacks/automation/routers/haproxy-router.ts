import { DescriptorOf } from "../../../components/release";
import { adminAction, inMaintenance, reducedWeights, serversState, sharesOf } from "../../../components/clients/haproxy-runtime-api";
import { Router, RouterError, RouterReading, TrackWeights, checkWeights, risingFirst } from "./router";

/** The local platform's router: HAProxy's runtime API, no reload for a weight change. */
export class HaproxyRouter implements Router {
    readonly kind = "haproxy";
    readonly switchesByAction = false;
    readonly name: string;

    constructor(private readonly descriptor: DescriptorOf<"haproxy">) {
        this.name = `haproxy ${descriptor.backend}`;
    }

    async readWeights(): Promise<RouterReading> {
        const states = await this.states();
        const raw: Record<string, number> = {};
        const problems: string[] = [];
        for (const [track, server] of Object.entries(this.descriptor.servers)) {
            const state = states.find((s) => s.server === server);
            if (!state) {
                problems.push(`server ${server} (track ${track}) is missing from ${this.descriptor.backend}`);
                raw[track] = 0;
                continue;
            }
            raw[track] = inMaintenance(state) ? 0 : state.weight;
        }
        return { supported: true, weights: sharesOf(raw), problems };
    }

    async setWeights(weights: TrackWeights): Promise<void> {
        checkWeights(this.name, weights, Object.keys(this.descriptor.servers));
        const states = await this.states();
        const parked = Object.entries(weights).filter(([track, w]) => {
            const state = states.find((s) => s.server === this.descriptor.servers[track]);
            return w > 0 && (!state || inMaintenance(state));
        });
        if (parked.length) {
            throw new RouterError(this.name, `track ${parked.map(([t]) => t).join(", ")} runs no process, so it cannot take traffic`);
        }
        const current = (await this.readWeights()) as Extract<RouterReading, { supported: true }>;
        const reduced = reducedWeights(weights);
        for (const [track] of risingFirst(current.weights, weights)) {
            const command = `set weight ${this.descriptor.backend}/${this.descriptor.servers[track]} ${reduced[track]}`;
            await adminAction(this.descriptor.socket, command).catch((err: Error) => {
                throw new RouterError(this.name, err.message, err);
            });
        }
    }

    private async states() {
        try {
            return await serversState(this.descriptor.socket, this.descriptor.backend);
        } catch (err) {
            throw new RouterError(this.name, `the runtime API at ${this.descriptor.socket} did not answer (${(err as Error).message}): is the stack's HAProxy running? \`pulumi up\` starts it`, err);
        }
    }
}
