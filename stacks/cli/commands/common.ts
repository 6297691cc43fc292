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

/** The write-back flags of `promote` and `rollback` (stacks/automation/repository). */
export function withGitOptions(command: Command): Command {
    return command
        .option("--no-git-push", "do not commit and push the release state this run changes (for teams that keep it elsewhere; the report says so)")
        .option("--git-remote <name>", "the remote to push the release state to (default: shipgate:promotion.git.remote, else origin)")
        .option("--git-branch <name>", "the branch to push to (default: the branch checked out, else CI's branch)");
}

/** --no-git-push given on the command line, else undefined: commander defaults a negated flag to true. */
export function gitPushFlag(command: Command): boolean | undefined {
    return command.getOptionValueSource("gitPush") === "cli" ? (command.opts() as { gitPush: boolean }).gitPush : undefined;
}
