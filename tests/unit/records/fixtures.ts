import type { PromotionRecordInput, StepRecord } from "../../../stacks/automation/records/promotion-record";

/**
 * Records as the runner writes them, for the three shapes a report must handle: a release that
 * went through, one rolled back by a failed check (an incident), one refused by a gate.
 */

const T0 = Date.parse("2026-11-23T10:00:00.000Z");
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

type StepInput = Omit<StepRecord, "verification"> & { verification?: Record<string, unknown> };

function canaryStep(index: number, weight: number, start: number, verdict: "pass" | "fail" = "pass"): StepInput {
    const failing = verdict === "fail";
    return {
        stage: "production",
        service: "backend",
        index,
        kind: "canary",
        summary: `canary ${weight}%`,
        traffic: { canary: weight, stable: 100 - weight },
        routerWeights: { canary: weight, stable: 100 - weight },
        startedAt: at(start),
        finishedAt: at(start + 312),
        engineMs: 9_400,
        overheadMs: 1_250,
        verification: {
            kind: "analysis",
            outcome: verdict,
            reason: failing ? "error rate 12.0% > 5.0%" : "error rate 0.5% ≤ 5.0%; P95 118 ms ≤ 240 ms (2× stable 120 ms)",
            healthColor: failing ? "YELLOW" : "GREEN",
            candidate: failing ? { requests: 1200, errors: 144, errorRate: 0.12, p95Ms: 131 } : { requests: 1200, errors: 6, errorRate: 0.005, p95Ms: 118 },
            baseline: { label: "stable", requests: 3600, errors: 14, errorRate: 0.0039, p95Ms: 120 },
            checks: [
                { name: "traffic", outcome: "pass", value: "1200", threshold: "20", detail: "1200 requests ≥ 20" },
                failing
                    ? { name: "error-rate", outcome: "fail", value: "12.0%", threshold: "5.0%", detail: "error rate 12.0% > 5.0%" }
                    : { name: "error-rate", outcome: "pass", value: "0.5%", threshold: "5.0%", detail: "error rate 0.5% ≤ 5.0%" },
                { name: "p95-vs-baseline", outcome: "pass", value: failing ? "131 ms" : "118 ms", threshold: "240 ms", detail: `P95 ${failing ? 131 : 118} ms ≤ 240 ms (2× stable 120 ms)` },
            ],
            measurements: 10,
            healthChecks: 30,
            durationMs: 300_000,
        },
        result: failing ? "failed" : "succeeded",
    };
}

const stagingStep: StepInput = {
    stage: "staging",
    service: "backend",
    index: 0,
    kind: "switch",
    summary: "switch to green",
    traffic: { green: 100, blue: 0 },
    startedAt: at(0),
    finishedAt: at(320),
    engineMs: 8_000,
    overheadMs: 900,
    verification: { kind: "health", outcome: "pass", reason: "3 health checks GREEN", healthColor: "GREEN", checks: [], measurements: 0, healthChecks: 3, durationMs: 300_000 },
    result: "succeeded",
};

const common = {
    kind: "promote" as const,
    version: "1.3.0",
    services: ["backend"],
    stages: ["staging", "production"],
    approvers: ["alice"],
    deployer: "ci-bot",
    gitCommit: "abc1234def5678",
    committedAt: at(-3 * 3600),
    changes: "Faster checkout (#412)",
    startedAt: at(0),
};

export function successRecord(): PromotionRecordInput {
    return {
        ...common,
        id: "p-20261123-100000-1.3.0",
        versions: [
            { stage: "staging", service: "backend", strategy: "blueGreen", from: "1.2.0", to: "1.3.0", final: "1.3.0" },
            { stage: "production", service: "backend", strategy: "canary", from: "1.2.0", to: "1.3.0", final: "1.3.0" },
        ],
        finishedAt: at(1400),
        durationMs: 1_400_000,
        result: "succeeded",
        gates: [
            { stage: "production", gate: "policy-pack", outcome: "pass", detail: "12 policies, no violation" },
            { gate: "change-window", outcome: "pass", detail: "Monday 10:00 UTC is inside the change window" },
            { stage: "production", gate: "approvals", outcome: "pass", detail: "approved by alice" },
        ],
        steps: [stagingStep, canaryStep(0, 25, 330), canaryStep(1, 50, 650), canaryStep(2, 100, 970)] as StepRecord[],
        health: { "staging/backend": "GREEN", "production/backend": "GREEN" },
        healthDetails: {
            "production/backend": { color: "GREEN", status: "ok", checks: { database: true, websocket: true, memory: true, pioneer: true }, errors: [] },
            "staging/backend": { color: "GREEN", status: "ok", checks: { database: true, memory: true }, errors: [] },
        },
        hooks: [{ point: "afterStep", name: "smoke", stage: "production", service: "backend", outcome: "pass", durationMs: 1200, detail: "exit 0 after 1.2 s: 14 passing" }],
    };
}

export function rollbackRecord(): PromotionRecordInput {
    const failed = canaryStep(1, 50, 650, "fail");
    return {
        ...common,
        id: "p-20261123-100000-1.3.1",
        version: "1.3.1",
        versions: [
            { stage: "staging", service: "backend", strategy: "blueGreen", from: "1.2.0", to: "1.3.1", final: "1.2.0" },
            { stage: "production", service: "backend", strategy: "canary", from: "1.2.0", to: "1.3.1", final: "1.2.0" },
        ],
        finishedAt: at(1100),
        durationMs: 1_100_000,
        result: "rolled-back",
        gates: [{ stage: "production", gate: "policy-pack", outcome: "pass", detail: "12 policies, no violation" }],
        steps: [stagingStep, canaryStep(0, 25, 330), failed] as StepRecord[],
        rollback: {
            stage: "production",
            reason: "error rate 12.0% > 5.0%",
            failedAt: at(962),
            startedAt: at(963),
            trafficRestoredAt: at(1004),
            finishedAt: at(1090),
            steps: [
                {
                    stage: "production",
                    service: "backend",
                    index: 0,
                    kind: "restore",
                    summary: "route all traffic to stable 1.2.0",
                    traffic: { canary: 0, stable: 100 },
                    startedAt: at(963),
                    finishedAt: at(1004),
                    engineMs: 8_100,
                    result: "succeeded",
                },
            ],
            result: "succeeded",
        },
        error: "error rate 12.0% > 5.0%",
        health: { "production/backend": "GREEN", "staging/backend": "GREEN" },
        healthDetails: {
            "production/backend": { color: "GREEN", status: "ok", checks: { database: true, websocket: true, memory: true }, errors: [] },
        },
        hooks: [
            { point: "beforeRollout", name: "migration/backup", stage: "production", outcome: "pass", durationMs: 4000, detail: "exit 0 after 4.0 s" },
            { point: "beforeRollout", name: "migration/up", stage: "production", outcome: "pass", durationMs: 2000, detail: "exit 0 after 2.0 s" },
            { point: "onRollback", name: "migration/down", stage: "production", outcome: "pass", durationMs: 1500, detail: "exit 0 after 1.5 s" },
        ],
    };
}

export function refusedRecord(): PromotionRecordInput {
    return {
        ...common,
        id: "p-20261127-150000-1.3.0",
        startedAt: "2026-11-27T15:00:00.000Z",
        finishedAt: "2026-11-27T15:00:04.000Z",
        durationMs: 4000,
        approvers: [],
        versions: [{ stage: "production", service: "backend", strategy: "canary", from: "1.2.0", to: "1.3.0" }],
        result: "refused",
        gates: [
            { stage: "production", gate: "change-window", outcome: "fail", detail: "Friday 15:00 UTC is a Friday afternoon: outside the change window (use --emergency with a hotfix reason)" },
            { stage: "production", gate: "approvals", outcome: "fail", detail: "production needs an approver: pass --approver" },
            { gate: "policy-pack", outcome: "pass", detail: "12 policies, no violation" },
        ],
        steps: [],
        error: "change-window: Friday afternoon\n  fix: wait for Monday or use --emergency",
    };
}
