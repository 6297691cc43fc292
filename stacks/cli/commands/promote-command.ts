import { Command } from "commander";
import * as path from "node:path";
import { exitCodeFor } from "../../automation/errors";
import { ExitCode } from "../../automation/exit-codes";
import { Hooks, Notifier } from "../../automation/hooks/hook-types";
import { promote } from "../../automation/promotion/promote";
import { Project } from "../../automation/project";
import { appendRecord, defaultLogPath } from "../../automation/records/deployment-log";
import { writeReports } from "../../automation/records/report";
import { engineEnvironment } from "../engine-environment";
import { deployer, gitInfo } from "../git-info";
import { interruptSignal } from "../interrupt";
import { createLogger } from "../output/logger";
import { GlobalOptions, chooseView, collect, globalOptions } from "./common";

const noHooks: Hooks = { run: async () => [] };
const noNotifier: Notifier = { notify: async () => undefined };

interface PromoteFlags {
    service?: string[];
    stages: string[];
    approver?: string[];
    image?: string;
    hotfix?: string;
    commit?: string;
    deployer?: string;
    changes?: string;
    dryRun?: boolean;
    reportDir?: string;
    log?: string;
    json?: boolean;
}

export function promoteCommand(): Command {
    return new Command("promote")
        .description("release a version of one service or all of them through staging, then production, step by step; roll back on a failed check")
        .argument("<version>", "the version to release, e.g. 2.0.0")
        .option("-s, --service <name>", "a service to release (repeatable or comma-separated; default: all, backend before frontend)", collect)
        .option("--stages <list>", "the stacks to walk, in order (never skips staging)", (v) => collect(v), ["staging", "production"])
        .option("-a, --approver <name>", "a named approver (production needs one; repeatable)", collect)
        .option("--image <ref>", "run this image instead of <repository>:<version> (e.g. a digest)")
        .option("--hotfix <reason>", "an expedited release: allowed in a change freeze, with extra scrutiny; give the reason")
        .option("--commit <sha>", "the commit being released (default: $GITHUB_SHA, $BUILD_SOURCEVERSION or git HEAD)")
        .option("--deployer <name>", "who releases (default: the CI actor or $USER)")
        .option("--changes <text>", "what the release changes, for the deployment log")
        .option("--dry-run", "pre-flight checks and policy previews only; change nothing")
        .option("--report-dir <dir>", "where the Markdown and JSON reports go", ".shipgate/reports")
        .option("--log <file>", "the deployment log (JSON Lines)")
        .option("--json", "print the run's record as JSON on stdout at the end")
        .action(async (version: string, flags: PromoteFlags, command: Command) => {
            process.exitCode = await runPromote(version, flags, globalOptions(command));
        });
}

async function runPromote(version: string, flags: PromoteFlags, global: GlobalOptions): Promise<number> {
    const view = flags.json ? undefined : chooseView(global);
    let project: Project;
    try {
        project = await Project.open(global.cwd);
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return exitCodeFor(err);
    }
    const { logger, file: logFile } = createLogger(project.dir, `promote-${new Date().toISOString().replace(/[:.]/g, "-")}`, global.logFormat === "json");
    const interrupt = interruptSignal((sig, count) => {
        logger.warn({ signal: sig, count }, "interrupted");
        view?.line(count === 1 ? `\n${sig}: stopping; the stage in flight rolls back to its last good release` : `${sig} again: the rollback is running and will finish; a third signal exits without it`);
    });
    const git = gitInfo(project.dir, flags.commit);
    const reportDir = path.resolve(project.dir, flags.reportDir ?? ".shipgate/reports");
    const deploymentLog = path.resolve(project.dir, flags.log ?? defaultLogPath(project.dir));
    try {
        const env = engineEnvironment({
            project,
            signal: interrupt.signal,
            hooks: () => noHooks,
            notifier: noNotifier,
            listener: (event) => {
                logger.info({ event: event.type === "finished" ? { type: "finished", id: event.record.id, result: event.record.result } : event }, event.type);
                view?.event(event);
            },
            saveRecord: async (record) => {
                try {
                    appendRecord(deploymentLog, record);
                    const written = writeReports(record, reportDir);
                    view?.line(`\nreport: ${written.markdownPath}\nlog: ${logFile}`);
                } catch (err) {
                    logger.error({ err }, "could not save the record");
                    view?.line(`could not save the deployment record: ${(err as Error).message}`);
                }
            },
        });
        const outcome = await promote(
            {
                version,
                image: flags.image,
                services: flags.service,
                stages: flags.stages,
                approvers: flags.approver ?? [],
                hotfixReason: flags.hotfix,
                gitCommit: git.commit,
                committedAt: git.committedAt,
                deployer: flags.deployer ?? deployer(),
                changes: flags.changes,
                dryRun: flags.dryRun,
            },
            env,
        );
        const code = outcome.error ? exitCodeFor(outcome.error) : ExitCode.Success;
        if (outcome.error) {
            logger.error({ err: outcome.error, result: outcome.record.result }, "promotion did not succeed");
            (view ? (t: string) => view.line(t) : (t: string) => process.stderr.write(`${t}\n`))(`\n${outcome.record.result.toUpperCase()}: ${outcome.error.message}`);
        } else {
            view?.line(`\n${flags.dryRun ? "DRY RUN OK" : "SUCCEEDED"}: ${version} is live on ${flags.stages.join(", ")}`);
        }
        if (flags.json) process.stdout.write(`${JSON.stringify(outcome.record, null, 2)}\n`);
        return code;
    } finally {
        interrupt.dispose();
        view?.close();
        logger.flush();
    }
}
