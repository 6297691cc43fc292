import { randomBytes } from "node:crypto";
import { ChecklistInput, InvalidInputError, ReleaseInProgressError, liveArtifact } from "../../../components/release";
import { GateRefusal } from "../errors";
import { Hooks, NotificationEvent, Notifier } from "../hooks/hook-types";
import { GateResult, PromotionRecord, startRecord } from "../records/promotion-record";
import { StackDriver } from "../stack-driver";
import { RouterFor } from "./apply-step";
import { PolicyFiles } from "./policy-files";
import { PreflightGate } from "./preflight-gates";
import { StagePlan, checkMetricSources, checkNeverSkipStaging, checkRequest, planStages, runPreflightGates } from "./preflight";
import { policyPreview, stageFacts } from "./policy-preview";
import { PromotionListener } from "./promotion-events";
import { PromotionSettings } from "./promotion-settings";
import { recover } from "./recovery";
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
    readonly listener: PromotionListener;
    lock(stages: readonly string[], promotionId: string): Promise<{ release(): Promise<void> }>;
    /** A stage's policy packs and configs, with what is wrong with the ones it names (policy-files.ts). */
    policy(stage: string, environment: string, settings: PromotionSettings): PolicyFiles;
    readonly gates: readonly PreflightGate[];
    /** Interruption (SIGINT/SIGTERM): the run stops and rolls back. */
    readonly signal: AbortSignal;
    now(): Date;
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
    /** The live router of a stack's service, from the descriptor in its outputs (the router seam). */
    readonly routerFor: RouterFor;
}

export interface PromotionOutcome {
    readonly record: PromotionRecord;
    /** Why the run did not succeed; its class gives the exit code. */
    readonly error?: Error;
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
        lock = await env.lock(request.stages, record.id);
        gate({ gate: "lock", outcome: "pass", detail: `no other promotion on ${request.stages.join(", ")}` });
        const plans = await planStages(request, target, env, record);
        notifiers = [...new Set(plans.map((p) => p.notifier))];
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
        for (const [i, plan] of plans.entries()) {
            const stagingEarlier = plans.slice(0, i).some((p) => p.environment === "staging");
            await policyPreview(plan, env, gate, request, stageFacts(plan, request, undefined), stagingEarlier ? ["staging-verified"] : []);
        }
        if (request.dryRun) {
            record.result = "succeeded";
            return { record };
        }
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
            if (plan.environment === "staging") stagingResult = { version: request.version, succeeded: true, finishedAt: env.now().toISOString() };
        }
        record.result = "succeeded";
        return { record };
    } catch (err) {
        if (changing && changing.touched.length) {
            error = await recover(changing.plan, changing.touched, err, request, env, record);
        } else {
            record.result = err instanceof GateRefusal || err instanceof InvalidInputError || err instanceof ReleaseInProgressError ? "refused" : "failed";
            error = err instanceof ReleaseInProgressError ? new GateRefusal("release in progress", err.message) : (err as Error);
            record.error = error.message;
        }
        return { record, error };
    } finally {
        await lock?.release();
        const finished = env.now();
        record.finishedAt = finished.toISOString();
        record.durationMs = finished.getTime() - started.getTime();
        if (!request.dryRun) {
            await env.saveRecord(record);
            const event: NotificationEvent = record.result === "succeeded" ? "succeeded" : record.result;
            if (notified || event !== "refused") await notify(event);
        }
        emit({ type: "finished", record });
    }
}

