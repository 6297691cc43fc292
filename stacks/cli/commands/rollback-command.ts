import { Command } from "commander";
import { manualRollback } from "../../automation/promotion/manual-rollback";
import { deployer } from "../git-info";
import { RunFlags, runWithEngine } from "../run-context";
import { collect, gitPushFlag, globalOptions, withGitOptions } from "./common";

interface RollbackFlags extends RunFlags {
    stack: string;
    service?: string[];
    to?: string;
    reason?: string;
}

export function rollbackCommand(): Command {
    return withGitOptions(new Command("rollback"))
        .description("put a stack (or some of its services) back on its last good release, or on a named earlier one; traffic moves first")
        .requiredOption("--stack <name>", "the stack to roll back, e.g. production")
        .option("-s, --service <name>", "a service to roll back (repeatable; default: all of the stack's)", collect)
        .option("--to <version>", "the release to return to (default: the last good one, from the deployment log)")
        .option("--reason <text>", "why, for the record and the report")
        .option("--report-dir <dir>", "where the Markdown and JSON reports go", ".shipgate/reports")
        .option("--log <file>", "the deployment log in this file (JSON Lines; default: beside the Pulumi state, see README)")
        .option("--json", "print the run's record as JSON on stdout at the end")
        .action(async (flags: RollbackFlags, command: Command) => {
            process.exitCode = await runWithEngine(
                "rollback",
                globalOptions(command),
                { ...flags, gitPush: gitPushFlag(command) },
                async ({ env, log }) =>
                    manualRollback(
                        { stack: flags.stack, services: flags.service, to: flags.to, reason: flags.reason, deployer: deployer(), history: (await log.read()).records },
                        env,
                    ),
                (outcome) =>
                    outcome.record.services.length
                        ? `ROLLED BACK: ${outcome.record.versions.map((v) => `${v.service} ${v.from} → ${v.to}`).join(", ")} on ${flags.stack}`
                        : `NOTHING TO DO: ${flags.stack} already runs its target release`,
            );
        });
}
