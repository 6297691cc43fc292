import { randomBytes } from "node:crypto";
import {
    Artifact,
    ChecklistInput,
    InvalidInputError,
    PlannedStep,
    ReleaseInProgressError,
    ReleaseState,
    VersionSchema,
    describeState,
    liveArtifact,
    otherColor,
    planRelease,
} from "../../../components/release";
import { validatePulumiConfig } from "../../program/stack-config";
import { GateRefusal, PromotionRolledBack, RollbackFailed } from "../errors";
import { HookContext, HookFailure, HookPoint, Hooks, NotificationEvent, Notifier } from "../hooks/hook-types";
import { GateResult, PromotionRecord, healthKey, startRecord, startStepRecord } from "../records/promotion-record";
import { StackDriver } from "../stack-driver";
import { StackOutputs, SwitchAction } from "../stack-outputs";
import { PreflightGate } from "./preflight-gates";
import { PromotionListener } from "./promotion-events";
import { PromotionSettings, PromotionSettingsSchema } from "./promotion-settings";
import { RollbackTarget, rollbackStage } from "./rollback-stage";
import { runSmokeChecks } from "./smoke";
import { StageFacts, previewPolicyConfigs, stageChecklist } from "./stage-checklist";
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
    /** The policy packs and their configs for a stage (absolute paths), or undefined when there is none. */
    policy(stage: string, environment: string, settings: PromotionSettings): { packs: string[]; configs: string[] } | undefined;
    readonly gates: readonly PreflightGate[];
    /** Interruption (SIGINT/SIGTERM): the run stops and rolls back. */
    readonly signal: AbortSignal;
    now(): Date;
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
    /** Performs a platform's switch action (an App Service slot swap) before the `up` that declares it. */
    switchTraffic(action: SwitchAction, signal?: AbortSignal): Promise<void>;
}

export interface PromotionOutcome {
    readonly record: PromotionRecord;
    /** Why the run did not succeed; its class gives the exit code. */
    readonly error?: Error;
}

interface StagePlan {
    readonly stage: string;
    readonly environment: string;
    readonly driver: StackDriver;
    readonly settings: PromotionSettings;
    readonly services: readonly { service: string; lastGood: ReleaseState; steps: readonly PlannedStep[]; healthPath: string }[];
    readonly hooks: Hooks;
    readonly notifier: Notifier;
    /** Violations already reported for this stage (a preview runs twice: first step and target). */
    readonly seenViolations: Set<string>;
}

/** A step failed or the run was interrupted while a stage was changing: roll that stage back. */
class StageFailure extends Error {
    constructor(
        message: string,
        readonly failedAt: Date,
        readonly cause?: unknown,
    ) {
        super(message);
    }
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
        for (const plan of plans) {
            for (const check of env.gates) {
                const result = await check({
                    stage: plan.stage,
                    environment: plan.environment,
                    version: request.version,
                    approvers: request.approvers,
                    hotfixReason: request.hotfixReason,
                    now: env.now(),
                    settings: plan.settings,
                    config: plan.driver.config(),
                });
                if (result) {
                    gate(result);
                    if (result.outcome === "fail") throw new GateRefusal(result.gate, `${plan.stage}: ${result.detail}`);
                }
            }
        }

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

function checkRequest(request: PromoteRequest): Artifact {
    const version = VersionSchema.safeParse(request.version);
    if (!version.success) {
        throw new InvalidInputError("promote", [{ path: "version", message: version.error.issues[0].message }]);
    }
    if (!request.stages.length) {
        throw new InvalidInputError("promote", [{ path: "--stages", message: "no stages: give at least one, e.g. staging,production" }]);
    }
    if (new Set(request.stages).size !== request.stages.length) {
        throw new InvalidInputError("promote", [{ path: "--stages", message: `a stage is listed twice (${request.stages.join(", ")}): list each once` }]);
    }
    return request.image ? { version: version.data, image: request.image } : { version: version.data };
}

/** Reads each stage's config and plans every service's steps; bad config or an unknown service is bad input. */
async function planStages(request: PromoteRequest, target: Artifact, env: PromotionEnvironment, record: PromotionRecord): Promise<StagePlan[]> {
    const plans: StagePlan[] = [];
    for (const stage of request.stages) {
        const driver = await env.openStack(stage);
        const raw = driver.config();
        const { config, order } = validatePulumiConfig(raw);
        const settings = PromotionSettingsSchema.safeParse(raw["shipgate:promotion"] ?? {});
        if (!settings.success) {
            throw new InvalidInputError(`stack ${stage}`, settings.error.issues.map((i) => ({ path: `shipgate:promotion.${i.path.join(".")}`, message: i.message })));
        }
        const wanted = request.services?.length ? request.services : order;
        const unknown = wanted.filter((s) => !(s in config.services));
        if (unknown.length) {
            throw new InvalidInputError("promote", unknown.map((s) => ({ path: "--service", message: `no service "${s}" in stack ${stage}: use one of ${order.join(", ")}` })));
        }
        const services = order
            .filter((s) => wanted.includes(s))
            .map((service) => {
                const lastGood = config.services[service].release;
                const steps = planRelease(lastGood, target).steps;
                record.versions.push({ stage, service, strategy: lastGood.strategy, from: liveArtifact(lastGood).version, to: target.version });
                return { service, lastGood, steps, healthPath: config.services[service].healthPath };
            });
        record.services = services.map((s) => s.service);
        plans.push({
            stage,
            environment: config.environment,
            driver,
            settings: settings.data,
            services,
            hooks: await env.hooks(stage, settings.data, driver),
            notifier: await env.notifier(stage, driver),
            seenViolations: new Set(),
        });
    }
    return plans;
}

/** The protocol: never skip staging. Production comes after staging in the same run, or staging already runs the version. */
function checkNeverSkipStaging(request: PromoteRequest, plans: StagePlan[], gate: (g: GateResult) => void): void {
    const production = plans.findIndex((p) => p.environment === "production");
    if (production === -1) return;
    const staging = plans.findIndex((p) => p.environment === "staging");
    if (staging !== -1 && staging < production) {
        gate({ gate: "never-skip-staging", outcome: "pass", detail: "staging runs first in this promotion" });
        return;
    }
    throw new GateRefusal(
        "never-skip-staging",
        `production is promoted without staging before it (stages: ${request.stages.join(", ")})`,
        "list staging before production (the default: --stages staging,production)",
    );
}

function stageFacts(plan: StagePlan, request: PromoteRequest, staging: StageFacts["staging"]): StageFacts {
    return {
        environment: plan.environment,
        version: request.version,
        services: plan.services.map((s) => s.service),
        approvers: request.approvers,
        commit: request.gitCommit,
        rollbackTarget: plan.services[0] ? liveArtifact(plan.services[0].lastGood).version : undefined,
        staging,
        hotfixReason: request.hotfixReason,
    };
}

async function policyPreview(
    plan: StagePlan,
    env: PromotionEnvironment,
    gate: (g: GateResult) => void,
    request: PromoteRequest,
    facts: StageFacts,
    disabled: readonly string[],
): Promise<void> {
    const files = env.policy(plan.stage, plan.environment, plan.settings);
    if (!files) {
        gate({ stage: plan.stage, gate: "policy", outcome: "warn", detail: "no policy pack configured: the preview ran without gates" });
        return;
    }
    const checklist = request.checklist ? stageChecklist(request.checklist, facts) : undefined;
    const configs = previewPolicyConfigs(files.configs, checklist, disabled);
    try {
        // The first step is what moves traffic first; the last is where the release ends. Judge both.
        const targets = new Map(plan.services.filter((s) => s.steps.length).map((s) => [s.service, s.steps[s.steps.length - 1].state]));
        const firsts = new Map(plan.services.filter((s) => s.steps.length).map((s) => [s.service, s.steps[0].state]));
        for (const [label, states] of [["first step", firsts], ["target", targets]] as const) {
            if (!states.size) continue;
            const outcome = await plan.driver.previewWithPolicies(states, { policyPacks: files.packs, policyPackConfigs: configs.files, signal: env.signal });
            const seen = new Set<string>();
            for (const v of outcome.violations) {
                const key = `${v.policy}|${v.message}`;
                if (seen.has(key) || plan.seenViolations.has(key)) continue;
                seen.add(key);
                plan.seenViolations.add(key);
                gate({ stage: plan.stage, gate: `policy:${v.policy}`, outcome: v.level === "mandatory" ? "fail" : "warn", detail: v.message });
            }
            if (!outcome.passed) {
                const mandatory = outcome.violations.filter((v) => v.level === "mandatory").map((v) => v.policy);
                throw new GateRefusal(
                    "policy",
                    `${plan.stage} (${label}) violates ${[...new Set(mandatory)].join(", ")}`,
                    checklist ? "fix the violations listed above, then promote again" : "fix the violations listed above; CI hands its checklist over with --checklist <file> (see README, Deployment gates)",
                );
            }
        }
        gate({
            stage: plan.stage,
            gate: "policy",
            outcome: "pass",
            detail: `${files.packs.length} pack(s) passed the preview of ${plan.stage}${disabled.length ? ` (${disabled.join(", ")} judged before ${plan.stage} runs)` : ""}`,
        });
    } finally {
        configs.cleanup();
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

const PROMOTING: ReadonlySet<string> = new Set(["canary-promote", "bluegreen-switch", "rolling-update"]);

async function runStage(plan: StagePlan, request: PromoteRequest, env: PromotionEnvironment, record: PromotionRecord, touched: RollbackTarget[]): Promise<void> {
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
                if (PROMOTING.has(step.kind)) {
                    await runHooks(hooks, "beforePromotion", { ...context, step: { index: step.index, kind: step.kind, summary: step.summary } }, env, record);
                }
                if (step.waitSeconds > 0) {
                    env.listener({ type: "waiting", stage: plan.stage, service: svc.service, seconds: step.waitSeconds, why: "scale-down delay" });
                    const waited = Date.now();
                    await env.sleep(step.waitSeconds * 1000, env.signal);
                    stepRecord.waitMs = Date.now() - waited;
                }
                const baseline =
                    (step.kind === "bluegreen-switch" || step.kind === "rolling-update") && outputs
                        ? await env.verifier.measureBaseline(plan.stage, svc.service, currentTrack(step.state), step.state.analysis, outputs, env.signal)
                        : undefined;
                const overheadStart = Date.now();
                if (!touched.some((t) => t.service === svc.service)) {
                    touched.push({ service: svc.service, lastGood: svc.lastGood, healthPath: svc.healthPath });
                }
                const action = step.kind === "bluegreen-switch" ? (outputs ?? (await plan.driver.outputs())).services[svc.service]?.switchAction : undefined;
                if (action) await env.switchTraffic(action, env.signal);
                const applied = await plan.driver.apply(svc.service, step.state, { signal: env.signal, message: `shipgate ${record.id}: ${svc.service} ${step.summary}` });
                outputs = applied.outputs;
                stepRecord.engineMs = applied.engineMs;
                const routerWeights = applied.outputs.services[svc.service]?.routerWeights;
                stepRecord.routerWeights = routerWeights;
                stepRecord.overheadMs = Date.now() - overheadStart - applied.engineMs;
                env.listener({ type: "step-applied", stage: plan.stage, service: svc.service, index: step.index, engineMs: applied.engineMs, traffic: stepRecord.traffic, routerWeights });
                checkRouterWeights(svc.service, stepRecord.traffic, routerWeights);
                const verification = await env.verifier.verify({
                    stage: plan.stage,
                    service: svc.service,
                    step,
                    healthPath: svc.healthPath,
                    outputs: applied.outputs,
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

/** The track serving traffic before a switch or a rolling update: the one whose figures are the baseline. */
function currentTrack(state: ReleaseState): string {
    return state.strategy === "blueGreen" ? otherColor(state.active) : state.strategy === "canary" ? "stable" : "current";
}

/** Where the platform reads its router back, the weights must be what the step asked for. */
function checkRouterWeights(service: string, traffic: Readonly<Record<string, number>>, router: Readonly<Record<string, number>> | undefined): void {
    if (!router) return;
    const wrong = Object.entries(traffic).filter(([track, weight]) => (router[track] ?? 0) !== weight);
    if (wrong.length) {
        throw new Error(
            `the router of ${service} reports ${JSON.stringify(router)} but the step asked for ${JSON.stringify(traffic)}`,
        );
    }
}

function describeFailure(service: string, step: PlannedStep, err: unknown, signal: AbortSignal): string {
    if (signal.aborted) return `interrupted during ${service} step ${step.index} (${step.summary})`;
    if (err instanceof HookFailure) return `${service} step ${step.index}: ${err.message}`;
    return `${service} step ${step.index} (${step.summary}) failed: ${(err as Error).message.split("\n")[0]}`;
}

/** Rolls the changing stage back and turns the outcome into the run's result and error. */
async function recover(plan: StagePlan, touched: RollbackTarget[], err: unknown, request: PromoteRequest, env: PromotionEnvironment, record: PromotionRecord): Promise<Error> {
    const failure = err instanceof StageFailure ? err : new StageFailure((err as Error).message, env.now(), err);
    record.error = failure.message;
    const rollback = await rollbackStage({
        stage: plan.stage,
        environment: plan.environment,
        driver: plan.driver,
        targets: touched,
        reason: failure.message,
        failedAt: failure.failedAt,
        verifier: env.verifier,
        hooks: plan.hooks,
        hookContext: { promotionId: record.id, stage: plan.stage, environment: plan.environment, version: request.version, reason: failure.message },
        switchTraffic: (action) => env.switchTraffic(action),
        listener: env.listener,
        now: () => env.now(),
        record,
    });
    record.rollback = rollback.record;
    for (const t of touched) {
        const version = record.versions.find((v) => v.stage === plan.stage && v.service === t.service);
        if (version) version.final = rollback.record.result === "succeeded" ? liveArtifact(t.lastGood).version : undefined;
    }
    if (rollback.record.result === "succeeded") {
        record.result = "rolled-back";
        return new PromotionRolledBack(
            `${failure.message}\n${plan.stage} is back on its last good release (${touched.map((t) => `${t.service}: ${describeState(t.lastGood)}`).join("; ")}); traffic was restored ${Math.round((Date.parse(rollback.record.trafficRestoredAt ?? record.startedAt) - failure.failedAt.getTime()) / 100) / 10}s after the failed check`,
            failure,
        );
    }
    record.result = "rollback-failed";
    return new RollbackFailed(
        `${failure.message}\nTHE AUTOMATIC ROLLBACK OF ${plan.stage.toUpperCase()} FAILED: ${rollback.record.error}`,
        `restore it by hand: \`shipgate rollback --stack ${plan.stage}\` (or set shipgate:services.<service>.release in Pulumi.${plan.stage}.yaml back to ${touched.map((t) => `${t.service}: ${describeState(t.lastGood)}`).join("; ")} and run \`pulumi up -s ${plan.stage}\`), then check the service's health`,
        failure,
    );
}
