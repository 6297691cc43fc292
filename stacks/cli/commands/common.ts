import { Command, Option } from "commander";
import * as path from "node:path";
import { View } from "../output/view";
import { liveView } from "../output/live-view";
import { plainView } from "../output/plain-view";

export interface GlobalOptions {
    readonly cwd: string;
    readonly logFormat: "pretty" | "json";
    readonly plain?: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
    const opts = command.optsWithGlobals() as { cwd?: string; logFormat?: "pretty" | "json"; plain?: boolean };
    return { cwd: path.resolve(opts.cwd ?? process.cwd()), logFormat: opts.logFormat ?? "pretty", plain: opts.plain };
}

/** A live view in an interactive terminal; plain lines in CI, in pipes, or when asked. */
export function chooseView(global: GlobalOptions): View {
    const interactive = process.stdout.isTTY && !process.env.CI && !global.plain && global.logFormat !== "json";
    return interactive ? liveView() : plainView();
}

export const logFormatOption = new Option("--log-format <format>", "pretty output, or JSON log lines on stderr too").choices(["pretty", "json"]).default("pretty");

/** Repeatable or comma-separated list options: --service a --service b, or --service a,b. */
export function collect(value: string, previous: string[] = []): string[] {
    return [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}
