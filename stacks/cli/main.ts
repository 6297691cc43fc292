import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { ExitCode } from "../automation/exit-codes";
import { logFormatOption } from "./commands/common";
import { promoteCommand } from "./commands/promote-command";
import { historyCommand } from "./commands/history-command";
import { metricsCommand } from "./commands/metrics-command";
import { rollbackCommand } from "./commands/rollback-command";
import { statusCommand } from "./commands/status-command";
import { REPO_ROOT } from "./repo-root";

/** `shipgate`: the command line CI calls. Exit codes: see README ("Exit codes"). */
export function program(): Command {
    const cli = new Command("shipgate")
        .description("progressive delivery as infrastructure as code: staged promotions with verification and automatic rollback")
        .version(require(path.join(REPO_ROOT, "package.json")).version, "-V, --cli-version", "print shipgate's version")
        .addOption(new Option("-C, --cwd <dir>", "the Pulumi project folder (where Pulumi.yaml is)"))
        .addOption(logFormatOption)
        .option("--plain", "plain line-by-line output even in a terminal")
        .showHelpAfterError()
        .exitOverride();
    cli.addCommand(promoteCommand());
    cli.addCommand(rollbackCommand());
    cli.addCommand(statusCommand());
    cli.addCommand(historyCommand());
    cli.addCommand(metricsCommand());
    for (const sub of cli.commands) sub.exitOverride();
    return cli;
}

export async function main(argv: string[]): Promise<void> {
    try {
        await program().parseAsync(argv);
    } catch (err) {
        if (err instanceof CommanderError) {
            // --help and --version exit 0; any usage error is bad input.
            process.exitCode = err.exitCode === 0 ? 0 : ExitCode.BadInput;
            return;
        }
        process.stderr.write(`shipgate: ${(err as Error).stack ?? err}\n`);
        process.exitCode = ExitCode.Error;
    }
}

if (require.main === module) {
    void main(process.argv);
}
