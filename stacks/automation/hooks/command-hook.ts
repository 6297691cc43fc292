import { seconds } from "../verify/format";
import { runCommand } from "./command-runner";
import { hookEnvironment } from "./context-env";
import { HookContext, HookPoint } from "./hook-types";
import { Redactor } from "./secrets";

/** A command hook ready to run: paths resolved, timeout in ms. */
export interface PreparedCommand {
    readonly kind: "command";
    readonly name: string;
    readonly argv: readonly string[];
    /** Absolute. */
    readonly cwd: string;
    /** Configured variables (the context's SHIPGATE_* are added per run). */
    readonly env: Record<string, string>;
    readonly timeoutMs: number;
    readonly services?: readonly string[];
}

export interface HookRunOptions {
    readonly baseEnv: NodeJS.ProcessEnv;
    readonly redactor: Redactor;
    readonly killGraceMs?: number;
    readonly signal?: AbortSignal;
}

export interface SingleOutcome {
    readonly outcome: "pass" | "fail";
    readonly detail: string;
    readonly durationMs: number;
    readonly interrupted: boolean;
}

function lastLine(output: string): string | undefined {
    const lines = output.split("\n").map((l) => l.trim()).filter(Boolean);
    const last = lines[lines.length - 1];
    return last && (last.length > 200 ? `${last.slice(0, 197)}...` : last);
}

/**
 * Runs a command hook: exit 0 passes; a non-zero exit, a signal, a timeout (the process group is
 * killed) or a command that cannot start fails. A failure's detail carries the (truncated) output,
 * a pass's only its last line.
 */
export async function runCommandHook(cmd: PreparedCommand, point: HookPoint, context: HookContext, options: HookRunOptions): Promise<SingleOutcome> {
    const grace = options.killGraceMs ?? 2000;
    const r = await runCommand({
        argv: cmd.argv,
        cwd: cmd.cwd,
        env: hookEnvironment(options.baseEnv, cmd.env, point, cmd.name, context),
        timeoutMs: cmd.timeoutMs,
        killGraceMs: grace,
        signal: options.signal,
    });
    const after = seconds(r.durationMs);
    let outcome: "pass" | "fail" = "fail";
    let head: string;
    if (r.spawnError) {
        head = r.spawnError;
    } else if (r.interrupted) {
        head = `interrupted after ${after}: its process group was killed`;
    } else if (r.timedOut) {
        head = `timed out after ${seconds(cmd.timeoutMs)} (timeoutSeconds): its process group was killed (SIGTERM, then SIGKILL after ${seconds(grace)})`;
    } else if (r.exitCode === 0) {
        outcome = "pass";
        const last = lastLine(r.output);
        head = `exit 0 after ${after}${last ? `: ${last}` : ""}`;
    } else if (r.signal) {
        head = `killed by ${r.signal} after ${after}`;
    } else {
        head = `exit ${r.exitCode} after ${after}`;
    }
    const output = r.output.trim();
    const detail = outcome === "fail" && output ? `${head}\n${output}` : head;
    return { outcome, detail: options.redactor.redact(detail), durationMs: r.durationMs, interrupted: r.interrupted };
}
