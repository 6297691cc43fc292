import { PlannedStep, liveArtifact } from "../../../components/release";
import { HookContext, HookFailure, HookPoint, Hooks } from "../hooks/hook-types";
import { PromotionRecord, healthKey, startStepRecord } from "../records/promotion-record";
import { StackOutputs } from "../stack-outputs";
import { applyStep } from "./apply-step";
import type { PromoteRequest, PromotionEnvironment } from "./promote";
import type { StagePlan } from "./preflight";
import { RollbackTarget } from "./rollback-stage";
import { runSmokeChecks } from "./smoke";

/** A step failed or the run was interrupted while a stage was changing: roll that stage back. */
export class StageFailure extends Error {
    constructor(
        message: string,
        readonly failedAt: Date,
        readonly cause?: unknown,
    ) {
        super(message);
    }
}

async function runHooks(hooks: Hooks, point: HookPoint, context: HookContext, env: PromotionEnvironment, record: PromotionRecord): Promise<void> {
    try {
        const outcomes = await hooks.run(point, context, env.signal);
        for (const o of outcomes) {
            record.hooks.push(o);
            env.listener({ type: "hook", point: o.point, name: o.name, outcome: o.outcome, detail: o.detail });
        }
    } catch (err) {
        if (err instanceof HookFailure) {
            for (const o of err.outcomes) {
                record.hooks.push(o);
                env.listener({ type: "hook", point: o.point, name: o.name, outcome: o.outcome, detail: o.detail });
            }
        }
        throw err;
    }
}


/**
 * One stage: its hooks, then each service in deploy order, each planned step: apply it (one `up`,
 * the router read back), verify it, run its hooks; then the smoke checks. Any failure is a
 * StageFailure, which the promotion answers with a rollback of this stage.
 */
export async function runStage(plan: StagePlan, request: PromoteRequest, env: PromotionEnvironment, record: PromotionRecord, touched: RollbackTarget[]): Promise<void> {
    const hooks = plan.hooks;
    const base = { promotionId: record.id, stage: plan.stage, environment: plan.environment, version: request.version };
    await runHooks(hooks, "beforeRollout", base, env, record).catch((err) => {
        throw new StageFailure(`beforeRollout hook failed in ${plan.stage}: ${(err as Error).message}`, env.now(), err);
    });
    let outputs: StackOutputs | undefined;
    for (const svc of plan.services) {
        const context: HookContext = { ...base, service: svc.service, previousVersion: liveArtifact(svc.lastGood).version };
        for (const step of svc.steps) {
            const stepRecord = startStepRecord(plan.stage, svc.service, step, env.now());
            record.steps.push(stepRecord);
            env.listener({ type: "step-start", stage: plan.stage, service: svc.service, index: step.index, total: svc.steps.length, kind: step.kind, summary: step.summary });
            try {
                if (step.promotes) {
                    await runHooks(hooks, "beforePromotion", { ...context, step: { index: step.index, kind: step.kind, summary: step.summary } }, env, record);
                }
                if (step.waitSeconds > 0) {
                    env.listener({ type: "waiting", stage: plan.stage, service: svc.service, seconds: step.waitSeconds, why: "scale-down delay" });
                    const waited = Date.now();
                    await env.sleep(step.waitSeconds * 1000, env.signal);
                    stepRecord.waitMs = Date.now() - waited;
                }
                const baseline =
                    step.baseline?.measuredBefore && outputs
                        ? await env.verifier.measureBaseline(plan.stage, svc.service, step.baseline.track, step.state.analysis, outputs, env.signal)
                        : undefined;
                const overheadStart = Date.now();
                let target = touched.find((t) => t.service === svc.service);
                if (!target) {
                    target = { service: svc.service, lastGood: svc.lastGood, healthPath: svc.healthPath, router: outputs?.services[svc.service]?.router };
                    touched.push(target);
                }
                // Before the up: a runner killed during it leaves what it was applying in the log.
                record.inFlight = { stage: plan.stage, states: { ...(record.inFlight?.stage === plan.stage ? record.inFlight.states : {}), [svc.service]: step.state } };
                await env.saveProgress?.(record);
                const applied = await applyStep({
                    driver: plan.driver,
                    service: svc.service,
                    step,
                    record: stepRecord,
                    routerFor: env.routerFor,
                    message: `shipgate ${record.id}: ${svc.service} ${step.summary}`,
                    outputs,
                    signal: env.signal,
                }).finally(() => {
                    stepRecord.overheadMs = Date.now() - overheadStart - (stepRecord.engineMs ?? 0);
                    env.listener({
                        type: "step-applied",
                        stage: plan.stage,
                        service: svc.service,
                        index: step.index,
                        engineMs: stepRecord.engineMs ?? 0,
                        traffic: stepRecord.traffic,
                        routerWeights: stepRecord.routerWeights,
                        router: stepRecord.router,
                        readBackUnsupported: stepRecord.readBackUnsupported,
                    });
                });
                outputs = applied;
                target.router = applied.services[svc.service]?.router ?? target.router;
                const verification = await env.verifier.verify({
                    stage: plan.stage,
                    service: svc.service,
                    step,
                    healthPath: svc.healthPath,
                    outputs: applied,
                    baseline,
                    signal: env.signal,
                    onEvent: (event) => env.listener({ type: "analysis", stage: plan.stage, service: svc.service, event }),
                });
                stepRecord.verification = verification;
                env.listener({ type: "step-done", stage: plan.stage, service: svc.service, index: step.index, verification });
                if (verification.outcome === "aborted" || env.signal.aborted) {
                    throw new StageFailure(`interrupted during ${svc.service} step ${step.index} (${step.summary})`, env.now());
                }
                if (verification.outcome === "fail") {
                    throw new StageFailure(`${svc.service} step ${step.index} (${step.summary}) failed its checks: ${verification.reason}`, env.now());
                }
                if (verification.healthColor) record.health[healthKey(plan.stage, svc.service)] = verification.healthColor;
                if (verification.healthDetail) record.healthDetails[healthKey(plan.stage, svc.service)] = verification.healthDetail;
                await runHooks(hooks, "afterStep", { ...context, step: { index: step.index, kind: step.kind, summary: step.summary } }, env, record);
                stepRecord.result = "succeeded";
                // shipgate:promotion.git.everyStep: the repository follows each step (a failed push is said; the run's end pushes again).
                const written = await env.repository?.write(record, [`Pulumi.${plan.stage}.yaml`], `${plan.stage}/${svc.service} step ${step.index}/${svc.steps.length}`);
                if (written) env.listener({ type: "write-back", writeBack: written });
            } catch (err) {
                stepRecord.result = env.signal.aborted ? "aborted" : "failed";
                stepRecord.error = (err as Error).message;
                throw err instanceof StageFailure ? err : new StageFailure(describeFailure(svc.service, step, err, env.signal), env.now(), err);
            } finally {
                stepRecord.finishedAt = env.now().toISOString();
            }
        }
        if (outputs) {
            const smoke = plan.settings.smoke.filter((s) => s.service === svc.service);
            const failures = await runSmokeChecks(smoke, outputs, env.signal);
            for (const f of failures.results) record.gates.push({ stage: plan.stage, gate: `smoke:${f.name}`, outcome: f.ok ? "pass" : "fail", detail: f.detail });
            if (!failures.ok) {
                throw new StageFailure(`smoke checks of ${svc.service} failed in ${plan.stage}: ${failures.results.filter((r) => !r.ok).map((r) => r.detail).join("; ")}`, env.now());
            }
        }
        const version = record.versions.find((v) => v.stage === plan.stage && v.service === svc.service);
        if (version) version.final = request.version;
    }
    await runHooks(hooks, "afterRollout", base, env, record).catch((err) => {
        throw new StageFailure(`afterRollout hook failed in ${plan.stage}: ${(err as Error).message}`, env.now(), err);
    });
}


function describeFailure(service: string, step: PlannedStep, err: unknown, signal: AbortSignal): string {
    if (signal.aborted) return `interrupted during ${service} step ${step.index} (${step.summary})`;
    if (err instanceof HookFailure) return `${service} step ${step.index}: ${err.message}`;
    return `${service} step ${step.index} (${step.summary}) failed: ${(err as Error).message.split("\n")[0]}`;
}
