import { z } from "zod";
import { PlannedStep, ReleaseStateSchema, trafficSplit } from "../../../components/release";
import { WriteBackRecordSchema } from "./write-back-record";

/**
 * What one `shipgate promote` or `shipgate rollback` run did, as the deployment log keeps it
 * (one JSON object per line) and as the report and the DORA metrics read it. The runner fills
 * it as it goes, so a run cut short still leaves an honest record.
 */

export const RunResultSchema = z.enum([
    "succeeded", // every stage on the new version
    "rolled-back", // a check failed or the run was interrupted; the touched stages are back on their last good release
    "refused", // a gate or bad input stopped it before anything changed
    "rollback-failed", // the rollback could not restore the last good release: a human is needed
    "failed", // an error before anything changed
    "running", // written as a run starts and before each step: a run whose last line says so never finished
    "interrupted", // its runner stopped mid-way (killed, vanished); the next run on its stack restored it (closedBy)
]);
export type RunResult = z.output<typeof RunResultSchema>;

export const GateResultSchema = z.object({
    stage: z.string().optional(),
    gate: z.string(),
    outcome: z.enum(["pass", "warn", "fail"]),
    detail: z.string(),
});
export type GateResult = z.output<typeof GateResultSchema>;

/**
 * The last health answer of a service in a stage, with its checks, so the report can give the
 * protocol's status of database, WebSocket and third-party integrations (seed 000), not just a color.
 */
export const HealthDetailSchema = z.object({
    color: z.enum(["GREEN", "YELLOW", "RED"]),
    status: z.enum(["ok", "warning", "error"]).optional(),
    /** The HealthCheck's boolean checks as the service reported them (database, websocket, pioneer, memory, ...). */
    checks: z.record(z.string(), z.boolean()).default({}),
    /** The HealthCheck's `checks.errors`. */
    errors: z.array(z.string()).default([]),
    reason: z.string().optional(),
    at: z.string().optional(),
});
export type HealthDetail = z.output<typeof HealthDetailSchema>;

/** Figures of a step's verification, flattened for the log and the report. */
export const VerificationSummarySchema = z.object({
    kind: z.enum(["analysis", "preview", "health", "none"]),
    outcome: z.enum(["pass", "fail", "aborted", "skipped"]),
    reason: z.string(),
    healthColor: z.enum(["GREEN", "YELLOW", "RED"]).optional(),
    /** The last measurement of the candidate and its baseline, with the thresholds they were judged by. */
    candidate: z.object({ requests: z.number(), errors: z.number(), errorRate: z.number().optional(), p95Ms: z.number().optional() }).optional(),
    baseline: z.object({ label: z.string(), requests: z.number(), errors: z.number(), errorRate: z.number().optional(), p95Ms: z.number().optional() }).optional(),
    checks: z
        .array(
            z.object({
                name: z.string(),
                outcome: z.string(),
                value: z.string().optional(),
                threshold: z.string().optional(),
                detail: z.string(),
                /** The sequential judge's evidence: e-value, the bound it fails at, requests it rests on. */
                evidence: z.object({ statistic: z.string(), value: z.number(), bound: z.number(), requests: z.number(), baselineRequests: z.number().optional() }).optional(),
            }),
        )
        .default([]),
    /** Which judge decided the analysis (and any fallback, with why). */
    judge: z.string().optional(),
    measurements: z.number().default(0),
    healthChecks: z.number().default(0),
    /** The last health answer with its checks (database, integrations), for the report's status table. */
    healthDetail: HealthDetailSchema.optional(),
    durationMs: z.number(),
});
export type VerificationSummary = z.output<typeof VerificationSummarySchema>;

export const StepRecordSchema = z.object({
    stage: z.string(),
    service: z.string(),
    index: z.number(),
    kind: z.string(),
    summary: z.string(),
    /** Traffic split after the step, by track or color. */
    traffic: z.record(z.string(), z.number()),
    /** The router the weights were read back from (e.g. "haproxy be_backend", "HTTPRoute shop/backend"). */
    router: z.string().optional(),
    /** Weights read back from the router after the up. */
    routerWeights: z.record(z.string(), z.number()).optional(),
    /** Why there was no read-back ("read-back unsupported by …"): recorded, never taken for a match. */
    readBackUnsupported: z.string().optional(),
    /** When the engine moved the traffic itself before the up (an App Service slot swap). */
    switchedByAction: z.string().optional(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    /** Wall time of the engine's up. */
    engineMs: z.number().optional(),
    /** Time the automation added around the up (config write, read-back, hooks), without the bake. */
    overheadMs: z.number().optional(),
    /** The protocol's wait before the step (a blue-green scale-down delay), not overhead. */
    waitMs: z.number().optional(),
    verification: VerificationSummarySchema.optional(),
    result: z.enum(["succeeded", "failed", "aborted"]),
    error: z.string().optional(),
});
export type StepRecord = z.output<typeof StepRecordSchema>;

/** A step's record as the step starts: "failed" until it says otherwise (as startRecord). */
export function startStepRecord(stage: string, service: string, step: PlannedStep, startedAt: Date): StepRecord {
    return {
        stage,
        service,
        index: step.index,
        kind: step.kind,
        summary: step.summary,
        traffic: trafficSplit(step.state),
        startedAt: startedAt.toISOString(),
        result: "failed",
    };
}

/** What the rollback's emergency path did at one service's router, before any `up`. */
export const DirectRouteRecordSchema = z.object({
    service: z.string(),
    /**
     * routed: the router was set and read back; already: traffic was on the last good release;
     * up-only: the last good release had to be deployed first; failed: the router call failed
     * (the `up` moved the traffic instead).
     */
    outcome: z.enum(["routed", "already", "up-only", "failed"]),
    router: z.string().optional(),
    /** Percent per track, as the router read back (or set, where it cannot read back). */
    weights: z.record(z.string(), z.number()).optional(),
    /** When the router showed the last good split. */
    at: z.string().optional(),
    reason: z.string().optional(),
});
export type DirectRouteRecord = z.output<typeof DirectRouteRecordSchema>;

export const RollbackRecordSchema = z.object({
    stage: z.string(),
    reason: z.string(),
    /** When the check that triggered the rollback failed: where an incident (and MTTR) starts. */
    failedAt: z.string().optional(),
    startedAt: z.string(),
    /**
     * When traffic was back on the last good release: read back from the routers after the
     * emergency path set them, or when the first restore step's `up` finished.
     */
    trafficRestoredAt: z.string().optional(),
    /** How traffic got back: set at the routers directly, or by the restore's `up`. */
    trafficPath: z.enum(["router", "up"]).optional(),
    /** Why traffic waited for an `up` (the router could not be set, or the good release was not running). */
    slowPath: z.string().optional(),
    directRoute: z.array(DirectRouteRecordSchema).optional(),
    /** When the stack had the last good release again (its last restore `up` finished). */
    convergedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    steps: z.array(StepRecordSchema),
    result: z.enum(["succeeded", "failed"]),
    error: z.string().optional(),
});
export type RollbackRecord = z.output<typeof RollbackRecordSchema>;

export const ServiceVersionsSchema = z.object({
    stage: z.string(),
    service: z.string(),
    strategy: z.string(),
    /** The last good release before the run. */
    from: z.string(),
    /** What the run set out to release. */
    to: z.string(),
    /** What serves the majority of traffic when the run ended. */
    final: z.string().optional(),
    /** The whole last good release state, so a run that never finished can be put back on it exactly. */
    lastGood: ReleaseStateSchema.optional(),
});

/** The key of `health` and `healthDetails`: one entry per stage and service. */
export function healthKey(stage: string, service: string): string {
    return `${stage}/${service}`;
}



export const HookRecordSchema = z.object({
    point: z.string(),
    name: z.string(),
    stage: z.string().optional(),
    service: z.string().optional(),
    outcome: z.enum(["pass", "fail"]),
    durationMs: z.number(),
    detail: z.string(),
});

export const PromotionRecordSchema = z.object({
    /** The log's line format; a reader refuses lines of a version it does not know. */
    schemaVersion: z.literal(1).default(1),
    id: z.string(),
    kind: z.enum(["promote", "rollback"]),
    version: z.string(),
    image: z.string().optional(),
    services: z.array(z.string()),
    stages: z.array(z.string()),
    versions: z.array(ServiceVersionsSchema),
    approvers: z.array(z.string()).default([]),
    /** Who ran it (a person, or the CI actor), for the deployment log's "Deployer". */
    deployer: z.string().optional(),
    /** What the release changes: a line or a changelog link, for the deployment log's "Changes". */
    changes: z.string().optional(),
    gitCommit: z.string().optional(),
    /** When the change was committed, for lead time. */
    committedAt: z.string().optional(),
    hotfixReason: z.string().optional(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    durationMs: z.number().optional(),
    result: RunResultSchema,
    gates: z.array(GateResultSchema).default([]),
    steps: z.array(StepRecordSchema).default([]),
    rollback: RollbackRecordSchema.optional(),
    error: z.string().optional(),
    /** The health color per service and stage at the end (GREEN/YELLOW/RED). */
    /** Keyed by healthKey(stage, service). */
    health: z.record(z.string(), z.enum(["GREEN", "YELLOW", "RED"])).default({}),
    /** The last health answer per service and stage, keyed by healthKey(stage, service). */
    healthDetails: z.record(z.string(), HealthDetailSchema).default({}),
    hooks: z.array(HookRecordSchema).default([]),
    /**
     * The stage being changed and each touched service's state as last applied (written before
     * each step's `up`): what a run that never finished left running, for the next run to undo.
     */
    inFlight: z.object({ stage: z.string(), states: z.record(z.string(), ReleaseStateSchema) }).optional(),
    /** For an interrupted run: the run that found it and restored its stage. */
    closedBy: z.string().optional(),
    /** The commit of the stack files this run changed, and whether it reached the remote. */
    writeBack: WriteBackRecordSchema.optional(),
});
export type PromotionRecord = z.output<typeof PromotionRecordSchema>;
export type PromotionRecordInput = z.input<typeof PromotionRecordSchema>;

/**
 * A run's record as it starts: "failed" until the run says otherwise, so a run cut short still
 * leaves an honest record.
 */
export function startRecord(fields: Pick<PromotionRecord, "id" | "kind" | "version" | "stages" | "startedAt"> & Partial<PromotionRecord>): PromotionRecord {
    return {
        schemaVersion: 1,
        services: [],
        versions: [],
        approvers: [],
        result: "failed",
        gates: [],
        steps: [],
        health: {},
        healthDetails: {},
        hooks: [],
        ...fields,
    };
}
