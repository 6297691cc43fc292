import { ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * Runs one command for a hook: argv without a shell (no quoting surprises, no injection through a
 * version string), in its own process group so a timeout or an interruption kills everything it
 * started, not just the first process (a `sh -c 'sleep 600 & wait'` must not outlive its hook).
 * Output is kept in a bounded buffer: the head (what ran) and the tail (how it ended).
 */

export interface CommandSpec {
    readonly argv: readonly string[];
    readonly cwd: string;
    readonly env: Record<string, string>;
    readonly timeoutMs: number;
    /** After SIGTERM, how long the group gets before SIGKILL. */
    readonly killGraceMs?: number;
    readonly signal?: AbortSignal;
}

export interface CommandResult {
    readonly exitCode: number | null;
    /** The signal that ended the command, when one did. */
    readonly signal: NodeJS.Signals | null;
    readonly timedOut: boolean;
    readonly interrupted: boolean;
    /** Why it could not start (not found, not executable), when it could not. */
    readonly spawnError?: string;
    /** stdout and stderr interleaved as they came, truncated in the middle when long. */
    readonly output: string;
    readonly outputBytes: number;
    readonly durationMs: number;
    /** The process group's id (the command's pid), for checks that it is gone. */
    readonly pid?: number;
}

const HEAD_BYTES = 1024;
const TAIL_BYTES = 3 * 1024;

/** Keeps the first HEAD_BYTES and the last TAIL_BYTES of a stream. */
class BoundedOutput {
    private head = Buffer.alloc(0);
    private tail: Buffer[] = [];
    private tailSize = 0;
    total = 0;

    push(chunk: Buffer): void {
        this.total += chunk.length;
        if (this.head.length < HEAD_BYTES) {
            const take = Math.min(HEAD_BYTES - this.head.length, chunk.length);
            this.head = Buffer.concat([this.head, chunk.subarray(0, take)]);
            chunk = chunk.subarray(take);
        }
        if (chunk.length === 0) return;
        this.tail.push(chunk);
        this.tailSize += chunk.length;
        while (this.tailSize - this.tail[0].length >= TAIL_BYTES) {
            this.tailSize -= this.tail.shift()!.length;
        }
    }

    text(): string {
        const tail = Buffer.concat(this.tail);
        const kept = tail.subarray(Math.max(0, tail.length - TAIL_BYTES));
        const omitted = this.total - this.head.length - kept.length;
        const head = this.head.toString("utf8");
        // A cut may split a UTF-8 character: the replacement character is dropped.
        const rest = kept.toString("utf8").replace(/^\uFFFD+/, "");
        return omitted > 0 ? `${head}\n… ${omitted} bytes of output omitted …\n${rest}` : head + rest;
    }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(-pid, signal);
    } catch {
        /* ESRCH: the group is already gone */
    }
}

export function runCommand(spec: CommandSpec): Promise<CommandResult> {
    const started = Date.now();
    const grace = spec.killGraceMs ?? 2000;
    return new Promise<CommandResult>((resolve) => {
        const output = new BoundedOutput();
        let timedOut = false;
        let interrupted = false;
        let settled = false;
        let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
        const timers: NodeJS.Timeout[] = [];

        if (spec.signal?.aborted) {
            resolve({ exitCode: null, signal: null, timedOut: false, interrupted: true, output: "", outputBytes: 0, durationMs: 0 });
            return;
        }

        const failed = (spawnError: string) =>
            resolve({ exitCode: null, signal: null, timedOut: false, interrupted: false, spawnError, output: "", outputBytes: 0, durationMs: Date.now() - started });
        // Node reports a missing cwd as the command's ENOENT: say which one it is.
        if (!existsSync(spec.cwd)) {
            failed(`working directory does not exist: ${spec.cwd}`);
            return;
        }
        let child: ChildProcess;
        try {
            child = spawn(spec.argv[0], spec.argv.slice(1), {
                cwd: spec.cwd,
                env: spec.env,
                detached: true, // its own process group: kill(-pid) reaches everything it starts
                stdio: ["ignore", "pipe", "pipe"],
            });
        } catch (err) {
            failed(`could not start ${JSON.stringify(spec.argv[0])}: ${(err as Error).message}`);
            return;
        }
        const pid = child.pid;

        const finish = (extra: Partial<CommandResult> = {}) => {
            if (settled) return;
            settled = true;
            for (const t of timers) clearTimeout(t);
            spec.signal?.removeEventListener("abort", onAbort);
            resolve({
                exitCode: exit?.code ?? null,
                signal: exit?.signal ?? null,
                timedOut,
                interrupted,
                output: output.text(),
                outputBytes: output.total,
                durationMs: Date.now() - started,
                pid,
                ...extra,
            });
        };

        const terminate = () => {
            if (pid === undefined) return;
            killGroup(pid, "SIGTERM");
            timers.push(setTimeout(() => killGroup(pid, "SIGKILL"), grace));
        };

        const onAbort = () => {
            interrupted = true;
            terminate();
        };
        spec.signal?.addEventListener("abort", onAbort, { once: true });
        timers.push(
            setTimeout(() => {
                timedOut = true;
                terminate();
            }, spec.timeoutMs),
        );

        child.stdout!.on("data", (c: Buffer) => output.push(c));
        child.stderr!.on("data", (c: Buffer) => output.push(c));

        child.on("error", (err: NodeJS.ErrnoException) => {
            const what =
                err.code === "ENOENT"
                    ? `command not found: ${spec.argv[0]} (ENOENT; is it on PATH, or relative to ${spec.cwd}?)`
                    : err.code === "EACCES"
                      ? `not executable: ${spec.argv[0]} (EACCES)`
                      : `could not start ${spec.argv[0]}: ${err.message}`;
            finish({ spawnError: what });
        });

        child.on("exit", (code, signal) => {
            exit = { code, signal };
            // Whatever the command left running in its group would outlive the hook: it goes too.
            if (pid !== undefined) killGroup(pid, "SIGKILL");
            // Output still in the pipes arrives before 'close'; a process that left the group
            // (setsid) may hold them open forever, so 'close' is awaited only briefly.
            timers.push(setTimeout(() => finish(), 1000));
        });
        child.on("close", () => {
            if (exit) finish();
        });
    });
}
