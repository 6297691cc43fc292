import { Command } from "commander";
import { exitCodeFor } from "../../automation/errors";
import { Project } from "../../automation/project";
import { projectStore } from "../project-store";
import { doraMetrics } from "../../automation/records/dora";
import { doraMarkdown } from "../../automation/records/dora-markdown";
import { globalOptions } from "./common";

interface MetricsFlags {
    stage: string;
    days: string;
    log?: string;
    json?: boolean;
}

export function metricsCommand(): Command {
    return new Command("metrics")
        .description("the DORA metrics from the deployment log: deployment frequency, lead time, change failure rate, MTTR, success rate")
        .option("--stage <name>", "the stack to measure", "production")
        .option("--days <n>", "the window, in days up to now", "30")
        .option("--log <file>", "the deployment log in this file (default: beside the Pulumi state, see README)")
        .option("--json", "machine-readable output")
        .action(async (flags: MetricsFlags, command: Command) => {
            try {
                const project = await Project.open(globalOptions(command).cwd);
                const log = await projectStore(project, flags.log).log.read();
                const metrics = doraMetrics(log.records, { stage: flags.stage, windowDays: Number(flags.days) });
                process.stdout.write(flags.json ? `${JSON.stringify(metrics, null, 2)}\n` : `${doraMarkdown(metrics)}\n`);
            } catch (err) {
                process.stderr.write(`${(err as Error).message}\n`);
                process.exitCode = exitCodeFor(err);
            }
        });
}
