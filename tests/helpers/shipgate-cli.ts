import { spawn } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "./engine";

export interface ShipgateRun {
    readonly code: number | null;
    /** stdout and stderr as printed: lines fit 120 columns, a long one wrapped onto indented lines. */
    readonly output: string;
    /**
     * The output with every indented line joined to the one before it: what was said, whatever
     * the width it was wrapped to. For matching a message; `output` for what a line looks like.
     */
    readonly flat: string;
    readonly ms: number;
}

/** The output's lines wider than a person's 120 columns (none, when the view keeps its promise). */
export function widerThan120(output: string): string[] {
    return output.split("\n").filter((line) => [...line].length > 120);
}

/** Joins wrapped (indented) lines to the line they continue. */
export function flatten(output: string): string {
    return output.replace(/\n {2,}(?=\S)/g, " ");
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
        child.on("close", (code) => resolve({ code, output, flat: flatten(output), ms: Date.now() - started }));
    });
}
