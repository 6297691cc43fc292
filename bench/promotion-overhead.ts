// Benchmark: how fast traffic comes back on the last good release after a failed check, and
// what each step's `up` costs, against a bare `pulumi up` of the same change measured in the
// same run. Real engine, real processes on the local platform (HAProxy, Prometheus, the shop),
// the real CLI, under generated traffic; medians of several runs (these machines are shared and
// noisy, so every figure also comes as a ratio to its baseline from the same run).
//
//   ./dev.sh run npm run bench:promotion          (BENCH_RUNS=5 by default)
import * as path from "node:path";
import { ReleaseState, otherColor } from "../components/release";
import { Project } from "../stacks/automation/project";
import { readLog } from "../stacks/automation/records/deployment-log";
import { PromotionRecord } from "../stacks/automation/records/promotion-record";
import { EngineStackDriver } from "../stacks/automation/stack-driver";
import { Traffic } from "../stacks/demo/traffic";
import { promotionFixture } from "../tests/helpers/promotion-fixture";
import { BareStack, bareUp, releaseOf } from "./lib/bare-up";
import { ServedTimeline } from "./lib/served-timeline";
import { Figure, figureHeader } from "./lib/figure";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function main(): Promise<void> {
    const fx = await promotionFixture(29000);
    Object.assign(process.env, fx.project.env);
    const project = await Project.open(fx.project.dir);
    const prod = await EngineStackDriver.open(project, "production");
    const bare = (name: string): BareStack => ({ dir: fx.project.dir, env: fx.project.env, name });
    const production = bare("production");
    const staging = bare("staging");
    const load = [
        new Traffic([`${fx.endpoint("production", "backend")}/api/items`], { ratePerSecond: 60, maxSeconds: 7200 }).start(),
        new Traffic([`${fx.endpoint("staging", "backend")}/api/items`], { ratePerSecond: 10, maxSeconds: 7200 }).start(),
    ];
    const last = (): PromotionRecord => {
        const log = readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl")).records;
        return log[log.length - 1];
    };

    const restoredRouter = new Figure("failed check → stable 100%, router read-back", "bare up of the restore", "≤ 1 s");
    const restoredServed = new Figure("failed check → canary's last request served", "bare up of the restore", "≤ 1 s");
    const firstStep = new Figure("canary step 1 up (canary started, 25%)", "bare up of the same");
    const weightStep = new Figure("canary weight step up (25 → 50%)", "bare up of the same", "≤ 3 s");
    const noop = new Figure("no-op up (shipgate's step driver)", "bare no-op up");
    const noopSources = new Figure("bare no-op up from the TypeScript sources", "bare no-op up (compiled)");
    const bgSwitch = new Figure("blue-green switch up", "bare up of the same");
    const promotion = new Figure("whole good promotion, both stacks (CLI)", "bare no-op up");
    const paths: string[] = [];

    try {
        for (let i = 0; i < RUNS; i++) {
            // Baselines: bare ups of the same changes, and shipgate's own no-op step.
            const bareNoop = await bareUp(production, "backend", undefined);
            noopSources.add(await bareUp(production, "backend", undefined, { SHIPGATE_PROGRAM: "source" }), bareNoop);
            noop.add((await prod.apply("backend", prod.release("backend"))).engineMs, bareNoop);
            const settled = releaseOf(production, "backend");
            const canaryAt = (weight: number) => ({ ...settled, canary: { version: `2.${i}.9` }, weight }) as ReleaseState;
            const bareFirst = await bareUp(production, "backend", canaryAt(25));
            const bareWeight = await bareUp(production, "backend", canaryAt(50));
            const bareRestore = await bareUp(production, "backend", canaryAt(0));
            await bareUp(production, "backend", settled);
            const bg = releaseOf(staging, "backend");
            if (bg.strategy !== "blueGreen") throw new Error("staging's backend is not blue-green");
            const idle = otherColor(bg.active);
            await bareUp(staging, "backend", { ...bg, [idle]: { version: `2.${i}.8` }, idleScaledDown: false } as ReleaseState);
            const bareSwitch = await bareUp(staging, "backend", { ...bg, [idle]: { version: `2.${i}.8` }, idleScaledDown: false, active: idle } as ReleaseState);
            await bareUp(staging, "backend", bg);

            // A good release through both stacks...
            const good = await fx.shipgate(["promote", `2.${i}.0`, "--service", "backend", "--approver", "bench"]);
            if (good.code !== 0) throw new Error(`promotion failed:\n${good.output}`);
            promotion.add(good.ms, bareNoop);
            const record = last();
            for (const step of record.steps.filter((s) => s.result === "succeeded")) {
                if (step.kind === "canary-weight" && step.index === 1) firstStep.add(step.engineMs, bareFirst);
                if (step.kind === "canary-weight" && step.index === 2) weightStep.add(step.engineMs, bareWeight);
                if (step.kind === "bluegreen-switch") bgSwitch.add(step.engineMs, bareSwitch);
            }

            // ...and a bad one, rolled back at its first canary step, the canary's counter watched.
            fx.setFaults({ [`9.${i}.0`]: { errorRate: 0.5 } }, ["production"]);
            let atStep = false;
            let watching: Promise<ServedTimeline | undefined> | undefined;
            const bad = await fx.shipgate(["promote", `9.${i}.0`, "--service", "backend", "--approver", "bench"], (line) => {
                if (/^production\/backend step 1\//.test(line)) atStep = true;
                else if (atStep && !watching && /applied in/.test(line)) {
                    watching = fx.stacks.production
                        .outputs()
                        .then((o) => o.services.value.backend.tracks.canary?.endpoint as string | undefined)
                        .then((endpoint) => (endpoint ? new ServedTimeline(endpoint, "/api/items").start() : undefined));
                }
            });
            fx.setFaults({});
            const timeline = await watching;
            await timeline?.stop();
            if (bad.code !== 1) throw new Error(`the bad release was not rolled back:\n${bad.output}`);
            const rb = last().rollback;
            if (!rb?.failedAt || !rb.trafficRestoredAt) throw new Error("the rollback recorded no failed check or restore time");
            const failedAt = Date.parse(rb.failedAt);
            restoredRouter.add(Date.parse(rb.trafficRestoredAt) - failedAt, bareRestore);
            const served = timeline?.lastRequestAt();
            restoredServed.add(served === undefined ? undefined : Math.max(0, served - failedAt), bareRestore);
            paths.push((rb as { trafficPath?: string }).trafficPath ?? "up");
        }
    } finally {
        await Promise.all(load.map((l) => l.stop()));
        await fx.cleanup();
    }

    console.log(`promotion overhead: medians over ${RUNS} runs, each figure against a baseline from the same runs`);
    console.log(figureHeader());
    for (const f of [restoredRouter, restoredServed, firstStep, weightStep, noop, noopSources, bgSwitch, promotion]) console.log(f.row());
    console.log(`how traffic came back in the ${paths.length} rollbacks: ${paths.join(", ")}`);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
