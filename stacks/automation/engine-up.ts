import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface EngineUpResult {
    /** The stack resource's outputs as the engine reported them at the end of the update (secrets masked). */
    readonly outputs?: Record<string, unknown>;
    readonly changes: Readonly<Record<string, number>>;
}

/** The engine's `up` exited non-zero (or could not start): its exit code and what it printed. */
export class EngineUpFailed extends Error {
    constructor(
        readonly stack: string,
        readonly exitCode: number | null,
        readonly stdout: string,
        readonly stderr: string,
    ) {
        const said = (stderr.trim() || stdout.trim()).split("\n").slice(-12).join("\n");
        super(`pulumi up of stack ${stack} failed (exit ${exitCode ?? "signal"}):\n${said}`);
        this.name = "EngineUpFailed";
    }
}

/**
 * One `pulumi up --yes --skip-preview` of a stack, as the Automation API's `Stack.up` runs it,
 * but without the two commands it runs afterwards (`stack output --show-secrets` and `stack
 * history`: about 1.5 s with a passphrase, every step). The outputs and the change summary come
 * from the update's own event log instead. An abort sends SIGINT, as `Stack.up` does, so the
 * engine finishes the operations in flight and saves its state before it exits.
 */
export async function engineUp(stack: Stack, options: { message?: string; signal?: AbortSignal } = {}): Promise<EngineUpResult> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-up-"));
    const eventLog = path.join(dir, "events.jsonl");
    const args = ["up", "--yes", "--skip-preview", "--non-interactive", "--color", "never", "--exec-agent", "shipgate", "--event-log", eventLog, "--stack", stack.name];
    if (options.message) args.push("--message", options.message);
    const ws = stack.workspace;
    const command = ws.pulumiCommand.command;
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...(ws.pulumiHome ? { PULUMI_HOME: ws.pulumiHome } : {}),
        ...ws.envVars,
        PULUMI_AUTOMATION_API: "true",
        // --event-log is one of the CLI's debug flags: hidden, and refused without this.
        PULUMI_DEBUG_COMMANDS: "true",
        // The CLI's own folder first, so it finds the plugins installed beside it (as the Automation API does).
        ...(path.isAbsolute(command) ? { PATH: `${path.dirname(command)}:${ws.envVars.PATH ?? process.env.PATH ?? ""}` } : {}),
    };
    try {
        await new Promise<void>((resolve, reject) => {
            const child = spawn(command, args, { cwd: ws.workDir, env, stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d: Buffer) => (stdout = (stdout + d.toString()).slice(-64_000)));
            child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-64_000)));
            const abort = () => child.kill("SIGINT");
            options.signal?.addEventListener("abort", abort, { once: true });
            child.on("error", (err) => reject(new EngineUpFailed(stack.name, null, "", err.message)));
            child.on("close", (code) => {
                options.signal?.removeEventListener("abort", abort);
                if (code === 0) resolve();
                else reject(new EngineUpFailed(stack.name, code, stdout, stderr));
            });
        });
        return fromEvents(readEvents(eventLog));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

function readEvents(file: string): EngineEvent[] {
    let text = "";
    try {
        text = readFileSync(file, "utf8");
    } catch {
        return [];
    }
    return text
        .split("\n")
        .filter((line) => line.trim())
        .flatMap((line) => {
            try {
                return [JSON.parse(line) as EngineEvent];
            } catch {
                return [];
            }
        });
}

function fromEvents(events: readonly EngineEvent[]): EngineUpResult {
    let outputs: Record<string, unknown> | undefined;
    let changes: Record<string, number> = {};
    for (const e of events) {
        const meta = e.resOutputsEvent?.metadata;
        if (meta?.type === "pulumi:pulumi:Stack") outputs = meta.new?.outputs as Record<string, unknown> | undefined;
        if (e.summaryEvent) changes = { ...(e.summaryEvent.resourceChanges as Record<string, number>) };
    }
    return { outputs, changes };
}
