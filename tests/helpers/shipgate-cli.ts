import { spawn } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "./engine";

export interface ShipgateRun {
    readonly code: number | null;
    readonly output: string;
    readonly ms: number;
}

/**
 * Runs `bin/shipgate -C <project> --plain …` as CI would; `onLine` sees every output line as it
 * comes (to interrupt, or to turn a release bad at a given step).
 */
export function runShipgate(
    projectDir: string,
    env: Record<string, string>,
    args: string[],
    onLine?: (line: string, child: { kill(signal: NodeJS.Signals): void }) => void,
): Promise<ShipgateRun> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin", "shipgate"), "-C", projectDir, "--plain", ...args], {
            env: { ...process.env, ...env, CI: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        let pending = "";
        const take = (chunk: Buffer) => {
            const text = chunk.toString("utf8");
            output += text;
            pending += text;
            const lines = pending.split("\n");
            pending = lines.pop() ?? "";
            for (const line of lines) onLine?.(line, { kill: (s) => child.kill(s) });
        };
        child.stdout.on("data", take);
        child.stderr.on("data", take);
        child.on("close", (code) => resolve({ code, output, ms: Date.now() - started }));
    });
}
