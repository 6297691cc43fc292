import type * as pulumi from "@pulumi/pulumi";
import { freePort } from "../free-port";
import { isRunning, startProcess, stopProcess } from "../process-control";

/** A service process on the local platform: one track or color of one service. */
export interface ProcessInputs {
    /** Stable and unique, e.g. "production/backend/canary"; the process carries it as a marker. */
    readonly marker: string;
    readonly command: string;
    readonly args: string[];
    readonly env: Record<string, string>;
    readonly cwd: string;
    readonly logFile: string;
    readonly healthPath: string;
}

export interface ProcessOutputs extends ProcessInputs {
    readonly pid: number;
    /** A free loopback port taken at start, so a replacement starts beside the old process (no gap). */
    readonly port: number;
    readonly startedAt: string;
    /** False when a refresh found the process gone; the next `up` starts it again (as it does for one that died since). */
    readonly running: boolean;
}

const REPLACE_ON: (keyof ProcessInputs)[] = ["marker", "command", "args", "env", "cwd", "healthPath"];

function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async diff(_id, olds: ProcessOutputs, news: ProcessInputs) {
        const replaces: string[] = REPLACE_ON.filter((k) => !same(olds[k], news[k]));
        // A process that died is seen by a plain `up` too, not only after a refresh.
        if (olds.running === false || !isRunning(olds.pid, olds.marker)) {
            replaces.push("running");
        }
        return { changes: replaces.length > 0 || olds.logFile !== news.logFile, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: ProcessInputs) {
        const port = await freePort();
        const { pid, startedAt } = await startProcess({
            id: inputs.marker,
            command: inputs.command,
            args: inputs.args,
            cwd: inputs.cwd,
            logFile: inputs.logFile,
            env: { ...inputs.env, PORT: String(port) },
            readyUrl: `http://127.0.0.1:${port}${inputs.healthPath}`,
        });
        const outs: ProcessOutputs = { ...inputs, pid, port, startedAt, running: true };
        return { id: `${inputs.marker}#${pid}`, outs };
    },

    async update(_id, olds: ProcessOutputs, news: ProcessInputs) {
        // Only the log file can change in place; everything else replaces the process.
        return { outs: { ...olds, logFile: news.logFile } };
    },

    async read(id, props: ProcessOutputs) {
        return { id, props: { ...props, running: isRunning(props.pid, props.marker) } };
    },

    async delete(_id, props: ProcessOutputs) {
        await stopProcess(props.pid, props.marker);
    },
};
