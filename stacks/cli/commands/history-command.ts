import { Command } from "commander";
import { exitCodeFor } from "../../automation/errors";
import { Project } from "../../automation/project";
import { historyMarkdown } from "../../automation/records/deployment-log-markdown";
import { describeProblems, queryRecords } from "../../automation/records/deployment-log";
import { projectStore } from "../project-store";
import { fitWidth } from "../output/fit-width";
import { globalOptions } from "./common";

interface HistoryFlags {
    stack?: string;
    service?: string;
    limit: string;
    log?: string;
    json?: boolean;
}

export function historyCommand(): Command {
    return new Command("history")
        .description("the deployment log: every promotion and rollback, newest first")
        .option("--stack <name>", "only runs that touched this stack")
        .option("-s, --service <name>", "only runs that included this service")
        .option("-n, --limit <count>", "at most this many runs", "20")
        .option("--log <file>", "the deployment log in this file (default: beside the Pulumi state, see README)")
        .option("--json", "the records as JSON")
        .action(async (flags: HistoryFlags, command: Command) => {
            try {
                const project = await Project.open(globalOptions(command).cwd);
                const log = await projectStore(project, flags.log).log.read();
                for (const problem of describeProblems(log)) process.stderr.write(`warning: ${problem}\n`);
                const records = queryRecords(log.records, { stage: flags.stack, service: flags.service, limit: Number(flags.limit) }).reverse();
                process.stdout.write(flags.json ? `${JSON.stringify(records, null, 2)}\n` : records.length ? `${fitWidth(historyMarkdown(records))}\n` : "no runs recorded yet\n");
            } catch (err) {
                process.stderr.write(`${(err as Error).message}\n`);
                process.exitCode = exitCodeFor(err);
            }
        });
}
