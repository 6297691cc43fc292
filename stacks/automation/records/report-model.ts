import { ms as formatMs, percent } from "../verify/format";
import { between } from "./format-time";
import { GateResult, HealthDetail, PromotionRecord, PromotionRecordInput, PromotionRecordSchema, RunResult, StepRecord, VerificationSummary, healthKey } from "./promotion-record";

/**
 * The report of one run (seed 000's "Status Report", seed 001's incident documentation): a model
 * derived from the PromotionRecord alone, so the Markdown and the JSON say the same thing and a
 * report can be rebuilt from the deployment log at any time. Everything a reviewer asks after a
 * release is answered here: what ran where, its status color, the gates, each step's traffic
 * and figures against their thresholds, how long it took, and, when it went wrong, the incident.
 */

export type Color = "GREEN" | "YELLOW" | "RED";

export const COLOR_EMOJI: Record<Color, string> = { GREEN: "🟢", YELLOW: "🟡", RED: "🔴" };
/** No health answer was recorded: said as such, never shown as GREEN. */
export const UNKNOWN_COLOR = "⚪";

export interface ServiceStatus {
    readonly stage: string;
    readonly service: string;
    readonly color?: Color;
    readonly from?: string;
    readonly to?: string;
    readonly final?: string;
    /** The protocol's named checks (seed 000): true/false as reported, undefined when not reported. */
    readonly database?: boolean;
    readonly websocket?: boolean;
    readonly memory?: boolean;
    /** Every other boolean check: third-party and service-to-service integrations (pioneer, backend, ...). */
    readonly integrations: readonly { readonly name: string; readonly ok: boolean }[];
    readonly errors: readonly string[];
    readonly reason?: string;
}

export interface FigureLine {
    readonly outcome: string;
    readonly text: string;
}

export interface StepReport {
    readonly stage: string;
    readonly service: string;
    readonly index: number;
    readonly kind: string;
    readonly summary: string;
    readonly result: StepRecord["result"];
    readonly traffic: string;
    readonly routerWeights?: string;
    /** The router's read-back weights do not match the planned split. */
    readonly routerMismatch: boolean;
    readonly verification?: {
        readonly kind: VerificationSummary["kind"];
        readonly outcome: VerificationSummary["outcome"];
        readonly reason: string;
        readonly healthColor?: Color;
        readonly candidate?: string;
        readonly baseline?: string;
        readonly figures: readonly FigureLine[];
        /** Which judge, with any fallback. */
        readonly judge?: string;
        readonly measurements: number;
        readonly healthChecks: number;
    };
    readonly engineMs?: number;
    readonly overheadMs?: number;
    readonly bakeMs?: number;
    readonly totalMs?: number;
    readonly error?: string;
}

export interface Incident {
    readonly stage: string;
    readonly whatFailed: string;
    readonly why: string;
    readonly detectedAt?: string;
    readonly trafficRestoredAt?: string;
    readonly timeToRestoreMs?: number;
    readonly rollbackResult: "succeeded" | "failed";
    readonly rollbackError?: string;
    readonly nowServing: readonly string[];
    readonly database: string;
    readonly caughtInStaging: string;
    readonly nextSteps: readonly string[];
}

export interface RunReport {
    readonly reportVersion: 1;
    readonly id: string;
    readonly kind: PromotionRecord["kind"];
    readonly version: string;
    readonly result: RunResult;
    /** The run's color: the worst service color when it succeeded; RED when it failed or rolled back; YELLOW when refused. */
    readonly color?: Color;
    readonly headline: string;
    readonly stages: readonly string[];
    readonly services: readonly ServiceStatus[];
    readonly gates: readonly GateResult[];
    readonly steps: readonly StepReport[];
    readonly hooks: PromotionRecord["hooks"];
    readonly timings: {
        readonly startedAt: string;
        readonly finishedAt?: string;
        readonly totalMs?: number;
        readonly engineMs?: number;
        readonly overheadMs?: number;
        readonly bakeMs?: number;
        readonly hooksMs?: number;
        readonly rollbackMs?: number;
    };
    readonly rollback?: PromotionRecord["rollback"] & { readonly stepsReport: readonly StepReport[] };
    readonly incident?: Incident;
    readonly refusal?: { readonly failedGates: readonly GateResult[]; readonly error?: string };
    readonly approvers: readonly string[];
    readonly deployer?: string;
    readonly gitCommit?: string;
    readonly committedAt?: string;
    readonly changes?: string;
    readonly hotfixReason?: string;
    readonly error?: string;
    /** What the run did to the repository that holds the stack files. */
    readonly writeBack?: PromotionRecord["writeBack"];
}

const WORST: Color[] = ["RED", "YELLOW", "GREEN"];

export function worstColor(colors: readonly (Color | undefined)[]): Color | undefined {
    return WORST.find((c) => colors.includes(c));
}

const OUTCOME_ICON: Record<string, string> = { pass: "✅", fail: "❌", inconclusive: "❔", skipped: "➖", warn: "⚠️", aborted: "⏹️" };

export function outcomeIcon(outcome: string): string {
    return OUTCOME_ICON[outcome] ?? "•";
}

/** Absolute checks get "(max)", so "error rate 12.0% > 5.0% (max)" is not read as a comparison with the baseline. */
const ABSOLUTE_CHECKS = new Set(["error-rate", "p95"]);

function figureLine(check: VerificationSummary["checks"][number]): FigureLine {
    let text = check.detail.trim();
    if (check.evidence && text) {
        // The sequential judge's lines already put the e-value next to its bound.
        return { outcome: check.outcome, text };
    }
    if (!text) {
        text = [check.name, check.value, check.threshold !== undefined ? `(threshold ${check.threshold})` : ""].filter(Boolean).join(" ");
    } else if (check.value !== undefined && check.threshold !== undefined && !text.includes(check.value)) {
        text = `${text} (${check.value} vs ${check.threshold})`;
    }
    if (ABSOLUTE_CHECKS.has(check.name) && /[<>≤≥]/.test(text) && !text.includes("(max)")) {
        text = `${text} (max)`;
    }
    return { outcome: check.outcome, text };
}

function measurementText(m: { requests: number; errors: number; errorRate?: number; p95Ms?: number }, label: string): string {
    const rate = m.errorRate ?? (m.requests > 0 ? m.errors / m.requests : undefined);
    const parts = [`${Math.round(m.requests)} requests`, `${Math.round(m.errors)} errors`];
    if (rate !== undefined) parts.push(`error rate ${percent(rate)}`);
    if (m.p95Ms !== undefined) parts.push(`P95 ${formatMs(m.p95Ms)}`);
    return `${label}: ${parts.join(", ")}`;
}

/** {canary: 25, stable: 75} → "canary 25% · stable 75%" (traffic is recorded in percent). */
function split(weights: Record<string, number>, unit = "%"): string {
    const entries = Object.entries(weights);
    return entries.length ? entries.map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`).join(" · ") : "n/a";
}

/** True when the router's proportions differ from the planned ones by more than a point. */
function mismatch(planned: Record<string, number>, read: Record<string, number> | undefined): boolean {
    if (!read) return false;
    const total = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);
    const pt = total(planned);
    const rt = total(read);
    if (pt <= 0 || rt <= 0) return pt !== rt;
    const keys = new Set([...Object.keys(planned), ...Object.keys(read)]);
    return [...keys].some((k) => Math.abs((planned[k] ?? 0) / pt - (read[k] ?? 0) / rt) > 0.01);
}

function stepReport(s: StepRecord): StepReport {
    const v = s.verification;
    const bakeMs = v?.durationMs;
    const totalMs = between(s.startedAt, s.finishedAt);
    return {
        stage: s.stage,
        service: s.service,
        index: s.index,
        kind: s.kind,
        summary: s.summary,
        result: s.result,
        traffic: split(s.traffic),
        routerWeights: s.routerWeights ? split(s.routerWeights, "") : undefined,
        routerMismatch: mismatch(s.traffic, s.routerWeights),
        verification: v && {
            kind: v.kind,
            outcome: v.outcome,
            reason: v.reason,
            healthColor: v.healthColor,
            candidate: v.candidate && measurementText(v.candidate, "candidate"),
            baseline: v.baseline && measurementText(v.baseline, v.baseline.label),
            figures: v.checks.map(figureLine),
            judge: v.judge,
            measurements: v.measurements,
            healthChecks: v.healthChecks,
        },
        engineMs: s.engineMs,
        overheadMs: s.overheadMs,
        bakeMs,
        totalMs,
        error: s.error,
    };
}

function serviceStatuses(r: PromotionRecord): ServiceStatus[] {
    const seen = new Map<string, { stage: string; service: string }>();
    const add = (stage: string, service: string) => seen.set(healthKey(stage, service), { stage, service });
    for (const v of r.versions) add(v.stage, v.service);
    for (const s of r.steps) add(s.stage, s.service);
    for (const key of [...Object.keys(r.health), ...Object.keys(r.healthDetails)]) {
        const slash = key.indexOf("/");
        if (slash > 0) add(key.slice(0, slash), key.slice(slash + 1));
        else add("", key);
    }
    const named = new Set(["database", "websocket", "memory"]);
    return [...seen.entries()].map(([key, { stage, service }]) => {
        const detail: HealthDetail | undefined = r.healthDetails[key];
        const versions = r.versions.find((v) => v.stage === stage && v.service === service);
        const checks = detail?.checks ?? {};
        return {
            stage,
            service,
            color: r.health[key] ?? detail?.color,
            from: versions?.from,
            to: versions?.to,
            // A run that changed nothing left the old version serving.
            final: versions?.final ?? (r.result === "refused" || r.result === "failed" ? versions?.from : undefined),
            database: checks.database,
            websocket: checks.websocket,
            memory: checks.memory,
            integrations: Object.entries(checks)
                .filter(([name]) => !named.has(name))
                .map(([name, ok]) => ({ name, ok })),
            errors: detail?.errors ?? [],
            reason: detail?.reason,
        };
    });
}

/** Undefined when no value was recorded: "n/a", not a reassuring "0 s". */
function sum(values: readonly (number | undefined)[]): number | undefined {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length ? known.reduce((a, b) => a + b, 0) : undefined;
}

function headlineOf(r: PromotionRecord, color: Color | undefined): string {
    const what = r.kind === "rollback" ? `Rollback to ${r.version}` : `Version ${r.version}`;
    const where = r.stages.join(" → ") || "no stage";
    switch (r.result) {
        case "succeeded":
            return r.kind === "rollback"
                ? `${color ? COLOR_EMOJI[color] : UNKNOWN_COLOR} ${what} of ${r.services.join(", ")} succeeded in ${where}`
                : `${color ? COLOR_EMOJI[color] : UNKNOWN_COLOR} ${what} of ${r.services.join(", ")} released to ${where}`;
        case "rolled-back":
            return `🔴 ${what} rolled back in ${r.rollback?.stage ?? where}: ${r.rollback?.reason ?? r.error ?? "a check failed"}. The touched stages are back on their last good release.`;
        case "rollback-failed":
            return `🚨 ${what}: the ROLLBACK FAILED in ${r.rollback?.stage ?? where}. Traffic may not be on the last good release: a person must act now.`;
        case "refused":
            return `⛔ ${what} refused by a gate: nothing was changed.`;
        case "failed":
            return `🔴 ${what} failed before changing anything: ${r.error ?? "unknown error"}`;
        case "running":
            return `⏳ ${what} is running in ${where} (or its runner stopped without a word).`;
        case "interrupted":
            return `🔴 ${what} was interrupted in ${r.inFlight?.stage ?? where}: its runner stopped mid-way.${r.closedBy ? ` Run ${r.closedBy} put the stage back on its last good release.` : ""}`;
    }
}

function migrationNote(r: PromotionRecord, stage: string): string {
    const hooks = r.hooks.filter((h) => h.name.startsWith("migration/") && (h.stage === undefined || h.stage === stage));
    const up = hooks.find((h) => h.name === "migration/up");
    const down = hooks.find((h) => h.name === "migration/down");
    if (!up && !down) return "no migration ran in this promotion";
    if (down && /^not run/i.test(down.detail)) return down.detail.split("\n")[0];
    if (down) return `the down migration ${down.outcome === "pass" ? "ran" : "FAILED"}: ${down.detail.split("\n")[0]}`;
    return `the up migration ran (${up!.outcome}); no down migration was run: check that the last good release works with the migrated schema`;
}

function incidentOf(r: PromotionRecord): Incident | undefined {
    const rb = r.rollback;
    if (!rb || r.kind !== "promote") return undefined;
    const failedStep = [...r.steps].reverse().find((s) => s.result !== "succeeded");
    const failing = failedStep?.verification?.checks.filter((c) => c.outcome === "fail").map((c) => figureLine(c).text) ?? [];
    const whatFailed = failedStep
        ? `${failedStep.stage} / ${failedStep.service}, step ${failedStep.index + 1} (${failedStep.summary})${failing.length ? `: ${failing.join("; ")}` : ""}`
        : `${rb.stage}: ${rb.reason}`;
    const why = failedStep?.verification?.outcome === "fail" ? failedStep.verification.reason : (failedStep?.error ?? rb.reason);
    const detectedAt = rb.failedAt ?? failedStep?.finishedAt ?? rb.startedAt;
    const nowServing = r.versions
        .filter((v) => v.stage === rb.stage)
        .map((v) => `${v.service} ${v.final ?? (rb.result === "succeeded" ? v.from : "unknown")}${v.final === v.from || (v.final === undefined && rb.result === "succeeded") ? " (last good release)" : ""}`);
    const stagingSteps = r.steps.filter((s) => s.stage !== rb.stage && s.result === "succeeded");
    const caughtInStaging =
        stagingSteps.length > 0
            ? `it passed ${[...new Set(stagingSteps.map((s) => s.stage))].join(", ")} first (${stagingSteps.length} step${stagingSteps.length === 1 ? "" : "s"}): compare the traffic and figures there with those above to see why it was not caught earlier`
            : "it failed in the first stage it reached";
    const nextSteps =
        rb.result === "failed"
            ? [
                  `NOW: restore ${rb.stage} by hand. The rollback stopped with: ${rb.error ?? "no error recorded"}.`,
                  `Check what serves traffic (\`shipgate status\`), then re-apply the last good release (\`shipgate rollback\`) or fix the stack config and run \`pulumi up\`.`,
                  "Keep every log of this run: they are the evidence for the post-mortem.",
                  "Post-mortem (seed 001): what went wrong, why it was not caught, how to prevent it.",
              ]
            : [
                  `${rb.stage} is back on the last good release; nothing else is needed to restore service.`,
                  "Find the cause with the figures above and the service's logs (kept), fix it, and promote a new version (staging first).",
                  "Post-mortem (seed 001): what went wrong, why it was not caught, how to prevent it.",
              ];
    if (r.hotfixReason) nextSteps.push(`This was a hotfix (${r.hotfixReason}): its review is due within 24 h.`);
    return {
        stage: rb.stage,
        whatFailed,
        why,
        detectedAt,
        trafficRestoredAt: rb.trafficRestoredAt,
        timeToRestoreMs: between(detectedAt, rb.trafficRestoredAt),
        rollbackResult: rb.result,
        rollbackError: rb.error,
        nowServing,
        database: migrationNote(r, rb.stage),
        caughtInStaging,
        nextSteps,
    };
}

/** The report model of one run. */
export function buildReport(input: PromotionRecordInput | PromotionRecord): RunReport {
    const r = PromotionRecordSchema.parse(input);
    const services = serviceStatuses(r);
    const serviceColor = worstColor(services.map((s) => s.color));
    const color: Color | undefined =
        r.result === "succeeded" ? serviceColor : r.result === "refused" ? "YELLOW" : "RED";
    const steps = r.steps.map(stepReport);
    return {
        reportVersion: 1,
        id: r.id,
        kind: r.kind,
        version: r.version,
        result: r.result,
        color,
        headline: headlineOf(r, color),
        stages: r.stages,
        services,
        gates: r.gates,
        steps,
        hooks: r.hooks,
        timings: {
            startedAt: r.startedAt,
            finishedAt: r.finishedAt,
            totalMs: r.durationMs ?? between(r.startedAt, r.finishedAt),
            engineMs: sum(r.steps.map((s) => s.engineMs)),
            overheadMs: sum(r.steps.map((s) => s.overheadMs)),
            bakeMs: sum(r.steps.map((s) => s.verification?.durationMs)),
            hooksMs: sum(r.hooks.map((h) => h.durationMs)),
            rollbackMs: r.rollback ? between(r.rollback.startedAt, r.rollback.finishedAt) : undefined,
        },
        rollback: r.rollback && { ...r.rollback, stepsReport: r.rollback.steps.map(stepReport) },
        incident: incidentOf(r),
        refusal: r.result === "refused" ? { failedGates: r.gates.filter((g) => g.outcome === "fail"), error: r.error } : undefined,
        approvers: r.approvers,
        deployer: r.deployer,
        gitCommit: r.gitCommit,
        committedAt: r.committedAt,
        changes: r.changes,
        hotfixReason: r.hotfixReason,
        writeBack: r.writeBack,
        error: r.error,
    };
}
