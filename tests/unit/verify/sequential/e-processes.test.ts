import { strict as assert } from "node:assert";
import { Random } from "../../../../bench/judge-sim/random";
import { RateCeilingEProcess } from "../../../../stacks/automation/verify/sequential/rate-ceiling-e-process";
import { RateRatioEProcess, logSumExp } from "../../../../stacks/automation/verify/sequential/rate-ratio-e-process";

/** Runs `runs` seeded experiments of `looks` intervals; the share whose e-value ever reached 1/alpha. */
function crossingRate<T extends { e: number }>(runs: number, looks: number, alpha: number, make: () => T, step: (r: Random, process: T, look: number) => void, seed = 7): number {
    let crossed = 0;
    for (let i = 0; i < runs; i++) {
        const r = new Random(seed * 100_003 + i);
        const process = make();
        for (let k = 0; k < looks; k++) {
            step(r, process, k);
            if (process.e >= 1 / alpha) {
                crossed++;
                break;
            }
        }
    }
    return crossed / runs;
}

function binomial(r: Random, n: number, p: number): number {
    let x = 0;
    for (let i = 0; i < n; i++) if (r.uniform() < p) x++;
    return x;
}

describe("sequential: rate-ratio e-process (canary events vs the stable's)", () => {
    it("starts at 1 and gains no evidence from intervals without events or without one track's traffic", () => {
        const p = new RateRatioEProcess(1.5);
        assert.equal(p.e, 1);
        p.update({ candidateEvents: 0, candidateRequests: 100, baselineEvents: 0, baselineRequests: 300 });
        p.update({ candidateEvents: 3, candidateRequests: 100, baselineEvents: 0, baselineRequests: 0 });
        assert.ok(Math.abs(p.e - 1) < 1e-12, `e ${p.e}`);
        assert.equal(p.events, 0);
    });

    it("grows when the canary has more than its share of events, shrinks when it has fewer", () => {
        const worse = new RateRatioEProcess(1.5);
        const better = new RateRatioEProcess(1.5);
        worse.update({ candidateEvents: 20, candidateRequests: 250, baselineEvents: 8, baselineRequests: 750 });
        better.update({ candidateEvents: 1, candidateRequests: 250, baselineEvents: 8, baselineRequests: 750 });
        assert.ok(worse.e > 100, `worse: e ${worse.e}`);
        assert.ok(better.e < 1, `better: e ${better.e}`);
    });

    it("is the grid's average likelihood ratio: one interval checked by hand at one alternative's weight", () => {
        // One event, on the canary, equal traffic: p0 = 1.5/2.5 = 0.6. Every alternative ρ > 1.5
        // gives p1 > 0.6 and a ratio p1/p0 in (1, 1/0.6), so the average lies strictly inside too.
        const p = new RateRatioEProcess(1.5);
        p.update({ candidateEvents: 1, candidateRequests: 100, baselineEvents: 0, baselineRequests: 100 });
        assert.ok(p.e > 1 && p.e < 1 / 0.6, `e ${p.e}`);
        assert.ok(Math.abs(logSumExp([Math.log(2), Math.log(3)]) - Math.log(5)) < 1e-12);
    });

    it("holds alpha under the null at its boundary, looked at every interval, with traffic changing per interval", () => {
        // Poisson counts with the canary's rate exactly 1.5x the stable's, shares from 5% to 60%.
        const alpha = 0.05;
        const rate = crossingRate(2000, 40, alpha, () => new RateRatioEProcess(1.5), (r, proc, k) => {
            const share = [0.05, 0.25, 0.6, 0.1][k % 4];
            const a = r.poisson(200 * share);
            const b = r.poisson(200 * (1 - share));
            proc.update({ candidateEvents: r.poisson(a * 0.03), candidateRequests: a, baselineEvents: r.poisson(b * 0.02), baselineRequests: b });
        });
        assert.ok(rate <= alpha + 0.015, `false rejections ${rate} > alpha ${alpha}`);
    });

    it("holds alpha for a canary identical to the stable with per-request (binomial) errors", () => {
        const alpha = 0.05;
        const rate = crossingRate(2000, 30, alpha, () => new RateRatioEProcess(1), (r, proc) => {
            proc.update({ candidateEvents: binomial(r, 50, 0.05), candidateRequests: 50, baselineEvents: binomial(r, 150, 0.05), baselineRequests: 150 });
        });
        assert.ok(rate <= alpha + 0.015, `false rejections ${rate} > alpha ${alpha}`);
    });

    it("detects a canary four times as error-prone as the stable", () => {
        const rate = crossingRate(300, 20, 0.01, () => new RateRatioEProcess(1.5), (r, proc) => {
            proc.update({ candidateEvents: r.poisson(150 * 0.04), candidateRequests: 150, baselineEvents: r.poisson(450 * 0.01), baselineRequests: 450 });
        });
        assert.ok(rate > 0.95, `detected in ${rate} of runs`);
    });

    it("refuses counts that are not whole numbers", () => {
        assert.throws(() => new RateRatioEProcess(1.5).update({ candidateEvents: 1.5, candidateRequests: 10, baselineEvents: 0, baselineRequests: 10 }), /whole number/);
        assert.throws(() => new RateRatioEProcess(0), /positive/);
    });
});

describe("sequential: rate-ceiling e-process (canary error rate vs 5%)", () => {
    it("matches the beta integral by hand", () => {
        // q0 = 0.5: one event in one request: ∫_{.5}^1 q dq / 0.5 / 0.5 = 0.375 / 0.25 = 1.5;
        // no event: ∫_{.5}^1 (1-q) dq / 0.5 / 0.5 = 0.125 / 0.25 = 0.5.
        const one = new RateCeilingEProcess(0.5);
        one.update(1, 1);
        assert.ok(Math.abs(one.e - 1.5) < 1e-9, `e ${one.e}`);
        const none = new RateCeilingEProcess(0.5);
        none.update(0, 1);
        assert.ok(Math.abs(none.e - 0.5) < 1e-9, `e ${none.e}`);
        // Two events in three requests, q0 = 0.2: ∫_{.2}^1 q²(1-q) dq / 0.8 / (0.04 · 0.8).
        const integral = (1 / 3 - 1 / 4) - (0.2 ** 3 / 3 - 0.2 ** 4 / 4);
        const three = new RateCeilingEProcess(0.2);
        three.update(2, 3);
        assert.ok(Math.abs(three.e - integral / 0.8 / (0.04 * 0.8)) < 1e-9, `e ${three.e}`);
    });

    it("accumulates: counts added in pieces give the same evidence as at once", () => {
        const pieces = new RateCeilingEProcess(0.05);
        pieces.update(3, 40);
        pieces.update(5, 60);
        const once = new RateCeilingEProcess(0.05);
        once.update(8, 100);
        assert.ok(Math.abs(pieces.logE - once.logE) < 1e-12);
    });

    it("holds alpha at the ceiling, looked at after every batch", () => {
        const alpha = 0.05;
        const rate = crossingRate(2000, 30, alpha, () => new RateCeilingEProcess(0.05), (r, proc) => {
            proc.update(binomial(r, 40, 0.05), 40);
        });
        assert.ok(rate <= alpha + 0.015, `false rejections ${rate} > alpha ${alpha}`);
    });

    it("detects 20% errors within a few hundred requests, and never gains from a clean record", () => {
        const rate = crossingRate(300, 10, 0.01, () => new RateCeilingEProcess(0.05), (r, proc) => {
            proc.update(binomial(r, 30, 0.2), 30);
        });
        assert.ok(rate > 0.95, `detected in ${rate} of runs`);
        const clean = new RateCeilingEProcess(0.05);
        clean.update(0, 10_000);
        // After n clean requests the mixture is 1/(n+1) (B(1, n+1) times the tail (1-q0)^(n+1)): evidence for the null.
        assert.ok(Math.abs(clean.e - 1 / 10_001) < 1e-9, `e ${clean.e}`);
    });
});
