import { strict as assert } from "node:assert";
import * as path from "node:path";
import YAML from "yaml";
import { readLog } from "../../../stacks/automation/records/deployment-log";
import { PromotionRecord } from "../../../stacks/automation/records/promotion-record";
import { changesOtherThanSame } from "../../helpers/engine";
import { KubeStack, KubernetesFixture, kubernetesFixture } from "../../helpers/kubernetes-fixture";

// A rolling release batch by batch on Kubernetes, against a real API server: the backend rolls
// on 3 replicas, one at a time (maxSurge 1, maxUnavailable 0), so a release is two batches on
// Deployment backend-next and a last one that rolls Deployment backend itself. Each batch's
// weights are read back from the HTTPRoute the API server stored, its health from the pods'
// readiness. Each test works from whatever the stacks run when it starts, so any one runs alone.
describe("a rolling release batch by batch on Kubernetes (real API server, real engine)", function () {
    this.timeout(900_000);
    let fx: KubernetesFixture;

    before(async function () {
        this.timeout(600_000);
        fx = await kubernetesFixture({
            service: (_stack, name, spec) =>
                name !== "backend" ? spec : { ...spec, replicas: 3, release: { strategy: "rolling", current: "1.0.0", maxSurge: 1, maxUnavailable: 0, analysis: spec.release.analysis } },
        });
    });

    after(async function () {
        this.timeout(300_000);
        await fx?.cleanup();
    });

    const lastRecord = (): PromotionRecord => readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl")).records.at(-1)!;
    const release = (stack: KubeStack) => (YAML.parse(fx.stackFile(stack)) as { config: Record<string, any> }).config["shipgate:services"].backend.release;
    const deployments = async (stack: KubeStack) => {
        const list = (await fx.objects.list("apps/v1", "Deployment", fx.namespace(stack))).items as { metadata: { name: string }; spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }[];
        return Object.fromEntries(list.filter((d) => d.metadata.name.startsWith("backend")).map((d) => [d.metadata.name, `${d.spec.replicas} × ${d.spec.template.spec.containers[0].image.split(":").pop()}`]));
    };

    it("rolls each stage a replica at a time, each batch read back from the HTTPRoute and verified, to every replica on the release", async () => {
        const version = release("production").current === "2.0.0" ? "2.0.1" : "2.0.0";
        let during: Record<string, string> | undefined;
        const run = await fx.shipgate(["promote", version, "--service", "backend", "--approver", "alice"], (line) => {
            // What the cluster holds while production's second batch is analysed.
            if (!during && /^production\/backend step 2\/3/.test(line)) during = {};
            else if (during && !Object.keys(during).length && /analysing/.test(line)) void deployments("production").then((d) => (during = d));
        });
        assert.equal(run.code, 0, run.output);
        const record = lastRecord();
        for (const stage of ["staging", "production"] as const) {
            const steps = record.steps.filter((s) => s.stage === stage && s.service === "backend");
            assert.deepEqual(steps.map((s) => s.kind), ["rolling-batch", "rolling-batch", "rolling-update"], stage);
            assert.deepEqual(steps.map((s) => s.traffic), [{ current: 67, next: 33 }, { current: 33, next: 67 }, { current: 100 }]);
            for (const s of steps) {
                assert.equal(s.readBackUnsupported, undefined, `${stage} step ${s.index} was read back`);
                assert.equal(s.router, `HTTPRoute ${fx.namespace(stage)}/backend`);
                assert.deepEqual(s.routerWeights, s.traffic, `${stage} step ${s.index}: the API server holds the batch's split`);
                assert.equal(s.verification?.outcome, "pass", `${stage} step ${s.index}: ${s.verification?.reason}`);
            }
            assert.deepEqual(await deployments(stage), { backend: `3 × ${version}` }, `${stage}: every replica on ${version}, backend-next gone`);
            assert.deepEqual(await fx.routeWeights(stage, "backend"), { backend: 100 });
            assert.equal(release(stage).current, version);
            assert.equal(release(stage).next, undefined);
            const preview = await fx.stacks[stage].preview({ color: "never" });
            assert.deepEqual(changesOtherThanSame(preview.changeSummary), {}, `${stage}: a preview after the promotion changes nothing: ${JSON.stringify(preview.changeSummary)}`);
        }
        await waitFor(() => during !== undefined && Object.keys(during).length > 0);
        assert.equal(during!["backend-next"], `2 × ${version}`, JSON.stringify(during));
        assert.match(during!.backend, /^1 × /, JSON.stringify(during));
    });

    it("rolls a batch whose pods turn not-ready back on its own, traffic first, to exactly the last good release", async () => {
        const before = fx.stackFile("production");
        const good = release("production").current as string;
        let broken: Promise<number> | undefined;
        let atFirstStep = false;
        const run = await fx.shipgate(["promote", "3.0.0", "--service", "backend", "--approver", "alice"], (line) => {
            if (/^production\/backend step 1\/3/.test(line)) atFirstStep = true;
            else if (atFirstStep && !broken && /analysing/.test(line)) broken = fx.breakPods("production", "backend-next");
        });
        assert.ok(broken && (await broken) > 0, "the batch's pods were broken");
        assert.equal(run.code, 1, run.output);
        assert.match(run.flat, /ROLLED-BACK: backend step 1 \(batch 1\/3: 3\.0\.0 on 1 of 3 replicas.*consecutive RED/);
        const record = lastRecord();
        assert.equal(record.rollback?.result, "succeeded");
        assert.equal(record.rollback?.trafficPath, "router", record.rollback?.slowPath);
        assert.deepEqual(record.rollback?.directRoute?.map((d) => [d.outcome, d.weights]), [["routed", { current: 100, next: 0 }]]);
        assert.equal(fx.stackFile("production"), before, "the stack file is the last good release again, byte for byte");
        assert.deepEqual(await deployments("production"), { backend: `3 × ${good}` });
        assert.deepEqual(await fx.routeWeights("production", "backend"), { backend: 100 });
        const preview = await fx.stacks.production.preview({ color: "never" });
        assert.deepEqual(changesOtherThanSame(preview.changeSummary), {}, JSON.stringify(preview.changeSummary));
    });
});

async function waitFor(done: () => boolean): Promise<void> {
    for (let i = 0; i < 50 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
}
