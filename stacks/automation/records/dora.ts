import { z } from "zod";
import { percent } from "../verify/format";
import { between, duration } from "./format-time";
import { PromotionRecord } from "./promotion-record";

/**
 * The DORA set (seed 000's "Deployment Metrics", seed 002's KPIs) computed from shipgate's own
 * deployment log, per stage (production unless asked). None of the anchors has this; it is only
 * worth having if it is honest, so:
 * - a figure that has no data says "n/a" (never a 0 that reads as "perfect" or a division by zero);
 * - every figure says what it was computed from ("12 successful promotions in 30 days"), and which
 *   records it had to leave out (no committedAt, no trafficRestoredAt);
 * - the stage decides what counts: a run rolled back in staging never touched production and is
 *   neither a production deployment nor a production failure.
 */

/** The protocol's targets (seed 002). Configurable, because a team may hold itself to others. */
export const DoraTargetsSchema = z.object({
    /** "Deployment Frequency: Target daily": at least this many successful promotions per day. */
    deploymentsPerDay: z.number().positive().default(1),
    /** "Lead Time: < 4 hours (feature to production)", judged on the median. */
    leadTimeHours: z.number().positive().default(4),
    /** "Mean Time to Recovery: < 10 minutes", judged on the median. */
    mttrMinutes: z.number().positive().default(10),
    /** "Change Failure Rate: < 5%". */
    changeFailureRate: z.number().min(0).max(1).default(0.05),
    /** "Deployment Success Rate: > 95%". */
    successRate: z.number().min(0).max(1).default(0.95),
});
export type DoraTargets = z.output<typeof DoraTargetsSchema>;
export type DoraTargetsInput = z.input<typeof DoraTargetsSchema>;

export type TargetStatus = "met" | "not met" | "n/a";

export interface DoraFigure {
    readonly label: string;
    /** Per day; a fraction; or milliseconds (null when there is no data). */
    readonly value: number | null;
    /** The figure as people read it, "n/a" when there is none. */
    readonly display: string;
    /** The target as the protocol says it. */
    readonly target: string;
    readonly status: TargetStatus;
    /** What it was computed from, and what had to be left out. */
    readonly basis: string;
}

export interface DoraMetrics {
    readonly stage: string;
    readonly window: { readonly from: string; readonly to: string; readonly days: number };
    readonly counts: {
        /** Promotions that reached the stage and landed there. */
        readonly deployed: number;
        /** Promotions that failed in the stage (rolled back, or rollback failed), plus deployments later undone by `shipgate rollback`. */
        readonly changeFailures: number;
        /** Of which undone by a manual `shipgate rollback`. */
        readonly manualRollbacks: number;
        /** Runs for the stage that ended in an error before changing anything. */
        readonly errored: number;
        /** Runs a gate refused (not failures: a gate that stops a change is working). */
        readonly refused: number;
    };
    readonly deploymentFrequency: DoraFigure & { readonly daysWithDeployment: number };
    readonly leadTime: DoraFigure & { readonly medianMs: number | null; readonly p90Ms: number | null; readonly samples: number };
    readonly changeFailureRate: DoraFigure;
    readonly mttr: DoraFigure & { readonly medianMs: number | null; readonly samples: number };
    readonly successRate: DoraFigure;
}

export interface DoraOptions {
    /** The stage (stack) to compute for; default "production". */
    readonly stage?: string;
    /** How far back to look; default 30 days. */
    readonly windowDays?: number;
    /** The end of the window; default now. */
    readonly now?: Date;
    readonly targets?: DoraTargetsInput;
}

const DAY_MS = 24 * 60 * 60 * 1000;

type StageOutcome = "deployed" | "failed" | "errored" | "refused" | "none";

function touched(r: PromotionRecord, stage: string): boolean {
    return r.steps.some((s) => s.stage === stage) || r.rollback?.stage === stage;
}

/**
 * What one promote run did to one stage:
 * - deployed: it reached the stage and the new version stayed there;
 * - failed: a check failed in the stage (or the run was interrupted there) and it was rolled back,
 *   or the rollback failed;
 * - errored: an error before anything changed (a wrong passphrase, an engine that did not
 *   start): reported, but not a deployment attempt, since nothing was deployed or undone;
 * - refused: a gate said no;
 * - none: it never got to the stage, or got there and was undone because of a later stage.
 */
export function stageOutcome(r: PromotionRecord, stage: string): StageOutcome {
    if (r.kind !== "promote" || r.result === "running") return "none";
    if (r.result === "refused") return r.stages.includes(stage) ? "refused" : "none";
    if (r.result === "failed") return r.stages.includes(stage) && (touched(r, stage) || r.steps.length === 0) ? "errored" : "none";
    if (!touched(r, stage)) return "none";
    if (r.result === "succeeded") return "deployed";
    // rolled-back or rollback-failed: where did it fail?
    const failedIn = r.rollback?.stage ?? [...r.steps].reverse().find((s) => s.result !== "succeeded")?.stage ?? r.steps[r.steps.length - 1]?.stage;
    if (failedIn === stage) return "failed";
    // It failed in another stage. If this stage kept the new version (the runner records `final`), it landed here.
    const here = r.versions.filter((v) => v.stage === stage);
    return here.length > 0 && here.every((v) => v.final !== undefined && v.final === v.to) ? "deployed" : "none";
}

/** When the stage received the release: its last step's finish, else the run's. */
function landedAt(r: PromotionRecord, stage: string): string | undefined {
    const finished = r.steps.filter((s) => s.stage === stage && s.finishedAt !== undefined).map((s) => s.finishedAt as string);
    return finished.sort((a, b) => Date.parse(a) - Date.parse(b)).pop() ?? r.finishedAt;
}

/** When the check that caused the rollback failed. */
function failedAt(r: PromotionRecord, stage: string): string | undefined {
    if (r.rollback?.failedAt) return r.rollback.failedAt;
    const failedStep = [...r.steps].reverse().find((s) => s.stage === stage && s.result !== "succeeded");
    return failedStep?.finishedAt ?? r.rollback?.startedAt;
}

/** Linear interpolation between closest ranks (R's type 7): median of [1, 2, 3, 4] is 2.5. */
export function quantile(values: readonly number[], q: number): number | null {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    const h = (sorted.length - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function status(value: number | null, met: (v: number) => boolean): TargetStatus {
    return value === null ? "n/a" : met(value) ? "met" : "not met";
}

function plural(n: number, one: string, many = `${one}s`): string {
    return `${n} ${n === 1 ? one : many}`;
}

function days(n: number): string {
    return `${Number.isInteger(n) ? n : n.toFixed(1)} ${n === 1 ? "day" : "days"}`;
}

/**
 * The DORA figures for one stage over a window, from the log's records (any order). Records
 * outside the window are ignored, except that a manual rollback inside the window is matched to
 * the promotion it undid.
 */
export function doraMetrics(records: readonly PromotionRecord[], options: DoraOptions = {}): DoraMetrics {
    const stage = options.stage ?? "production";
    const targets = DoraTargetsSchema.parse(options.targets ?? {});
    const now = (options.now ?? new Date()).getTime();
    const windowDays = options.windowDays ?? 30;
    const windowStart = now - windowDays * DAY_MS;

    const inWindow = records
        .filter((r) => {
            const t = Date.parse(r.startedAt);
            return t >= windowStart && t <= now;
        })
        .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));

    const outcomes = new Map<PromotionRecord, StageOutcome>(inWindow.map((r) => [r, stageOutcome(r, stage)]));
    const with_ = (o: StageOutcome) => inWindow.filter((r) => outcomes.get(r) === o);
    const deployed = with_("deployed");
    const failed = with_("failed");
    const errored = with_("errored");
    const refused = with_("refused");

    // A deployment later undone by `shipgate rollback` is a change failure too: the change needed
    // remediation. Matched by stage, service and version: the rollback moved the stage off the
    // version (`from`) that the promotion had released (`to`).
    const undone = new Set<PromotionRecord>();
    for (const rb of inWindow.filter((r) => r.kind === "rollback" && (r.result === "succeeded" || r.result === "rollback-failed"))) {
        for (const v of rb.versions.filter((x) => x.stage === stage && x.from !== x.to)) {
            const victim = [...deployed]
                .reverse()
                .find(
                    (p) =>
                        Date.parse(p.startedAt) <= Date.parse(rb.startedAt) &&
                        p.versions.some((pv) => pv.stage === stage && pv.service === v.service && pv.to === v.from),
                );
            if (victim) undone.add(victim);
        }
    }

    // Deployment frequency: over the window, or since the log's first record for the stage when
    // the log is younger than the window (a week-old log is not "0.2 per day" over 30 days).
    const firstForStage = records
        .filter((r) => r.stages.includes(stage) || touched(r, stage))
        .map((r) => Date.parse(r.startedAt))
        .filter((t) => !Number.isNaN(t) && t <= now)
        .sort((a, b) => a - b)[0];
    const effectiveStart = firstForStage !== undefined && firstForStage > windowStart ? firstForStage : windowStart;
    const spanDays = Math.max(1, (now - effectiveStart) / DAY_MS);
    const daysWithDeployment = new Set(deployed.map((r) => (landedAt(r, stage) ?? r.startedAt).slice(0, 10))).size;
    const perDay = firstForStage === undefined ? null : deployed.length / spanDays;
    const deploymentFrequency = {
        label: "Deployment frequency",
        value: perDay,
        display: perDay === null ? "n/a" : `${perDay.toFixed(perDay >= 10 ? 0 : 2)}/day${perDay < 1 ? ` (${(perDay * 7).toFixed(1)}/week)` : ""}`,
        target: targets.deploymentsPerDay === 1 ? "daily (≥ 1/day)" : `≥ ${targets.deploymentsPerDay}/day`,
        status: status(perDay, (v) => v >= targets.deploymentsPerDay),
        basis:
            perDay === null
                ? `no promotion to ${stage} in the log`
                : `${plural(deployed.length, "successful promotion")} in ${days(Number(spanDays.toFixed(1)))}, on ${plural(daysWithDeployment, "day")}`,
        daysWithDeployment,
    };

    // Lead time for changes: commit → the release landing in the stage.
    const leadTimes: number[] = [];
    let noCommitTime = 0;
    let negative = 0;
    for (const r of deployed) {
        const lt = between(r.committedAt, landedAt(r, stage));
        if (lt === undefined) noCommitTime++;
        else if (lt < 0) negative++;
        else leadTimes.push(lt);
    }
    const leadMedian = quantile(leadTimes, 0.5);
    const leadP90 = quantile(leadTimes, 0.9);
    const leftOut = [
        noCommitTime ? `${noCommitTime} without committedAt` : "",
        negative ? `${negative} committed after they landed (clock skew?)` : "",
    ].filter(Boolean);
    const leadTime = {
        label: "Lead time for changes",
        value: leadMedian,
        display: leadMedian === null ? "n/a" : `${duration(leadMedian)} (median), p90 ${duration(leadP90)}`,
        target: `< ${targets.leadTimeHours} h (median)`,
        status: status(leadMedian, (v) => v < targets.leadTimeHours * 3600_000),
        basis: `commit → in ${stage}, ${plural(leadTimes.length, "promotion")}${leftOut.length ? `; left out: ${leftOut.join(", ")}` : ""}`,
        medianMs: leadMedian,
        p90Ms: leadP90,
        samples: leadTimes.length,
    };

    // Change failure rate: failed ÷ changes (deployed + failed); a refusal or an error changed nothing.
    const changes = deployed.length + failed.length;
    const changeFailures = failed.length + undone.size;
    const cfr = changes === 0 ? null : changeFailures / changes;
    const changeFailureRate = {
        label: "Change failure rate",
        value: cfr,
        display: cfr === null ? "n/a" : percent(cfr),
        target: `< ${percent(targets.changeFailureRate)}`,
        status: status(cfr, (v) => v < targets.changeFailureRate),
        basis:
            changes === 0
                ? `no change reached ${stage}`
                : `${changeFailures} of ${plural(changes, "change")} failed${undone.size ? ` (${undone.size} undone later by \`shipgate rollback\`)` : ""}`,
    };

    // MTTR: from the failed check to traffic back on the last good release.
    const restores: number[] = [];
    let unrestored = 0;
    for (const r of failed) {
        const t = between(failedAt(r, stage), r.rollback?.trafficRestoredAt);
        if (t === undefined || t < 0) unrestored++;
        else restores.push(t);
    }
    const mttrMedian = quantile(restores, 0.5);
    const mttr = {
        label: "Time to restore (MTTR)",
        value: mttrMedian,
        display: mttrMedian === null ? "n/a" : `${duration(mttrMedian)} (median)`,
        target: `< ${targets.mttrMinutes} min (median)`,
        status: status(mttrMedian, (v) => v < targets.mttrMinutes * 60_000),
        basis:
            failed.length === 0
                ? `no failed promotion in ${stage}`
                : `failed check → traffic restored, ${plural(restores.length, "rollback")}${unrestored ? `; ${unrestored} with no recorded restore (rollback failed?)` : ""}`,
        medianMs: mttrMedian,
        samples: restores.length,
    };

    // Success rate: landed ÷ attempted (landed or failed). Refusals are the gates working, and a
    // run that errored before changing anything deployed nothing: neither is an attempt.
    const attempts = deployed.length + failed.length;
    const rate = attempts === 0 ? null : deployed.length / attempts;
    const successRate = {
        label: "Deployment success rate",
        value: rate,
        display: rate === null ? "n/a" : percent(rate),
        target: `> ${percent(targets.successRate)}`,
        status: status(rate, (v) => v > targets.successRate),
        basis:
            attempts === 0
                ? `no promotion attempted in ${stage}`
                : `${deployed.length} of ${plural(attempts, "attempt")} succeeded${refused.length ? `; ${plural(refused.length, "refusal")} by a gate not counted` : ""}${errored.length ? `; ${plural(errored.length, "error")} before any change not counted` : ""}`,
    };

    return {
        stage,
        window: { from: new Date(windowStart).toISOString(), to: new Date(now).toISOString(), days: windowDays },
        counts: {
            deployed: deployed.length,
            changeFailures,
            manualRollbacks: undone.size,
            errored: errored.length,
            refused: refused.length,
        },
        deploymentFrequency,
        leadTime,
        changeFailureRate,
        mttr,
        successRate,
    };
}

/** The five figures in the order the protocol lists them. */
export function doraFigures(m: DoraMetrics): DoraFigure[] {
    return [m.deploymentFrequency, m.leadTime, m.mttr, m.changeFailureRate, m.successRate];
}
