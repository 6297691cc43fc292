import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { answersHttp, waitFor } from "./wait-for";

/** Marks a process as shipgate's, so a recycled pid is never mistaken for one of ours. */
const MARKER = "SHIPGATE_PROCESS_ID";

export interface ProcessSpec {
    /** Unique and stable, e.g. "production/backend/canary". */
    readonly id: string;
    readonly command: string;
    readonly args: readonly string[];
    readonly env: Readonly<Record<string, string>>;
    readonly cwd: string;
    readonly logFile: string;
    /** Considered started once this URL answers HTTP (any status): a bad release must still start. */
    readonly readyUrl?: string;
    readonly readyTimeoutMs?: number;
}

export interface RunningProcess {
    readonly pid: number;
    readonly startedAt: string;
}

/** The last lines of a log, for error messages that show why a process did not start. */
export function tail(file: string, lines = 15): string {
    if (!existsSync(file)) {
        return "(no log)";
    }
    const size = statSync(file).size;
    const text = readFileSync(file, "utf8").slice(Math.max(0, size - 16_000));
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * Starts a detached process (its own process group, so it outlives the engine and a stop can
 * take its children too), appends its output to `logFile`, and waits until it serves.
 */
export async function startProcess(spec: ProcessSpec): Promise<RunningProcess> {
    mkdirSync(path.dirname(spec.logFile), { recursive: true });
    const fd = openSync(spec.logFile, "a");
    let exited: string | undefined;
    try {
        const child = spawn(spec.command, [...spec.args], {
            cwd: spec.cwd,
            detached: true,
            stdio: ["ignore", fd, fd],
            env: {
                PATH: process.env.PATH ?? "/usr/bin:/bin",
                HOME: process.env.HOME ?? "/tmp",
                ...spec.env,
                [MARKER]: spec.id,
            },
        });
        child.once("exit", (code, signal) => {
            exited = `exited with ${signal ?? `code ${code}`}`;
        });
        child.once("error", (err) => {
            exited = `could not start: ${err.message}`;
        });
        child.unref();
        if (child.pid === undefined) {
            await new Promise((r) => setImmediate(r));
            throw new Error(`${spec.id} ${exited ?? "could not start"}\n${tail(spec.logFile)}`);
        }
        const pid = child.pid;
        if (spec.readyUrl) {
            try {
                await waitFor(`${spec.id} at ${spec.readyUrl}`, () => answersHttp(spec.readyUrl!), {
                    timeoutMs: spec.readyTimeoutMs ?? 30_000,
                    abort: () => exited,
                });
            } catch (err) {
                await stopProcess(pid, spec.id);
                throw new Error(`${(err as Error).message}; last lines of ${spec.logFile}:\n${tail(spec.logFile)}`);
            }
        }
        return { pid, startedAt: new Date().toISOString() };
    } finally {
        closeSync(fd);
    }
}

/** True when `pid` is alive and is the process started under `id` (not a recycled pid). */
export function isRunning(pid: number | undefined, id: string): boolean {
    if (!pid) {
        return false;
    }
    try {
        process.kill(pid, 0);
    } catch {
        return false;
    }
    try {
        const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
        const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
        return state !== "Z" && environ.includes(`${MARKER}=${id}`);
    } catch {
        return false;
    }
}

/** SIGTERM to the process group, then SIGKILL after `graceMs`. Idempotent. */
export async function stopProcess(pid: number | undefined, id: string, graceMs = 5_000): Promise<void> {
    if (!isRunning(pid, id)) {
        return;
    }
    const signal = (sig: NodeJS.Signals) => {
        try {
            process.kill(-pid!, sig);
        } catch {
            try {
                process.kill(pid!, sig);
            } catch {
                /* already gone */
            }
        }
    };
    signal("SIGTERM");
    const deadline = Date.now() + graceMs;
    while (isRunning(pid, id) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
    }
    if (isRunning(pid, id)) {
        signal("SIGKILL");
        while (isRunning(pid, id)) {
            await new Promise((r) => setTimeout(r, 50));
        }
    }
}
