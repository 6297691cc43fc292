import type * as pulumi from "@pulumi/pulumi";
import { rmSync } from "node:fs";
import { haproxyPaths, startHaproxy, stopHaproxy } from "../haproxy-control";
import { isRunning } from "../process-control";

/** One HAProxy master per stack: the local platform's router. */
export interface HaproxyInstanceInputs {
    readonly marker: string;
    readonly dir: string;
    readonly statsPort: number;
}

export interface HaproxyInstanceOutputs extends HaproxyInstanceInputs {
    readonly pid: number;
    readonly socketPath: string;
    readonly statsUrl: string;
    readonly running: boolean;
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async diff(_id, olds: HaproxyInstanceOutputs, news: HaproxyInstanceInputs) {
        const replaces = (["marker", "dir", "statsPort"] as const).filter((k) => olds[k] !== news[k]) as string[];
        // A process that died is seen by a plain `up` too, not only after a refresh.
        if (olds.running === false || !isRunning(olds.pid, olds.marker)) {
            replaces.push("running");
        }
        // The route files outlive the process, so a restarted router comes back with every service's weights.
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
    },

    async create(inputs: HaproxyInstanceInputs) {
        const paths = haproxyPaths(inputs.dir);
        const { pid } = await startHaproxy(inputs.marker, paths, inputs.statsPort);
        const outs: HaproxyInstanceOutputs = {
            ...inputs,
            pid,
            socketPath: paths.socketPath,
            statsUrl: `http://127.0.0.1:${inputs.statsPort}/`,
            running: true,
        };
        return { id: `${inputs.marker}#${pid}`, outs };
    },

    async read(id, props: HaproxyInstanceOutputs) {
        return { id, props: { ...props, running: isRunning(props.pid, props.marker) } };
    },

    async delete(_id, props: HaproxyInstanceOutputs) {
        await stopHaproxy(props.pid, props.marker);
        rmSync(props.socketPath, { force: true });
    },
};
