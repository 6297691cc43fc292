import { Artifact, InvalidInputError, PlannedStep, ReleaseState, VersionSchema, liveArtifact, planRelease, readStackModel } from "../../../components/release";
import { GateRefusal } from "../errors";
import { Hooks, Notifier } from "../hooks/hook-types";
import { GateResult, PromotionRecord } from "../records/promotion-record";
import { StackDriver } from "../stack-driver";
import type { PromoteRequest, PromotionEnvironment } from "./promote";
import { PromotionSettings, PromotionSettingsSchema } from "./promotion-settings";

// Pre-flight: everything a promotion checks and plans before it changes anything.

export interface StagePlan {
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

export function checkRequest(request: PromoteRequest): Artifact {
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
export async function planStages(request: PromoteRequest, target: Artifact, env: PromotionEnvironment, record: PromotionRecord): Promise<StagePlan[]> {
    const plans: StagePlan[] = [];
    for (const stage of request.stages) {
        const driver = await env.openStack(stage);
        const raw = driver.config();
        const { model: config, order } = readStackModel(raw);
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
                // Local processes and Kubernetes pods roll batch by batch under the engine; the
                // cloud platforms' own rolling updates (ECS, App Service) run as one step.
                const batches = config.platform === "local" || config.platform === "kubernetes";
                const steps = planRelease(lastGood, target, { rollingReplicas: batches ? config.services[service].replicas : undefined }).steps;
                record.versions.push({ stage, service, strategy: lastGood.strategy, from: liveArtifact(lastGood).version, to: target.version, lastGood });
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
export function checkNeverSkipStaging(request: PromoteRequest, plans: StagePlan[], gate: (g: GateResult) => void): void {
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


/** The stack's pre-flight gates (approvals, change windows…) for every stage; a failing one refuses the run. */
export async function runPreflightGates(plans: readonly StagePlan[], request: PromoteRequest, env: PromotionEnvironment, gate: (g: GateResult) => void): Promise<void> {
    for (const plan of plans) {
        for (const check of env.gates) {
            const result = await check({
                stage: plan.stage,
                environment: plan.environment,
                version: request.version,
                approvers: request.approvers,
                author: request.checklist?.author,
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
}

/**
 * A canary's analysis compares it with the stable track; without a metric source it would be
 * judged on health alone, in silence. Production refuses that; staging warns.
 */
export async function checkMetricSources(plans: readonly StagePlan[], env: PromotionEnvironment, gate: (g: GateResult) => void): Promise<void> {
    for (const plan of plans) {
        const analysed = plan.services.filter((s) => s.steps.some((step) => step.verify === "analysis" && step.baseline && !step.baseline.measuredBefore));
        if (!analysed.length) continue;
        const outputs = await plan.driver.outputs().catch(() => undefined);
        const source = env.verifier.metricSource(plan.stage, outputs);
        if (source) {
            gate({ stage: plan.stage, gate: "metric source", outcome: "pass", detail: `${analysed.map((s) => s.service).join(", ")} analysed with ${source}` });
            continue;
        }
        const detail = `the canary analysis of ${analysed.map((s) => s.service).join(", ")} has no metric source${outputs ? "" : " (the stack is not deployed, so it exports none)"}`;
        if (plan.environment !== "production") {
            gate({ stage: plan.stage, gate: "metric source", outcome: "warn", detail: `${detail}: judged on health alone` });
            continue;
        }
        gate({ stage: plan.stage, gate: "metric source", outcome: "fail", detail });
        throw new GateRefusal(
            "metric source",
            `${plan.stage}: ${detail}`,
            "set shipgate:promotion.analysis in the stack's config: {source: prometheus, prometheus: {url: <Prometheus>}} or {source: httpJson, httpJson: {...}} (see README)",
        );
    }
}
