// Benchmark: what Kubernetes costs a promotion here. How long the local control plane takes to
// start (`cluster.sh up`: etcd, kube-apiserver, controller-manager, scheduler, kwok, the Gateway
// API CRDs and a Gateway), and what a canary step's `up` costs through the real provider plugin
// against a real API server, beside a bare `pulumi up` of the same change in the same run.
// Medians of several runs; each figure comes with its baseline from the same runs.
//
//   ./dev.sh run npm run bench:kubernetes          (BENCH_RUNS=3 by default)
import * as path from "node:path";
import { ReleaseState } from "../components/release";
import { readLog } from "../stacks/automation/records/deployment-log";
import { kubernetesFixture } from "../tests/helpers/kubernetes-fixture";
import { startCluster } from "../tests/helpers/kube-cluster";
import { BareStack, bareUp, releaseOf } from "./lib/bare-up";
import { Figure, figureHeader } from "./lib/figure";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function main(): Promise<void> {
    const start = new Figure("cluster up (control plane, CRDs, Gateway)", "bare no-op up of production");
    const firstStep = new Figure("canary step 1 up (canary Deployment, 25%)", "bare up of the same");
    const weightStep = new Figure("canary weight step up (25 → 50%)", "bare up of the same");
    const noop = new Figure("bare no-op up of production", "itself");

    const starts: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        const began = Date.now();
        const cluster = await startCluster();
        starts.push(Date.now() - began);
        await cluster.stop();
    }

    const fx = await kubernetesFixture();
    Object.assign(process.env, fx.project.env);
    const production: BareStack = { dir: fx.project.dir, env: fx.project.env, name: "production" };
    try {
        for (let i = 0; i < RUNS; i++) {
            const bareNoop = await bareUp(production, "backend", undefined);
            noop.add(bareNoop, bareNoop);
            start.add(starts[i], bareNoop);
            const settled = releaseOf(production, "backend");
            const canaryAt = (weight: number) => ({ ...settled, canary: { version: `2.${i}.9` }, weight }) as ReleaseState;
            const bareFirst = await bareUp(production, "backend", canaryAt(25));
            const bareWeight = await bareUp(production, "backend", canaryAt(50));
            await bareUp(production, "backend", settled);

            const run = await fx.shipgate(["promote", `2.${i}.0`, "--service", "backend", "--approver", "alice"]);
            if (run.code !== 0) throw new Error(`promotion failed:\n${run.output}`);
            const record = readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl")).records.at(-1)!;
            for (const step of record.steps.filter((s) => s.stage === "production" && s.result === "succeeded")) {
                if (step.kind === "canary-weight" && step.index === 1) firstStep.add(step.engineMs, bareFirst);
                if (step.kind === "canary-weight" && step.index === 2) weightStep.add(step.engineMs, bareWeight);
            }
        }
    } finally {
        await fx.cleanup();
    }

    console.log(`Kubernetes: medians over ${RUNS} runs, each figure against a baseline from the same runs`);
    console.log(figureHeader());
    for (const f of [start, firstStep, weightStep, noop]) console.log(f.row());
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
