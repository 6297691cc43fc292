import { randomBytes } from "node:crypto";
import { ChecklistInput, InvalidInputError, ReleaseInProgressError, liveArtifact } from "../../../components/release";
import { summariseEngineError } from "../engine-error";
import { GateRefusal, PromotionRolledBack, RepositoryOutOfStep } from "../errors";
import { Hooks, NotificationEvent, Notifier } from "../hooks/hook-types";
import { Notifiers } from "../hooks/slack-notifier";
import { GateResult, PromotionRecord, startRecord } from "../records/promotion-record";
import { WriteBackRecord } from "../records/write-back-record";
import type { StageFile } from "../repository/release-repository";
import { StackDriver } from "../stack-driver";
import { RouterFor } from "./apply-step";
import { PolicyFiles } from "./policy-files";
import { PreflightGate } from "./preflight-gates";
import { StagePlan, checkMetricSources, checkNeverSkipStaging, checkRequest, planStages, runPreflightGates } from "./preflight";
import { checkPolicyFiles, policyPreview, stageFacts } from "./policy-preview";
import { PromotionListener } from "./promotion-events";
import { PromotionSettings } from "./promotion-settings";
import { recover } from "./recovery";
import { recoverInterrupted } from "./interrupted-run";
import { checkDrift } from "./release-drift";
import { RollbackTarget } from "./rollback-stage";
import { runStage } from "./run-stage";
import { StageFacts } from "./stage-checklist";
import { StepVerifier } from "./step-verifier";

export interface PromoteRequest {
    readonly version: string;
    readonly image?: string;
    /** Default: every service of the first stage, in deploy order. */
    readonly services?: readonly string[];
    /** Default: staging, then production. */
    readonly stages: readonly string[];
    readonly approvers: readonly string[];
    readonly hotfixReason?: string;
    readonly gitCommit?: string;
    readonly committedAt?: string;
    /** Who runs it (a person or the CI actor) and what the release changes, for the deployment log. */
    readonly deployer?: string;
    readonly changes?: string;
    /** Pre-flight and policy previews only; nothing changes. */
    readonly dryRun?: boolean;
    /** CI's facts for the policy pack (tests, coverage, scans, review, migrations): the --checklist file. */
    readonly checklist?: Partial<ChecklistInput>;
}

/** Everything the run touches outside the pure model, injected so the state machine can be tested on fakes. */
export interface PromotionEnvironment {
    openStack(name: string): Promise<StackDriver>;
    readonly verifier: StepVerifier;
    /** The stage's hooks from its `shipgate:promotion` config; bad config is bad input (pre-flight). */
    hooks(stage: string, settings: PromotionSettings, driver: StackDriver): Promise<Hooks>;
    /** The stage's notifier (Slack-compatible webhooks from its config); a no-op when none. */
    notifier(stage: string, driver: StackDriver): Promise<Notifier>;
    /** Appends the record to the deployment log and writes the reports; must not throw. */
    saveRecord(record: PromotionRecord): Promise<void>;
    /**
     * Appends the record as "running" to the deployment log (as a run starts and before each
     * step), so a runner that is killed still leaves it; must not throw. Absent: not kept.
     */
    saveProgress?(record: PromotionRecord): Promise<void>;
    /** The deployment log's runs, newest last (one record per run), for crash recovery; read after the lock is taken. */
    history?(): Promise<readonly PromotionRecord[]> | readonly PromotionRecord[];
    readonly listener: PromotionListener;
    /** Takes every stage's lock or refuses; `broken` says which stale locks (holder gone) it took over. */
    lock(stages: readonly string[], promotionId: string): Promise<{ release(): Promise<void>; readonly broken?: readonly string[] }>;
    /** A stage's policy packs and configs, with what is wrong with the ones it names (policy-files.ts). */
    policy(stage: string, environment: string, settings: PromotionSettings): PolicyFiles;
    readonly gates: readonly PreflightGate[];
    /** Interruption (SIGINT/SIGTERM): the run stops and rolls back. */
    readonly signal: AbortSignal;
    now(): Date;
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
    /** The live router of a stack's service, from the descriptor in its outputs (the router seam). */
    readonly routerFor: RouterFor;
    /** The repository the stack files live in (repository/release-repository.ts); absent: no write-back. */
    readonly repository?: RepositorySync;
}

/** The write-back: checked in pre-flight, written when the run ends (one commit of the changed stack files). */
export interface RepositorySync {
    check(stages: readonly StageFile[], options?: { recovering?: boolean }): Promise<GateResult>;
    /** Undefined when the check never ran (the run ended before it): nothing to say. */
    write(record: PromotionRecord, files: readonly string[], step?: string): Promise<WriteBackRecord | undefined>;
}

/** Pre-flight's write-back gate: a refusal is recorded as a failed gate, then refuses the run. */
export async function checkWriteBack(env: PromotionEnvironment, stages: readonly StageFile[], gate: (g: GateResult) => void, options: { recovering?: boolean } = {}): Promise<void> {
    if (!env.repository) return;
    try {
        gate(await env.repository.check(stages, options));
    } catch (err) {
        if (err instanceof GateRefusal) gate({ gate: "write-back", outcome: "fail", detail: err.message });
        throw err;
    }
}

/**
 * The run's last act while it still holds the lock: commit and push what it changed. A push
 * that fails makes a released or rolled-back run's error "out of step" (exit 6), keeping the
 * run's own message; a run that needs a person already (exit 4) keeps its error. `stages`: the
 * stack files to commit (a recovery also commits what the interrupted run released before it stopped).
 */
export async function writeBack(env: PromotionEnvironment, record: PromotionRecord, error: Error | undefined, stages: readonly string[] = record.stages): Promise<Error | undefined> {
    if (!env.repository || record.result === "refused") return error;
    const written = await env.repository.write(
        record,
        stages.map((s) => `Pulumi.${s}.yaml`),
    );
    if (!written) return error;
    record.writeBack = written;
    env.listener({ type: "write-back", writeBack: record.writeBack });
    if (record.writeBack.outcome !== "out-of-step" || (error && !(error instanceof PromotionRolledBack))) return error;
    return new RepositoryOutOfStep(`${error ? `${error.message}\n` : ""}${record.writeBack.detail}`, record.writeBack.commands ?? [], error);
}

export function stageFiles(plans: readonly { stage: string; environment: string; driver: StackDriver }[]): StageFile[] {
    return plans.map((p) => ({ stage: p.stage, environment: p.environment, file: `Pulumi.${p.stage}.yaml`, git: (p.driver.config()["shipgate:promotion"] as { git?: unknown } | undefined)?.git }));
}

export interface PromotionOutcome {
    readonly record: PromotionRecord;
    /** Why the run did not succeed; its class gives the exit code. */
    readonly error?: Error;
    /** The interrupted run this one found and put back (crash-recovery.ts). */
    readonly interrupted?: PromotionRecord;
}

export function newPromotionId(now: Date): string {
    return `${now.toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${randomBytes(3).toString("hex")}`;
}

/**
 * `shipgate promote`: the deployment protocol as a state machine. Pre-flight (config,
 * stacks, plans, gates, lock) and the policy preview change nothing. Then each stage in turn
 * (staging first, never skipped), each service in deploy order (backend before frontend), each
 * planned step: write the release state, one `up`, read the weights back, verify, run hooks.
 * A failed check, a failed hook or an interruption rolls the stage back to its last good
 * release (traffic first) and the run ends "rolled-back"; a rollback that fails says so.
 */
export async function promote(request: PromoteRequest, env: PromotionEnvironment): Promise<PromotionOutcome> {
    const started = env.now();
    const record = startRecord({
        id: newPromotionId(started),
        kind: "promote",
        version: request.version,
        image: request.image,
        services: [...(request.services ?? [])],
        stages: [...request.stages],
        approvers: [...request.approvers],
        deployer: request.deployer,
        changes: request.changes,
        gitCommit: request.gitCommit,
        committedAt: request.committedAt,
        hotfixReason: request.hotfixReason,
        startedAt: started.toISOString(),
    });
    const emit = env.listener;
    const gate = (result: GateResult) => {
        record.gates.push(result);
        emit({ type: "gate", gate: result });
    };
    let lock: { release(): Promise<void> } | undefined;
    let notified: NotificationEvent | undefined;
    let notifiers: Notifier[] = [];
    const notify = async (event: NotificationEvent) => {
        await Promise.all(notifiers.map((n) => n.notify(event, record)));
    };
    let error: Error | undefined;
    let changing: { plan: StagePlan; touched: RollbackTarget[] } | undefined;
    try {
        // 1. Pre-flight: nothing below changes anything until every check has passed. The lock
        //    comes first, so the plans are made from stack files no other promotion is editing.
        const target = checkRequest(request);
        const taken = await env.lock(request.stages, record.id);
        lock = taken;
        gate({ gate: "lock", outcome: "pass", detail: `no other promotion on ${request.stages.join(", ")}${taken.broken?.length ? `; ${taken.broken.join("; ")}` : ""}` });
        await recoverInterrupted(request, env, record, gate);
        const plans = await planStages(request, target, env, record);
        notifiers = [Notifiers.distinct(plans.map((p) => p.notifier))];
        await checkWriteBack(env, stageFiles(plans), gate);
        await checkDrift(plans, env, gate);
        emit({
            type: "plan",
            id: record.id,
            version: request.version,
            stages: plans.map((p) => ({
                stage: p.stage,
                services: p.services.map((s) => ({
                    service: s.service,
                    from: liveArtifact(s.lastGood).version,
                    steps: s.steps.map((st) => ({ index: st.index, kind: st.kind, summary: st.summary })),
                })),
            })),
        });
        checkNeverSkipStaging(request, plans, gate);
        await runPreflightGates(plans, request, env, gate);
        await checkMetricSources(plans, env, gate);

        // 2. The policy packs judge every stage's target before any traffic moves. A stage after
        //    staging in this run cannot have staging's result yet: its staging-verified gate is
        //    judged again, for real, right before that stage runs.
        checkPolicyFiles(plans, env);
        for (const [i, plan] of plans.entries()) {
            const stagingEarlier = plans.slice(0, i).some((p) => p.environment === "staging");
            await policyPreview(plan, env, gate, request, stageFacts(plan, request, undefined), stagingEarlier ? ["staging-verified"] : []);
        }
        if (request.dryRun) {
            record.result = "succeeded";
            return { record };
        }
        await env.saveProgress?.(record);
        await notify("started");
        notified = "started";

        // 3. The stages, in order.
        let stagingResult: StageFacts["staging"];
        for (const [i, plan] of plans.entries()) {
            emit({ type: "stage-start", stage: plan.stage });
            if (i > 0 && stagingResult) {
                await policyPreview(plan, env, gate, request, stageFacts(plan, request, stagingResult), []);
            }
            changing = { plan, touched: [] };
            await runStage(plan, request, env, record, changing.touched);
            changing = undefined;
            record.inFlight = undefined;
            if (plan.environment === "staging") stagingResult = { version: request.version, succeeded: true, finishedAt: env.now().toISOString() };
        }
        record.result = "succeeded";
    } catch (err) {
        if (changing && changing.touched.length) {
            error = await recover(changing.plan, changing.touched, err, request, env, record);
            if (record.result === "rolled-back") record.inFlight = undefined;
        } else {
            record.result = err instanceof GateRefusal || err instanceof InvalidInputError || err instanceof ReleaseInProgressError ? "refused" : "failed";
            error = err instanceof ReleaseInProgressError ? new GateRefusal("release in progress", err.message) : (summariseEngineError(err) as Error);
            record.error = error.message;
        }
    } finally {
        if (!request.dryRun) error = await writeBack(env, record, error);
        await lock?.release();
        const finished = env.now();
        record.finishedAt = finished.toISOString();
        record.durationMs = finished.getTime() - started.getTime();
        if (!request.dryRun) {
            await env.saveRecord(record);
            const event: NotificationEvent = record.result === "running" || record.result === "interrupted" ? "failed" : record.result;
            if (notified || event !== "refused") await notify(event);
        }
        emit({ type: "finished", record });
    }
    return { record, error };
}
