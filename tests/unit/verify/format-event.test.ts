import { strict as assert } from "node:assert";
import { AnalysisSchema } from "../../../components/release/analysis";
import { formatEvent } from "../../../stacks/cli/output/format-event";
import { SequentialJudge } from "../../../stacks/automation/verify/sequential/sequential-judge";
import { judge } from "../../../stacks/automation/verify/judge";
import type { MeasurementRound } from "../../../stacks/automation/verify/analysis-types";

function round(verdict: MeasurementRound["verdict"], candidate: MeasurementRound["candidate"], baseline: MeasurementRound["baseline"]): MeasurementRound {
    return { index: 2, at: "2026-11-23T10:01:00.000Z", elapsedMs: 60_000, durationMs: 12, windowSeconds: 30, candidate, baseline, baselineLabel: "stable", verdict, inconclusiveStreak: 0 };
}

describe("live view of the analysis", () => {
    it("shows the sequential judge's evidence: one short line per test, e-value of its bound, whole requests", () => {
        const j = new SequentialJudge(AnalysisSchema.parse({ judge: "sequential" }), "CloudWatch gives a P95 statistic, not a latency histogram");
        const c = { requests: 1840.4, errors: 18, p95Ms: 80 };
        const b = { requests: 5400, errors: 50, p95Ms: 82 };
        const v = j.judge(c, b, { baseline: "stable" });
        const text = formatEvent({ type: "analysis", stage: "production", service: "backend", event: { type: "measurement", round: round(v, c, b) } } as never)!;
        const [head, ...rest] = text.split("\n");
        assert.equal(head, "  [60s] PASS: candidate 1,840 req, errors 1.0%, p95 80.0 ms | stable 5,400 req, errors 0.9%, p95 82.0 ms");
        assert.equal(rest.length, 2, text);
        assert.match(rest[0], /^ {6}error rate vs 5\.0% ceiling: e = < 0\.01 of 200, 1,840 requests$/);
        assert.match(rest[1], /^ {6}error rate vs stable: e = [\d.]+ of 200, 1,840 requests$/);
    });

    it("prints the thresholds judge's checks one per line, the figure next to its threshold, a failed one marked", () => {
        const a = AnalysisSchema.parse({});
        const c = { requests: 400, errors: 4, p95Ms: 55 };
        const b = { requests: 1000, errors: 10, p95Ms: 50 };
        const text = formatEvent({ type: "analysis", stage: "production", service: "backend", event: { type: "measurement", round: round(judge(c, b, a, { baseline: "stable" }), c, b) } } as never)!;
        const [head, ...checks] = text.split("\n");
        assert.equal(head, "  [60s] PASS: candidate 400 req, errors 1.0%, p95 55.0 ms | stable 1,000 req, errors 1.0%, p95 50.0 ms");
        assert.equal(checks.length, 3, text);
        assert.match(checks[0], /^ {6}error rate 1\.0% ≤ 5\.0%$/);
        assert.ok(checks.every((l) => l.length <= 120), text);

        const bad = { requests: 400, errors: 40, p95Ms: 55 };
        const failed = formatEvent({ type: "analysis", stage: "production", service: "backend", event: { type: "measurement", round: round(judge(bad, b, a, { baseline: "stable" }), bad, b) } } as never)!;
        assert.match(failed, /^ {6}✘ error rate 10\.0% > 5\.0%/m);

        const thin = { requests: 3, errors: 0, p95Ms: 55 };
        const unsure = formatEvent({ type: "analysis", stage: "production", service: "backend", event: { type: "measurement", round: round(judge(thin, b, a, { baseline: "stable" }), thin, b) } } as never)!;
        assert.equal(unsure.split("\n").length, 1, "an inconclusive window is one line: why it cannot judge");
        assert.match(unsure, /INCONCLUSIVE: .* — only 3 requests/);
    });

    it("says when a baked step does not move on yet, and what it waits for", () => {
        const reason = "bake over but health is YELLOW, not GREEN (http://127.0.0.1:24011/health: status warning; health.allowYellow lets YELLOW pass): measuring on, for at most 2 min";
        const text = formatEvent({ type: "analysis", stage: "production", service: "backend", event: { type: "extended", reason, until: "2026-11-23T10:07:00.000Z" } } as never);
        assert.equal(text, `  ${reason}`);
    });
});
