import { strict as assert } from "node:assert";
import fc from "fast-check";
import { AnalysisInput, AnalysisSchema } from "../../../components/release/analysis";
import { Check, CheckName, Verdict, inconclusiveVerdict, judge } from "../../../stacks/automation/verify/judge";

const defaults = AnalysisSchema.parse({});
const thresholds = (input: AnalysisInput = {}) => AnalysisSchema.parse(input);

function check(verdict: Verdict, name: CheckName): Check {
    const found = verdict.checks.find((c) => c.name === name);
    assert.ok(found, `no ${name} check in ${JSON.stringify(verdict.checks)}`);
    return found;
}

describe("judge", () => {
    const stable = { requests: 1000, errors: 10, p95Ms: 50 }; // 1.0%, 50 ms

    it("passes a candidate in line with the stable track, and says so in figures", () => {
        const v = judge({ requests: 400, errors: 4, p95Ms: 55 }, stable, defaults, { baseline: "stable" });
        assert.equal(v.outcome, "pass");
        assert.deepEqual(
            v.checks.map((c) => [c.name, c.outcome]),
            [
                ["traffic", "pass"],
                ["error-rate", "pass"],
                ["error-rate-vs-baseline", "pass"],
                ["p95-vs-baseline", "pass"],
                ["p95", "skipped"],
            ],
        );
        assert.match(v.summary, /error rate 1\.0% ≤ 5\.0%/);
        assert.match(v.summary, /P95 55\.0 ms ≤ 100 ms \(2× stable 50\.0 ms, or 25\.0 ms above it\)/);
    });

    describe("error rate", () => {
        it("fails above errorRate.max, with the figure and the threshold in the verdict", () => {
            const v = judge({ requests: 500, errors: 60 }, undefined, defaults);
            assert.equal(v.outcome, "fail");
            const c = check(v, "error-rate");
            assert.equal(c.outcome, "fail");
            assert.equal(c.value, 0.12);
            assert.equal(c.threshold, 0.05);
            assert.equal(c.detail, "error rate 12.0% > 5.0%");
            assert.match(v.summary, /error rate 12\.0% > 5\.0%/);
        });

        it("passes at exactly the ceiling: the rule is 'above'", () => {
            assert.equal(check(judge({ requests: 100, errors: 5 }, undefined, defaults), "error-rate").outcome, "pass");
            assert.equal(check(judge({ requests: 100, errors: 6 }, undefined, defaults), "error-rate").outcome, "fail");
        });

        it("honours a configured ceiling", () => {
            const v = judge({ requests: 100, errors: 2 }, undefined, thresholds({ errorRate: { max: 0.01 } }));
            assert.equal(v.outcome, "fail");
            assert.equal(check(v, "error-rate").detail, "error rate 2.0% > 1.0%");
        });
    });

    describe("error rate against the baseline", () => {
        it("fails 50% above the stable track when it is also at least 1 point above it", () => {
            // stable 2%, candidate 4%: under the 5% ceiling, but double the stable rate.
            const v = judge({ requests: 500, errors: 20 }, { requests: 1000, errors: 20, p95Ms: 50 }, defaults, { baseline: "stable" });
            assert.equal(v.outcome, "fail");
            assert.equal(check(v, "error-rate").outcome, "pass");
            const c = check(v, "error-rate-vs-baseline");
            assert.equal(c.outcome, "fail");
            assert.equal(c.baseline, 0.02);
            assert.ok(Math.abs(c.threshold! - 0.03) < 1e-12, `threshold ${c.threshold}`);
            assert.match(c.detail, /error rate 4\.0% > 3\.0%: stable 2\.0% \+ 50\.0% and 2\.0 pts above it/);
        });

        it("does not fail a relative increase smaller than minAbsoluteIncrease (0.2% → 0.5%)", () => {
            const v = judge({ requests: 1000, errors: 5 }, { requests: 1000, errors: 2 }, defaults);
            assert.equal(check(v, "error-rate-vs-baseline").outcome, "pass");
            assert.equal(v.outcome, "pass");
        });

        it("passes just under 50% above the baseline even when far enough above it", () => {
            // stable 4% (limit 6%): 5.9% is 1.9 pts above but only +47.5%; 6.1% is +52.5%. Ceiling raised to 10%.
            const v = judge({ requests: 1000, errors: 59 }, { requests: 1000, errors: 40 }, thresholds({ errorRate: { max: 0.1 } }));
            assert.equal(check(v, "error-rate-vs-baseline").outcome, "pass");
            const v2 = judge({ requests: 1000, errors: 61 }, { requests: 1000, errors: 40 }, thresholds({ errorRate: { max: 0.1 } }));
            assert.equal(check(v2, "error-rate-vs-baseline").outcome, "fail");
        });

        it("against a stable track with no errors: 0.5% passes, 1.5% fails (the 1-point floor decides)", () => {
            const zero = { requests: 1000, errors: 0, p95Ms: 50 };
            assert.equal(judge({ requests: 1000, errors: 5 }, zero, defaults).outcome, "pass");
            const v = judge({ requests: 1000, errors: 15 }, zero, defaults);
            assert.equal(v.outcome, "fail");
            assert.equal(check(v, "error-rate-vs-baseline").threshold, 0.01);
        });
    });

    describe("latency", () => {
        it("fails a P95 above 2× the baseline's, passes at exactly 2×", () => {
            const over = judge({ requests: 500, errors: 0, p95Ms: 101 }, stable, defaults, { baseline: "stable" });
            assert.equal(over.outcome, "fail");
            const c = check(over, "p95-vs-baseline");
            assert.equal(c.value, 101);
            assert.equal(c.threshold, 100);
            assert.equal(c.baseline, 50);
            assert.equal(c.detail, "P95 101 ms > 100 ms (2× stable 50.0 ms, and 51.0 ms above it ≥ 25.0 ms)");
            assert.equal(judge({ requests: 500, errors: 0, p95Ms: 100 }, stable, defaults).outcome, "pass");
        });

        it("does not fail a few milliseconds of noise: the relative rule needs the candidate 25 ms slower too", () => {
            const fast = { requests: 500, errors: 0, p95Ms: 9 };
            const noisy = judge({ requests: 500, errors: 0, p95Ms: 23 }, fast, defaults, { baseline: "stable" });
            assert.equal(noisy.outcome, "pass", "23 ms against 9 ms is over 2× but only 14 ms slower");
            assert.equal(check(noisy, "p95-vs-baseline").threshold, 34);
            assert.equal(judge({ requests: 500, errors: 0, p95Ms: 35 }, fast, defaults, { baseline: "stable" }).outcome, "fail");
            const strict = thresholds({ latency: { minAbsoluteIncreaseMs: 0 } });
            assert.equal(judge({ requests: 500, errors: 0, p95Ms: 23 }, fast, strict, { baseline: "stable" }).outcome, "fail");
        });

        it("fails above latency.p95MaxMs when set, and skips that check when not", () => {
            const strict = thresholds({ latency: { p95MaxMs: 200 } });
            const v = judge({ requests: 500, errors: 0, p95Ms: 250 }, undefined, strict);
            assert.equal(v.outcome, "fail");
            assert.equal(check(v, "p95").detail, "P95 250 ms > 200 ms");
            assert.equal(check(judge({ requests: 500, errors: 0, p95Ms: 250 }, undefined, defaults), "p95").outcome, "skipped");
        });

        it("is inconclusive when p95MaxMs is set but the source gives no P95", () => {
            const v = judge({ requests: 500, errors: 0 }, stable, thresholds({ latency: { p95MaxMs: 200 } }));
            assert.equal(v.outcome, "inconclusive");
            assert.match(v.summary, /p95MaxMs is 200 ms but the source gave no P95/);
        });

        it("skips the relative latency check when the candidate has no P95, and passes on the rest", () => {
            const v = judge({ requests: 500, errors: 0 }, stable, defaults);
            assert.equal(check(v, "p95-vs-baseline").outcome, "skipped");
            assert.equal(v.outcome, "pass");
        });

        it("fails a P95 above the largest histogram bucket (+Inf)", () => {
            const v = judge({ requests: 500, errors: 0, p95Ms: Infinity }, stable, defaults);
            assert.equal(v.outcome, "fail");
            assert.match(check(v, "p95-vs-baseline").detail, /above the largest histogram bucket/);
        });
    });

    it("counts requests in whole numbers, though Prometheus' increase() gives fractions", () => {
        const v = judge({ requests: 470.5848181818182, errors: 2.2, p95Ms: 55 }, stable, defaults, { baseline: "stable" });
        assert.equal(check(v, "traffic").value, 471);
        assert.equal(check(v, "traffic").detail, "471 requests ≥ 20");
    });

    describe("too little candidate traffic", () => {
        it("is inconclusive, not a failure, even with a high error rate", () => {
            const v = judge({ requests: 10, errors: 5, p95Ms: 500 }, stable, defaults);
            assert.equal(v.outcome, "inconclusive");
            assert.equal(check(v, "traffic").detail, "only 10 requests (< 20): too little traffic to judge");
            assert.equal(v.summary, "only 10 requests (< 20): too little traffic to judge");
            // The figures are still there for the report.
            const rate = check(v, "error-rate");
            assert.equal(rate.value, 0.5);
            assert.equal(rate.outcome, "inconclusive");
            assert.match(rate.detail, /error rate 50\.0% > 5\.0%, on only 10 requests: not judged/);
        });

        it("is inconclusive, never a pass, with perfect figures", () => {
            assert.equal(judge({ requests: 19, errors: 0, p95Ms: 5 }, stable, defaults).outcome, "inconclusive");
            assert.equal(judge({ requests: 20, errors: 0, p95Ms: 5 }, stable, defaults).outcome, "pass");
        });

        it("is inconclusive with no requests at all", () => {
            const v = judge({ requests: 0, errors: 0 }, stable, defaults);
            assert.equal(v.outcome, "inconclusive");
            assert.equal(check(v, "error-rate").detail, "no requests: no error rate");
        });

        it("follows a configured minRequests", () => {
            assert.equal(judge({ requests: 150, errors: 0 }, undefined, thresholds({ minRequests: 200 })).outcome, "inconclusive");
        });
    });

    describe("a baseline with too little traffic", () => {
        const quiet = { requests: 3, errors: 0, p95Ms: 1 };

        it("does not fail the candidate on the relative checks, and says why they were skipped", () => {
            // Against a stable track of 3 requests at 1 ms, 3% errors and 40 ms would "fail" both relative rules.
            const v = judge({ requests: 500, errors: 15, p95Ms: 40 }, quiet, defaults, { baseline: "stable" });
            assert.equal(v.outcome, "pass");
            const rel = check(v, "error-rate-vs-baseline");
            assert.equal(rel.outcome, "skipped");
            assert.equal(rel.detail, "skipped: stable has 3 requests (< 20); the absolute ceiling 5.0% still applies");
            assert.equal(check(v, "p95-vs-baseline").outcome, "skipped");
            assert.match(v.summary, /relative checks skipped: stable has 3 requests \(< 20\)/);
        });

        it("still applies the absolute thresholds", () => {
            const v = judge({ requests: 500, errors: 50, p95Ms: 40 }, quiet, thresholds({ latency: { p95MaxMs: 30 } }));
            assert.equal(v.outcome, "fail");
            assert.equal(check(v, "error-rate").outcome, "fail");
            assert.equal(check(v, "p95").outcome, "fail");
        });

        it("treats a missing baseline the same way, with the caller's reason", () => {
            const v = judge({ requests: 500, errors: 15 }, undefined, defaults, { baseline: "stable", baselineMissingReason: "prometheus: connection refused" });
            assert.equal(v.outcome, "pass");
            assert.match(check(v, "error-rate-vs-baseline").detail, /no stable measurement \(prometheus: connection refused\)/);
        });

        it("never turns a verdict into a failure (property)", () => {
            const measurement = fc.record({
                requests: fc.integer({ min: 0, max: 5000 }),
                errorShare: fc.double({ min: 0, max: 1, noNaN: true }),
                p95Ms: fc.option(fc.double({ min: 0, max: 5000, noNaN: true }), { nil: undefined }),
            });
            fc.assert(
                fc.property(measurement, measurement, ({ requests, errorShare, p95Ms }, b) => {
                    const candidate = { requests, errors: Math.floor(requests * errorShare), p95Ms };
                    const thin = { requests: b.requests % 20, errors: Math.floor((b.requests % 20) * b.errorShare), p95Ms: b.p95Ms };
                    assert.equal(judge(candidate, thin, defaults).outcome, judge(candidate, undefined, defaults).outcome);
                }),
            );
        });
    });

    describe("NaN and zero baselines", () => {
        it("skips the comparisons against a baseline whose figures are NaN", () => {
            const v = judge({ requests: 500, errors: 15, p95Ms: 40 }, { requests: NaN, errors: NaN }, defaults, { baseline: "stable" });
            assert.equal(v.outcome, "pass");
            assert.match(check(v, "error-rate-vs-baseline").detail, /stable measurement is not usable \(requests NaN, errors NaN\)/);
        });

        it("skips the latency comparison against a baseline P95 of 0, NaN or +Inf instead of failing", () => {
            for (const p95Ms of [0, NaN, Infinity]) {
                const v = judge({ requests: 500, errors: 0, p95Ms: 40 }, { requests: 1000, errors: 0, p95Ms }, defaults, { baseline: "stable" });
                assert.equal(v.outcome, "pass", `baseline P95 ${p95Ms}`);
                assert.equal(check(v, "p95-vs-baseline").outcome, "skipped", `baseline P95 ${p95Ms}`);
            }
        });

        it("is inconclusive on a candidate measurement that is NaN", () => {
            const v = judge({ requests: NaN, errors: 0 }, stable, defaults);
            assert.equal(v.outcome, "inconclusive");
            assert.match(v.summary, /not usable/);
        });
    });

    it("inconclusiveVerdict carries the reason as its summary", () => {
        const v = inconclusiveVerdict("prometheus http://127.0.0.1:9: connection refused");
        assert.equal(v.outcome, "inconclusive");
        assert.equal(v.summary, "prometheus http://127.0.0.1:9: connection refused");
        assert.deepEqual(
            v.checks.map((c) => c.name),
            ["source"],
        );
    });

    it("orders outcomes fail > inconclusive > pass (property: any failing check fails the verdict)", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 20, max: 10_000 }),
                fc.double({ min: 0, max: 1, noNaN: true }),
                fc.double({ min: 0.1, max: 2000, noNaN: true }),
                (requests, share, p95Ms) => {
                    const v = judge({ requests, errors: Math.round(requests * share), p95Ms }, stable, defaults);
                    const outcomes = v.checks.map((c) => c.outcome);
                    const expected = outcomes.includes("fail") ? "fail" : outcomes.includes("inconclusive") ? "inconclusive" : "pass";
                    assert.equal(v.outcome, expected);
                },
            ),
        );
    });
});
