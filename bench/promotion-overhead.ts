// Benchmark: what the release engine adds on top of the engine's own `up`, per step, and how
// long a rollback takes from the failed check to traffic back on stable. Real engine, real
// processes on the local platform, the real CLI, under generated traffic; medians of several runs
// (these machines are shared and noisy).
//
//   ./dev.sh run node -r ts-node/register/transpile-only bench/promotion-overhead.ts   (or npm run bench:promotion)
import * as path from "node:path";
import { readLog } from "../stacks/automation/records/deployment-log";
import { PromotionRecord } from "../stacks/automation/records/promotion-record";
import { Traffic } from "../stacks/demo/traffic";
import { promotionFixture } from "../tests/helpers/promotion-fixture";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    if (!s.length) return NaN;
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
    const fx = await promotionFixture(29000);
    const load = new Traffic(
        (["staging", "production"] as const).flatMap((s) => [`${fx.endpoint(s, "backend")}/api/items`]),
        { ratePerSecond: 30, maxSeconds: 3600 },
    ).start();
    const records: PromotionRecord[] = [];
    const cli: number[] = [];
    const last = () => {
        const log = readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl")).records;
        return log[log.length - 1];
    };
    try {
        for (let i = 0; i < RUNS; i++) {
            // A good release of the backend (blue-green in staging, canary in production)...
            const good = await fx.shipgate(["promote", `2.${i}.0`, "--service", "backend", "--approver", "bench"]);
            if (good.code !== 0) throw new Error(`promotion failed:\n${good.output}`);
            cli.push(good.ms);
            records.push(last());
            // ...and a bad one, rolled back at the first canary step.
            fx.setFaults({ [`9.${i}.0`]: { errorRate: 0.5 } }, ["production"]);
            const bad = await fx.shipgate(["promote", `9.${i}.0`, "--service", "backend", "--approver", "bench"]);
            fx.setFaults({});
            if (bad.code !== 1) throw new Error(`the bad release was not rolled back:\n${bad.output}`);
            records.push(last());
        }
    } finally {
        await load.stop();
        await fx.cleanup();
    }

    // Per step: its wall time less the engine's up, the verification (bake) and the protocol's
    // own wait (a scale-down delay) = what shipgate adds.
    const byKind = new Map<string, { engine: number[]; overhead: number[]; verify: number[] }>();
    for (const record of records) {
        for (const step of record.steps.filter((s) => s.result === "succeeded")) {
            const wall = Date.parse(step.finishedAt!) - Date.parse(step.startedAt);
            const verify = step.verification?.durationMs ?? 0;
            const engine = step.engineMs ?? 0;
            const entry = byKind.get(step.kind) ?? { engine: [], overhead: [], verify: [] };
            entry.engine.push(engine);
            entry.verify.push(verify);
            entry.overhead.push(wall - engine - verify - (step.waitMs ?? 0));
            byKind.set(step.kind, entry);
        }
    }
    console.log(`release engine overhead, medians over ${RUNS} good and ${RUNS} bad promotions of one service (staging blue-green, production canary)`);
    console.log("step kind              steps   engine up   verify/bake   shipgate adds   adds/up");
    for (const [kind, e] of byKind) {
        const up = median(e.engine);
        const adds = median(e.overhead);
        console.log(
            `${kind.padEnd(22)} ${String(e.engine.length).padStart(5)} ${fmt(up).padStart(11)} ${fmt(median(e.verify)).padStart(13)} ${fmt(adds).padStart(15)} ${(adds / up).toFixed(2).padStart(9)}`,
        );
    }
    const rollbacks = records.filter((r) => r.rollback?.trafficRestoredAt && r.rollback.failedAt);
    const restored = rollbacks.map((r) => Date.parse(r.rollback!.trafficRestoredAt!) - Date.parse(r.rollback!.failedAt!));
    const done = rollbacks.map((r) => Date.parse(r.rollback!.finishedAt!) - Date.parse(r.rollback!.failedAt!));
    console.log(`rollback: failed check → traffic back on stable, median ${fmt(median(restored))} (runs: ${restored.map(fmt).join(", ")})`);
    console.log(`rollback: failed check → rollback finished (clean-up, health GREEN), median ${fmt(median(done))}`);
    console.log(`a whole good promotion (CLI start to exit), median ${fmt(median(cli))}`);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
