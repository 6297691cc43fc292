import { strict as assert } from "node:assert";
import { doraMetrics, quantile, stageOutcome } from "../../../stacks/automation/records/dora";
import { doraMarkdown } from "../../../stacks/automation/records/dora-markdown";
import { PromotionRecord, PromotionRecordInput, PromotionRecordSchema } from "../../../stacks/automation/records/promotion-record";

/** A synthetic deployment log with answers worked out by hand. */

const HOUR = 3600_000;
const NOW = new Date("2026-12-01T00:00:00.000Z");
const iso = (t: number) => new Date(t).toISOString();
const day = (d: number, hour = 10) => Date.UTC(2026, 10, d, hour); // November 2026

interface Spec {
    id: string;
    start: number;
    result: PromotionRecord["result"];
    stages?: string[];
    /** Stages that got steps. */
    reached?: string[];
    /** Where the rollback happened. */
    rolledBackIn?: string;
    leadHours?: number;
    /** Seconds from the failed check to traffic restored; undefined: not recorded. */
    restoreSeconds?: number;
    version?: string;
    kind?: "promote" | "rollback";
    from?: string;
}

function rec(s: Spec): PromotionRecord {
    const stages = s.stages ?? ["production"];
    const reached = s.reached ?? (s.result === "refused" || s.result === "failed" ? [] : stages);
    const finish = s.start + 30 * 60_000;
    const input: PromotionRecordInput = {
        id: s.id,
        kind: s.kind ?? "promote",
        version: s.version ?? "1.0.0",
        services: ["backend"],
        stages,
        versions: stages.map((stage) => ({ stage, service: "backend", strategy: "canary", from: s.from ?? "0.9.0", to: s.version ?? "1.0.0" })),
        committedAt: s.leadHours === undefined ? undefined : iso(finish - s.leadHours * HOUR),
        startedAt: iso(s.start),
        finishedAt: iso(finish),
        result: s.result,
        steps: reached.map((stage, i) => ({
            stage,
            service: "backend",
            index: 0,
            kind: "canary",
            summary: "canary 25%",
            traffic: { canary: 25, stable: 75 },
            startedAt: iso(s.start + i * 60_000),
            finishedAt: iso(finish),
            result: s.rolledBackIn === stage ? "failed" : "succeeded",
        })),
        rollback: s.rolledBackIn
            ? {
                  stage: s.rolledBackIn,
                  reason: "error rate 12.0% > 5.0%",
                  failedAt: iso(finish - 5 * 60_000),
                  startedAt: iso(finish - 5 * 60_000 + 1000),
                  trafficRestoredAt: s.restoreSeconds === undefined ? undefined : iso(finish - 5 * 60_000 + s.restoreSeconds * 1000),
                  steps: [],
                  result: s.result === "rollback-failed" ? "failed" : "succeeded",
              }
            : undefined,
    };
    return PromotionRecordSchema.parse(input);
}

/**
 * November 2026, production:
 * - 10 successful promotions, Nov 1..10, lead times 1..10 h → median 5.5 h, p90 9.1 h;
 * - 2 rolled back in production, restored in 60 s and 180 s → MTTR median 2 min;
 * - 1 rolled back in staging (never reached production: not a production change);
 * - 1 refused by a gate, 1 failed before changing anything;
 * - 1 in October, outside the 30-day window.
 */
function novemberLog(): PromotionRecord[] {
    const log: PromotionRecord[] = [];
    for (let d = 1; d <= 10; d++) log.push(rec({ id: `ok-${d}`, start: day(d), result: "succeeded", leadHours: d }));
    log.push(rec({ id: "rb-1", start: day(12), result: "rolled-back", rolledBackIn: "production", restoreSeconds: 60, leadHours: 1 }));
    log.push(rec({ id: "rb-2", start: day(14), result: "rolled-back", rolledBackIn: "production", restoreSeconds: 180, leadHours: 1 }));
    log.push(rec({ id: "rb-staging", start: day(15), result: "rolled-back", stages: ["staging", "production"], reached: ["staging"], rolledBackIn: "staging", restoreSeconds: 30 }));
    log.push(rec({ id: "refused", start: day(16), result: "refused" }));
    log.push(rec({ id: "failed", start: day(17), result: "failed" }));
    log.push(rec({ id: "october", start: Date.UTC(2026, 9, 20, 10), result: "succeeded", leadHours: 100 }));
    return log;
}

describe("DORA metrics", () => {
    it("quantiles interpolate between closest ranks, and have no value without data", () => {
        assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
        assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)?.toFixed(6), "9.100000");
        assert.equal(quantile([7], 0.9), 7);
        assert.equal(quantile([], 0.5), null);
    });

    it("computes each figure from a known log, and judges it against the protocol's targets", () => {
        const m = doraMetrics(novemberLog(), { now: NOW });
        assert.equal(m.stage, "production");
        assert.deepEqual(m.counts, { deployed: 10, changeFailures: 2, manualRollbacks: 0, errored: 1, refused: 1 });

        // 10 in 30 days (the log is older than the window, so the whole window counts).
        assert.equal(m.deploymentFrequency.value!.toFixed(4), (10 / 30).toFixed(4));
        assert.equal(m.deploymentFrequency.display, "0.33/day (2.3/week)");
        assert.equal(m.deploymentFrequency.daysWithDeployment, 10);
        assert.equal(m.deploymentFrequency.status, "not met");
        assert.match(m.deploymentFrequency.basis, /^10 successful promotions in 30 days, on 10 days$/);

        assert.equal(m.leadTime.medianMs, 5.5 * HOUR);
        assert.equal(Math.round(m.leadTime.p90Ms!), 9.1 * HOUR);
        assert.equal(m.leadTime.display, "5 h 30 min (median), p90 9 h 06 min");
        assert.equal(m.leadTime.status, "not met");

        assert.equal(m.changeFailureRate.value!.toFixed(4), (2 / 12).toFixed(4));
        assert.equal(m.changeFailureRate.display, "16.7%");
        assert.equal(m.changeFailureRate.status, "not met");
        assert.equal(m.changeFailureRate.basis, "2 of 12 changes failed");

        assert.equal(m.mttr.medianMs, 120_000);
        assert.equal(m.mttr.display, "2 min (median)");
        assert.equal(m.mttr.status, "met");

        // 10 landed of 12 attempts (10 + 2 rolled back); the refusal and the error before any change are not attempts.
        assert.equal(m.successRate.display, "83.3%");
        assert.equal(m.successRate.status, "not met");
        assert.equal(m.successRate.basis, "10 of 12 attempts succeeded; 1 refusal by a gate not counted; 1 error before any change not counted");
    });

    it("counts a run rolled back in staging against staging, not production", () => {
        const log = novemberLog();
        const r = log.find((x) => x.id === "rb-staging")!;
        assert.equal(stageOutcome(r, "staging"), "failed");
        assert.equal(stageOutcome(r, "production"), "none");
        const staging = doraMetrics(log, { stage: "staging", now: NOW });
        assert.equal(staging.counts.changeFailures, 1);
        assert.equal(staging.mttr.medianMs, 30_000);
    });

    it("meets every target with a healthy log younger than the window", () => {
        const log: PromotionRecord[] = [];
        // 40 promotions over the last 20 days, two a day, each 1 h from commit.
        for (let i = 0; i < 40; i++) {
            log.push(rec({ id: `p${i}`, start: NOW.getTime() - 20 * 24 * HOUR + i * 12 * HOUR, result: "succeeded", leadHours: 1 }));
        }
        const m = doraMetrics(log, { now: NOW });
        assert.equal(m.deploymentFrequency.value, 2);
        assert.equal(m.deploymentFrequency.status, "met");
        assert.equal(m.leadTime.status, "met");
        assert.equal(m.changeFailureRate.display, "0.0%");
        assert.equal(m.changeFailureRate.status, "met");
        assert.equal(m.successRate.status, "met");
        // No failure: nothing to restore, so no MTTR (not "0 min").
        assert.equal(m.mttr.value, null);
        assert.equal(m.mttr.display, "n/a");
        assert.equal(m.mttr.status, "n/a");
        assert.match(doraMarkdown(m), /4 of 4 targets met\./);
    });

    it("says n/a for every figure of an empty log, never NaN or a division by zero", () => {
        const m = doraMetrics([], { now: NOW });
        for (const f of [m.deploymentFrequency, m.leadTime, m.changeFailureRate, m.mttr, m.successRate]) {
            assert.equal(f.value, null, f.label);
            assert.equal(f.display, "n/a", f.label);
            assert.equal(f.status, "n/a", f.label);
        }
        const md = doraMarkdown(m);
        assert.doesNotMatch(md, /NaN|Infinity|undefined/);
        assert.match(md, /No data yet/);
        assert.match(md, /\| Deployment frequency \| n\/a \| daily \(≥ 1\/day\) \| ➖ n\/a \| no promotion to production in the log \|/);
    });

    it("leaves out records with missing fields, and says how many", () => {
        const log = [
            rec({ id: "a", start: day(20), result: "succeeded", leadHours: 2 }),
            rec({ id: "b", start: day(21), result: "succeeded" }), // no committedAt
            rec({ id: "c", start: day(22), result: "rollback-failed", rolledBackIn: "production" }), // never restored
        ];
        const m = doraMetrics(log, { now: NOW });
        assert.equal(m.leadTime.samples, 1);
        assert.equal(m.leadTime.medianMs, 2 * HOUR);
        assert.match(m.leadTime.basis, /left out: 1 without committedAt/);
        assert.equal(m.mttr.value, null);
        assert.match(m.mttr.basis, /1 with no recorded restore/);
        assert.equal(m.changeFailureRate.display, "33.3%");
    });

    it("counts a deployment later undone by `shipgate rollback` as a change failure", () => {
        const log = [
            rec({ id: "v2", start: day(20), result: "succeeded", version: "2.0.0", from: "1.9.0", leadHours: 1 }),
            rec({ id: "v3", start: day(21), result: "succeeded", version: "2.1.0", from: "2.0.0", leadHours: 1 }),
            // A person put production back from 2.1.0 on 2.0.0.
            rec({ id: "manual", kind: "rollback", start: day(22), result: "succeeded", version: "2.0.0", from: "2.1.0" }),
        ];
        const m = doraMetrics(log, { now: NOW });
        assert.equal(m.counts.manualRollbacks, 1);
        assert.equal(m.changeFailureRate.display, "50.0%");
        assert.match(m.changeFailureRate.basis, /1 undone later by `shipgate rollback`/);
        // The manual rollback is not itself a deployment.
        assert.equal(m.counts.deployed, 2);
    });

    it("takes other targets and windows", () => {
        const m = doraMetrics(novemberLog(), { now: NOW, windowDays: 7, targets: { changeFailureRate: 0.5, mttrMinutes: 1 } });
        // 24–30 Nov: nothing landed in production.
        assert.equal(m.counts.deployed, 0);
        assert.equal(m.deploymentFrequency.value, 0);
        assert.equal(m.deploymentFrequency.status, "not met");
        const wide = doraMetrics(novemberLog(), { now: NOW, targets: { changeFailureRate: 0.5, mttrMinutes: 1 } });
        assert.equal(wide.changeFailureRate.status, "met");
        assert.equal(wide.changeFailureRate.target, "< 50.0%");
        assert.equal(wide.mttr.status, "not met");
    });
});
