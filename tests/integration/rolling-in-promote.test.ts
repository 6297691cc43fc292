import { strict as assert } from "node:assert";
import * as path from "node:path";
import { readLog } from "../../stacks/automation/records/deployment-log";
import { PromotionRecord } from "../../stacks/automation/records/promotion-record";
import { parseStackOutputs } from "../../stacks/automation/stack-outputs";
import { Traffic } from "../../stacks/demo/traffic";
import { PromotionFixture, promotionFixture, usersOf } from "../helpers/promotion-fixture";
import { shipgateProcesses } from "../helpers/processes";
import { widerThan120 } from "../helpers/shipgate-cli";

// A rolling release batch by batch, through the real CLI, engine, processes, HAProxy and
// Prometheus: the backend rolls in both stacks on 3 replicas, one at a time (maxSurge 1,
// maxUnavailable 0), so each release takes two batches on the next track and a last one that
// moves the current track. Each test reads the live version first, so either runs alone.
describe("a rolling release, batch by batch, through shipgate promote", function () {
    this.timeout(600_000);
    let fx: PromotionFixture;
    let users: Traffic[];

    const lastRecord = (): PromotionRecord => readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl")).records.at(-1)!;
    const backendOf = async (stack: "staging" | "production") => parseStackOutputs((await fx.stacks[stack].outputs()) as never).services.backend;
    const releaseBlock = (stack: "staging" | "production") => /backend:[\s\S]*?release:\n([\s\S]*?)\n {4}\w/.exec(fx.stackFile(stack))![1];

    before(async function () {
        this.timeout(300_000);
        fx = await promotionFixture(20500, {}, {
            service: (_stack, name, spec) =>
                name !== "backend"
                    ? spec
                    : {
                          ...spec,
                          replicas: 3,
                          release: { strategy: "rolling", current: "1.0.0", maxSurge: 1, maxUnavailable: 0, bakeSeconds: 6, analysis: spec.release.analysis },
                      },
        });
        users = usersOf(fx);
    });

    after(async function () {
        this.timeout(300_000);
        await Promise.all((users ?? []).map((u) => u.stop()));
        await fx?.cleanup();
    });

    it("verifies each batch beside the current track before the next, and ends with every replica on the release", async () => {
        const version = (await backendOf("production")).version === "2.0.0" ? "2.0.1" : "2.0.0";
        const run = await fx.shipgate(["promote", version, "--service", "backend", "--approver", "alice"]);
        assert.equal(run.code, 0, run.output);
        assert.deepEqual(widerThan120(run.output), [], "every line fits 120 columns");
        assert.match(run.flat, new RegExp(`batch 1/3: ${version.replace(/\./g, "\\.")} on 1 of 3 replicas \\(33% of traffic`));

        const record = lastRecord();
        assert.equal(record.result, "succeeded");
        for (const stage of ["staging", "production"]) {
            const steps = record.steps.filter((s) => s.stage === stage && s.service === "backend");
            assert.deepEqual(steps.map((s) => s.kind), ["rolling-batch", "rolling-batch", "rolling-update"], stage);
            // What the router held after each up, read back from HAProxy: the batch's share of the replicas.
            assert.deepEqual(steps.map((s) => s.traffic), [{ current: 67, next: 33 }, { current: 33, next: 67 }, { current: 100 }]);
            assert.deepEqual(steps.map((s) => s.routerWeights), [{ current: 67, next: 33 }, { current: 33, next: 67 }, { current: 100, next: 0 }]);
            // Each batch analysed against the current track in the same window, with real requests.
            for (const s of steps) {
                assert.equal(s.verification?.kind, "analysis", `${stage} step ${s.index}`);
                assert.equal(s.verification?.outcome, "pass", `${stage} step ${s.index}: ${s.verification?.reason}`);
                assert.ok((s.verification?.measurements ?? 0) >= 1, `${stage} step ${s.index} measured`);
            }
        }

        // Every replica on the release, the next track gone, and the file says so and nothing more.
        for (const stack of ["staging", "production"] as const) {
            const backend = await backendOf(stack);
            assert.equal(backend.version, version);
            assert.deepEqual(Object.keys(backend.tracks), ["current"], `${stack}: the next track is gone`);
            assert.deepEqual(await fx.routerWeights(stack, "backend"), { current: 100, next: 0 });
            assert.deepEqual(shipgateProcesses(fx.markers(stack)).map((p) => p.marker.slice(fx.markers(stack).length)).filter((m) => m.startsWith("/backend/")), ["/backend/current"]);
            assert.match(releaseBlock(stack), new RegExp(`current: ${version.replace(/\./g, "\\.")}`));
            assert.doesNotMatch(releaseBlock(stack), /next:|weight:/, "a finished rolling release reads as written");
            // The three ways agree: the stack file, the stack and the router, so a plain up changes nothing.
            const preview = await fx.stacks[stack].preview({ color: "never" });
            assert.deepEqual(Object.keys(preview.changeSummary), ["same"], `${stack}: ${JSON.stringify(preview.changeSummary)}`);
        }
    });

    it("rolls a batch that fails its analysis back, traffic first, to exactly the last good release", async () => {
        const good = (await backendOf("production")).version;
        const before = fx.stackFile("production");
        const bad = "2.9.0";
        fx.setFaults({ [bad]: { errorRate: 0.3 } }, ["production"]);
        let run;
        try {
            run = await fx.shipgate(["promote", bad, "--service", "backend", "--approver", "alice"]);
        } finally {
            fx.setFaults({});
        }
        assert.equal(run.code, 1, run.output);
        assert.match(run.flat, /ROLLED-BACK: backend step 1 \(batch 1\/3: 2\.9\.0 on 1 of 3 replicas/);
        const record = lastRecord();
        assert.equal(record.result, "rolled-back");
        const failed = record.steps.find((s) => s.stage === "production" && s.result === "failed")!;
        assert.match(failed.verification?.reason ?? "", /error rate/);

        // Traffic first: the router put every request back on the current track, which still
        // runs the last good version, before any up; then the up removed the next track.
        assert.equal(record.rollback!.trafficPath, "router", record.rollback!.slowPath);
        assert.deepEqual(record.rollback!.directRoute?.map((d) => [d.service, d.outcome, d.weights]), [["backend", "routed", { current: 100, next: 0 }]]);
        assert.ok(Date.parse(record.rollback!.trafficRestoredAt!) <= Date.parse(record.rollback!.steps[0].startedAt), "traffic moved before the first restore up");

        assert.equal(fx.stackFile("production"), before, "the stack file is byte for byte the last good release");
        const backend = await backendOf("production");
        assert.equal(backend.version, good);
        assert.deepEqual(Object.keys(backend.tracks), ["current"]);
        assert.deepEqual(await fx.routerWeights("production", "backend"), { current: 100, next: 0 });
        const preview = await fx.stacks.production.preview({ color: "never" });
        assert.deepEqual(Object.keys(preview.changeSummary), ["same"], JSON.stringify(preview.changeSummary));
    });
});
