import { strict as assert } from "node:assert";
import { AnalysisInput, AnalysisSchema } from "../../../../components/release/analysis";
import { Random } from "../../../../bench/judge-sim/random";
import { Scenario, interval } from "../../../../bench/judge-sim/traffic";
import type { Check, CheckName, Verdict } from "../../../../stacks/automation/verify/judge";
import type { Measurement } from "../../../../stacks/automation/verify/metric-source";
import { addHistograms, countAbove, edgeForShare, quantileMs, toHistogram } from "../../../../stacks/automation/verify/sequential/histogram";
import { SequentialJudge } from "../../../../stacks/automation/verify/sequential/sequential-judge";
import { createStepJudge } from "../../../../stacks/automation/verify/step-judge";

const config = (input: AnalysisInput = {}) => AnalysisSchema.parse({ judge: "sequential", ...input });
const labels = { baseline: "stable" };

function check(v: Verdict, name: CheckName): Check {
    const c = v.checks.find((x) => x.name === name);
    assert.ok(c, `no ${name} check in ${JSON.stringify(v.checks.map((x) => x.name))}`);
    return c;
}

const healthy: Scenario = { ratePerSecond: 20, share: 0.25, stableErrorRate: 0.01, canaryErrorRate: 0.01, medianMs: 50, sigma: 0.5, latencyFactor: 1 };

describe("sequential: histograms", () => {
    const h = toHistogram([
        { leMs: 200, count: 100 },
        { leMs: 100, count: 50.4 },
        { leMs: Infinity, count: 99.6 },
    ])!;

    it("rounds, sorts and keeps cumulative counts from decreasing (increase() extrapolates)", () => {
        assert.deepEqual([...h], [
            [100, 50],
            [200, 100],
            [Infinity, 100],
        ]);
        assert.equal(toHistogram([{ leMs: 100, count: 3 }]), undefined, "no +Inf bucket: unusable");
    });

    it("computes quantiles as histogram_quantile, counts above an edge, and adds windows", () => {
        assert.equal(quantileMs(h, 0.5), 100);
        assert.equal(quantileMs(h, 0.75), 150);
        assert.equal(countAbove(h, 100), 50);
        assert.equal(countAbove(h, 150), undefined);
        assert.equal(countAbove(addHistograms(h, h), 100), 100);
    });

    it("picks the edge whose share above is closest to the P95's 5%", () => {
        const g = toHistogram([
            { leMs: 50, count: 500 },
            { leMs: 100, count: 930 },
            { leMs: 150, count: 990 },
            { leMs: Infinity, count: 1000 },
        ])!;
        assert.equal(edgeForShare(g, 0.05), 100); // 7% above 100 ms, 1% above 150 ms
        // A fast service, every request in the first bucket: the lowest bound, so a canary spilling past it is seen.
        const fast = toHistogram([
            { leMs: 5, count: 90 },
            { leMs: 10, count: 90 },
            { leMs: Infinity, count: 90 },
        ])!;
        assert.equal(edgeForShare(fast, 0.05), 5);
        assert.equal(edgeForShare(toHistogram([{ leMs: Infinity, count: 0 }])!, 0.05), undefined);
    });
});

describe("sequential judge", () => {
    it("judges latency from the second window for a service faster than its first bucket (all requests ≤ 5 ms)", () => {
        const judge = new SequentialJudge(config({ minRequests: 10 }));
        const fast = (n: number) => ({ requests: n, errors: 0, p95Ms: 4.8, buckets: [{ leMs: 5, count: n }, { leMs: 10, count: n }, { leMs: Infinity, count: n }] });
        assert.equal(check(judge.judge(fast(30), fast(90), labels), "latency-vs-baseline").outcome, "inconclusive");
        const second = judge.judge(fast(30), fast(90), labels);
        assert.equal(second.outcome, "pass", second.summary);
        assert.match(check(second, "latency-vs-baseline").detail, /0\.0% of requests slower than 5\.0 ms vs stable 0\.0%/);
        // A canary that spills past 5 ms by a few milliseconds crosses but stays within the 25 ms floor.
        const slowish = { requests: 30, errors: 0, p95Ms: 9, buckets: [{ leMs: 5, count: 5 }, { leMs: 10, count: 30 }, { leMs: Infinity, count: 30 }] };
        let v: Verdict | undefined;
        for (let k = 0; k < 5; k++) v = judge.judge(slowish, fast(90), labels);
        const c = check(v!, "latency-vs-baseline");
        assert.ok(c.evidence!.value >= c.evidence!.bound, JSON.stringify(c.evidence));
        assert.equal(c.outcome, "pass", "within the tolerance: not a failure");
    });

    it("is inconclusive on thin traffic and never passes before the step has minRequests", () => {
        const judge = new SequentialJudge(config());
        const thin = { requests: 5, errors: 0, p95Ms: 40 };
        const stable = { requests: 100, errors: 1, p95Ms: 40 };
        const outcomes = [1, 2, 3].map(() => judge.judge(thin, stable, labels).outcome);
        assert.deepEqual(outcomes, ["inconclusive", "inconclusive", "inconclusive"]);
        // The fourth brings the step to 20 requests: the evidence adds up across rounds.
        const v = judge.judge(thin, stable, labels);
        assert.equal(check(v, "traffic").outcome, "pass");
        assert.match(check(v, "traffic").detail, /20 requests in this step ≥ 20/);
    });

    it("fails a 20%-error canary as soon as the evidence crosses its bound, and shows the evidence", () => {
        const judge = new SequentialJudge(config());
        const v = judge.judge({ requests: 150, errors: 30, p95Ms: 60 }, { requests: 450, errors: 5, p95Ms: 60 }, labels);
        assert.equal(v.outcome, "fail");
        const c = check(v, "error-rate-vs-baseline");
        assert.equal(c.outcome, "fail");
        assert.ok(c.evidence && c.evidence.value >= c.evidence.bound, JSON.stringify(c.evidence));
        assert.equal(c.evidence.bound, 300, "alpha 0.01 split over 3 tests");
        assert.equal(c.evidence.requests, 150);
        assert.match(c.detail, /^error rate more than 50\.0% above stable: 20\.0% vs stable 1\.1%, e = [\d,.e]+ ≥ 300 \(3\/α\), 150 requests$/);
    });

    it("does not fail on a crossing the protocol's absolute floor does not back (0.1% vs 0.4%)", () => {
        const judge = new SequentialJudge(config());
        let v: Verdict | undefined;
        for (let k = 0; k < 20; k++) v = judge.judge({ requests: 5000, errors: 20 }, { requests: 5000, errors: 5 }, labels);
        const c = check(v!, "error-rate-vs-baseline");
        assert.ok(c.evidence!.value >= 300, `e ${c.evidence!.value}`);
        assert.equal(c.outcome, "pass");
        assert.match(c.detail, /but only 0\.3 pts above it \(< 1\.0 pts\): not a failure/);
    });

    it("fails a canary twice as slow from its histograms, from the second interval (the first sets the edge)", () => {
        const random = new Random(11);
        const judge = new SequentialJudge(config());
        const verdicts: Verdict[] = [];
        for (let k = 0; k < 4 && verdicts.at(-1)?.outcome !== "fail"; k++) {
            const { canary, stable } = interval(random, { ...healthy, latencyFactor: 2 }, 30);
            verdicts.push(judge.judge(canary, stable, labels));
        }
        assert.equal(check(verdicts[0], "latency-vs-baseline").outcome, "inconclusive");
        const last = verdicts.at(-1)!;
        assert.equal(last.outcome, "fail", last.summary);
        assert.match(check(last, "latency-vs-baseline").detail, /^slower than stable \(max 1\.5× its slow share\): [\d.]+% of requests slower than 100 ms vs stable [\d.]+%, e = .* ≥ 300 \(3\/α\)/);
    });

    it("passes a healthy canary over a step's rounds on seeded traffic", () => {
        const random = new Random(5);
        const judge = new SequentialJudge(config());
        let v: Verdict | undefined;
        for (let k = 0; k < 10; k++) {
            const { canary, stable } = interval(random, healthy, 30);
            v = judge.judge(canary, stable, labels);
            assert.notEqual(v.outcome, "fail", v.summary);
        }
        assert.equal(v!.outcome, "pass", v!.summary);
        for (const name of ["error-rate", "error-rate-vs-baseline", "latency-vs-baseline"] as const) {
            const e = check(v!, name).evidence!;
            assert.ok(e.value < e.bound && e.requests > 1000, `${name}: ${JSON.stringify(e)}`);
        }
    });

    it("holds its false failures under alpha on healthy seeded steps (loose bound)", () => {
        let failed = 0;
        const runs = 300;
        for (let i = 0; i < runs; i++) {
            const random = new Random(1000 + i);
            const judge = new SequentialJudge(config({ alpha: 0.05 }));
            for (let k = 0; k < 10; k++) {
                const { canary, stable } = interval(random, { ...healthy, ratePerSecond: 5 }, 30);
                if (judge.judge(canary, stable, labels).outcome === "fail") {
                    failed++;
                    break;
                }
            }
        }
        assert.ok(failed / runs <= 0.05, `${failed} of ${runs} healthy steps failed`);
    });

    it("checks latency by thresholds, and says why, where the source gives no histogram", () => {
        const judge = new SequentialJudge(config(), "CloudWatch gives a P95 statistic, not a latency histogram");
        assert.equal(judge.tests, 2);
        assert.match(judge.description, /alpha 0\.01 over 2 tests, each fails at e ≥ 200; latency by thresholds \(CloudWatch/);
        const v = judge.judge({ requests: 200, errors: 2, p95Ms: 400 }, { requests: 600, errors: 6, p95Ms: 100 }, labels);
        const c = check(v, "p95-vs-baseline");
        assert.equal(c.outcome, "fail");
        assert.match(c.detail, /^thresholds \(CloudWatch gives a P95 statistic, not a latency histogram\): P95 400 ms > 200 ms/);
    });

    it("skips the relative checks on a thin baseline (a canary at 100%)", () => {
        const judge = new SequentialJudge(config());
        const v = judge.judge({ requests: 500, errors: 5 }, { requests: 3, errors: 0 }, labels);
        assert.equal(check(v, "error-rate-vs-baseline").outcome, "skipped");
        assert.match(check(v, "error-rate-vs-baseline").detail, /stable has 3 requests in this step \(< 20\)/);
        assert.equal(check(v, "error-rate").outcome, "pass");
    });
});

describe("step judge", () => {
    it("builds the configured judge, or thresholds with the reason when the baseline is fixed figures", () => {
        assert.equal(createStepJudge(AnalysisSchema.parse({ judge: "thresholds" })).kind, "thresholds");
        const s = createStepJudge(config(), { baseline: { track: "stable" } });
        assert.equal(s.kind, "sequential");
        assert.ok(s.needsIncrements && s.wantsBuckets);
        const fixed: Measurement = { requests: 100, errors: 1 };
        const f = createStepJudge(config(), { baseline: { measurement: fixed, label: "blue before the switch" } });
        assert.equal(f.kind, "thresholds");
        assert.match(f.description, /fixed figures/);
    });
});
