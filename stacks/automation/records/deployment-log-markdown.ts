import { ms as formatMs, percent } from "../verify/format";
import { duration, minuteUtc } from "./format-time";
import { PromotionRecord, PromotionRecordInput, PromotionRecordSchema, StepRecord } from "./promotion-record";

/**
 * The human deployment log entry of seed 001, rendered from a record, for `shipgate history`:
 *
 *     ## YYYY-MM-DD HH:MM - Version X.Y.Z
 *     **Deployer**: ...   **Changes**: ...   **Status**: Success/Rollback   **Issues**: ...
 *     **Metrics**: deployment time; error rate before -> after; response time before -> after
 *
 * "Before" is the stable track (or old color) as the first analysed step measured it, "after" is
 * the new version as the last analysed step measured it, in the last stage the run reached
 * (production for a full promotion). Times are UTC.
 */

const STATUS: Record<PromotionRecord["result"], string> = {
    succeeded: "Success",
    "rolled-back": "Rollback",
    "rollback-failed": "Rollback FAILED (a person must act)",
    refused: "Refused (nothing changed)",
    failed: "Failed (nothing changed)",
    running: "Running, or stopped without a word",
    interrupted: "Interrupted (its runner stopped; the next run restored the stage)",
};

function rateOf(m: { requests: number; errors: number; errorRate?: number } | undefined): number | undefined {
    if (!m) return undefined;
    return m.errorRate ?? (m.requests > 0 ? m.errors / m.requests : undefined);
}

interface BeforeAfter {
    readonly service: string;
    readonly errorBefore?: number;
    readonly errorAfter?: number;
    readonly p95Before?: number;
    readonly p95After?: number;
}

function figures(r: PromotionRecord): BeforeAfter[] {
    const analysed = r.steps.filter((s) => s.verification?.candidate || s.verification?.baseline);
    const lastStage = analysed[analysed.length - 1]?.stage;
    if (!lastStage) return [];
    const inStage = analysed.filter((s) => s.stage === lastStage);
    const services = [...new Set(inStage.map((s) => s.service))];
    return services.map((service) => {
        const steps = inStage.filter((s) => s.service === service);
        const before = steps.find((s) => s.verification?.baseline)?.verification?.baseline;
        const after = [...steps].reverse().find((s: StepRecord) => s.verification?.candidate)?.verification?.candidate;
        return { service, errorBefore: rateOf(before), errorAfter: rateOf(after), p95Before: before?.p95Ms, p95After: after?.p95Ms };
    });
}

function pair(a: string | undefined, b: string | undefined): string {
    return `${a ?? "n/a"} -> ${b ?? "n/a"}`;
}

function metricLine(label: string, rows: BeforeAfter[], get: (f: BeforeAfter) => [string | undefined, string | undefined]): string {
    if (rows.length === 0) return `- ${label}: n/a -> n/a`;
    if (rows.length === 1) return `- ${label}: ${pair(...get(rows[0]))}`;
    return `- ${label}: ${rows.map((f) => `${f.service} ${pair(...get(f))}`).join(", ")}`;
}

function issues(r: PromotionRecord): string {
    const found: string[] = [];
    if (r.rollback) found.push(`rolled back in ${r.rollback.stage}: ${r.rollback.reason}`);
    if (r.rollback?.result === "failed") found.push(`the rollback failed: ${(r.rollback.error ?? "no error recorded").split("\n")[0]}`);
    for (const g of r.gates.filter((x) => x.outcome !== "pass")) found.push(`gate ${g.gate} ${g.outcome === "fail" ? "failed" : "warned"}: ${g.detail}`);
    for (const h of r.hooks.filter((x) => x.outcome === "fail")) found.push(`hook ${h.point}/${h.name} failed: ${h.detail.split("\n")[0]}`);
    for (const [key, color] of Object.entries(r.health)) {
        if (color !== "GREEN") found.push(`${key} ${color}${r.healthDetails[key]?.reason ? `: ${r.healthDetails[key].reason}` : ""}`);
    }
    if (r.error && !r.rollback && !r.gates.some((g) => g.outcome === "fail")) found.push(r.error.split("\n")[0]);
    if (r.hotfixReason) found.push(`hotfix (${r.hotfixReason}): review due within 24 h`);
    return found.length ? found.join("; ") : "None";
}

function deployer(r: PromotionRecord): string {
    const who = r.deployer ?? "not recorded";
    return r.approvers.length ? `${who} (approved by ${r.approvers.join(", ")})` : who;
}

function changes(r: PromotionRecord): string {
    const commit = r.gitCommit ? `commit ${r.gitCommit.slice(0, 12)}` : undefined;
    if (r.changes) return commit ? `${r.changes} (${commit})` : r.changes;
    return commit ?? "not recorded";
}

/** One entry of the human deployment log (seed 001's format). */
export function historyEntry(input: PromotionRecordInput | PromotionRecord): string {
    const r = PromotionRecordSchema.parse(input);
    const f = figures(r);
    const heading = `## ${minuteUtc(r.startedAt)} - Version ${r.version}${r.kind === "rollback" ? " (rollback)" : ""}`;
    return [
        heading,
        "",
        `**Deployer**: ${deployer(r)}`,
        `**Changes**: ${changes(r)}`,
        `**Status**: ${STATUS[r.result]}`,
        `**Issues**: ${issues(r)}`,
        "**Metrics**:",
        `- Deployment time: ${duration(r.durationMs ?? (r.finishedAt ? Date.parse(r.finishedAt) - Date.parse(r.startedAt) : undefined))}`,
        metricLine("Error rate", f, (x) => [x.errorBefore === undefined ? undefined : percent(x.errorBefore), x.errorAfter === undefined ? undefined : percent(x.errorAfter)]),
        metricLine("Response time (P95)", f, (x) => [x.p95Before === undefined ? undefined : formatMs(x.p95Before), x.p95After === undefined ? undefined : formatMs(x.p95After)]),
        "",
    ].join("\n");
}

/** The log as people read it: newest first. */
export function historyMarkdown(records: readonly PromotionRecord[]): string {
    if (records.length === 0) return "No deployments recorded yet.\n";
    return [...records]
        .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
        .map(historyEntry)
        .join("\n");
}
