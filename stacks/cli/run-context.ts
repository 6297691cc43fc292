import * as path from "node:path";
import pino from "pino";
import { exitCodeFor } from "../automation/errors";
import { ExitCode } from "../automation/exit-codes";
import { configLookup, hooksFromStackConfig, notifierFromStackConfig } from "../automation/hooks";
import { PromotionEnvironment, PromotionOutcome } from "../automation/promotion/promote";
import { Project } from "../automation/project";
import { writeReports } from "../automation/records/report";
import { ReleaseRepository } from "../automation/repository/release-repository";
import { LogStore, ShipgateStore } from "../automation/store/shipgate-store";
import { GlobalOptions, chooseView } from "./commands/common";
import { engineEnvironment } from "./engine-environment";
import { interruptSignal } from "./interrupt";
import { projectStore } from "./project-store";
import { refreshProgramBuild } from "./program-build";
import { createLogger } from "./output/logger";
import { View } from "./output/view";

export interface RunFlags {
    readonly reportDir?: string;
    readonly log?: string;
    readonly json?: boolean;
    /** --no-git-push (false); undefined when not given, so the stacks' config decides. */
    readonly gitPush?: boolean;
    readonly gitRemote?: string;
    readonly gitBranch?: string;
}

export interface RunContext {
    readonly project: Project;
    readonly env: PromotionEnvironment;
    readonly view?: View;
    readonly logger: pino.Logger;
    /** The deployment log: beside the Pulumi state, or `--log`'s file (open-store.ts). */
    readonly log: LogStore;
}

/**
 * What `promote` and `rollback` share: the project, a JSON log file, the live or plain view,
 * SIGINT/SIGTERM handling, the lock and the deployment log (beside the Pulumi state), the
 * reports, and the exit code of the outcome.
 */
export async function runWithEngine(
    kind: string,
    global: GlobalOptions,
    flags: RunFlags,
    body: (context: RunContext) => Promise<PromotionOutcome>,
    describeSuccess: (outcome: PromotionOutcome) => string,
): Promise<number> {
    const view = flags.json ? undefined : chooseView(global);
    const say = (text: string) => (view ? view.line(text) : process.stderr.write(`${text}\n`));
    let project: Project;
    try {
        project = await Project.open(global.cwd);
    } catch (err) {
        say((err as Error).message);
        view?.close();
        return exitCodeFor(err);
    }
    refreshProgramBuild(say);
    const { logger, file: logFile } = createLogger(project.dir, `${kind}-${new Date().toISOString().replace(/[:.]/g, "-")}`, global.logFormat === "json");
    const interrupt = interruptSignal((sig, count) => {
        logger.warn({ signal: sig, count }, "interrupted");
        say(count === 1 ? `\n${sig}: stopping; the stage in flight rolls back to its last good release` : `${sig} again: the rollback is running and will finish; a third signal exits without it`);
    });
    const reportDir = path.resolve(project.dir, flags.reportDir ?? ".shipgate/reports");
    try {
        const store = openRunStore(project, flags.log, say);
        const repository = await ReleaseRepository.open(project.dir, { push: flags.gitPush, remote: flags.gitRemote, branch: flags.gitBranch });
        const env = engineEnvironment({
            project,
            repository,
            signal: interrupt.signal,
            locks: store.locks,
            onLockLost: (stack, reason) => {
                logger.error({ stack, reason }, "promotion lock lost");
                say(`\nLOCK LOST on ${stack}: ${reason}\n  another run may take the stack now: stopping; the stage in flight rolls back`);
                interrupt.stop(`the promotion lock on ${stack} was lost`);
            },
            hooks: async (_stage, _settings, driver) =>
                hooksFromStackConfig(driver.config(), { projectDir: project.dir, config: configLookup(await driver.allConfig()), logger }),
            notifier: async (_stage, driver) => notifierFromStackConfig(driver.config(), { config: configLookup(await driver.allConfig()), logger }),
            listener: (event) => {
                logger.info({ event: event.type === "finished" ? { type: "finished", id: event.record.id, result: event.record.result } : event }, event.type);
                view?.event(event);
            },
            saveProgress: async (record) => {
                try {
                    await store.log.append({ ...record, result: "running" });
                } catch (err) {
                    logger.error({ err }, "could not save the run's progress");
                }
            },
            history: async () => (await store.log.read()).records,
            saveRecord: async (record) => {
                try {
                    await store.log.append(record);
                    const written = writeReports(record, reportDir);
                    say(`\nreport: ${written.markdownPath}\nlog: ${logFile}`);
                } catch (err) {
                    logger.error({ err }, "could not save the record");
                    say(`could not save the deployment record: ${(err as Error).message}`);
                }
            },
        });
        const outcome = await body({ project, env, view, logger, log: store.log });
        const code = outcome.error ? exitCodeFor(outcome.error) : ExitCode.Success;
        if (outcome.error) {
            logger.error({ err: outcome.error, result: outcome.record.result }, `${kind} did not succeed`);
            say(`\n${outcome.record.result.toUpperCase()}: ${outcome.error.message}`);
        } else {
            say(`\n${describeSuccess(outcome)}`);
        }
        if (flags.json) process.stdout.write(`${JSON.stringify(outcome.record, null, 2)}\n`);
        return code;
    } catch (err) {
        logger.error({ err }, `${kind} failed`);
        say(`${kind} failed: ${(err as Error).message}`);
        return exitCodeFor(err);
    } finally {
        interrupt.dispose();
        view?.close();
        logger.flush();
    }
}

/** The run's lock and log, said once where they are not shared with other runners. */
function openRunStore(project: Project, logFile: string | undefined, say: (text: string) => void): ShipgateStore {
    const store = projectStore(project, logFile);
    if (!store.locks.shared) {
        say(`WARN the promotion lock is on this runner only (${store.locks.where}): shipgate shares it through file:// and azblob:// backends; serialise CI jobs per stack (README, "Many runners, one store")`);
    }
    return store;
}
