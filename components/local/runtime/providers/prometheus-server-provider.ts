import type * as pulumi from "@pulumi/pulumi";
import { isRunning, stopProcess } from "../process-control";
import { prometheusPaths, startPrometheus } from "../prometheus-control";

/** One Prometheus per stack, scraping every track of every service (and the router). */
export interface PrometheusServerInputs {
    readonly marker: string;
    readonly dir: string;
    readonly port: number;
    readonly scrapeIntervalSeconds: number;
    /** host:port of the router's Prometheus exporter. */
    readonly routerMetrics?: string;
}

export interface PrometheusServerOutputs extends PrometheusServerInputs {
    readonly pid: number;
    readonly url: string;
    readonly running: boolean;
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async diff(_id, olds: PrometheusServerOutputs, news: PrometheusServerInputs) {
        const keys = ["marker", "dir", "port", "scrapeIntervalSeconds", "routerMetrics"] as const;
        const replaces = keys.filter((k) => olds[k] !== news[k]) as string[];
        // A process that died is seen by a plain `up` too, not only after a refresh.
        if (olds.running === false || !isRunning(olds.pid, olds.marker)) {
            replaces.push("running");
        }
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
    },

    async create(inputs: PrometheusServerInputs) {
        const { pid } = await startPrometheus(inputs.marker, prometheusPaths(inputs.dir), inputs);
        const outs: PrometheusServerOutputs = { ...inputs, pid, url: `http://127.0.0.1:${inputs.port}`, running: true };
        return { id: `${inputs.marker}#${pid}`, outs };
    },

    async read(id, props: PrometheusServerOutputs) {
        return { id, props: { ...props, running: isRunning(props.pid, props.marker) } };
    },

    async delete(_id, props: PrometheusServerOutputs) {
        await stopProcess(props.pid, props.marker);
    },
};
