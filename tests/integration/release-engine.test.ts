import { strict as assert } from "node:assert";
import * as path from "node:path";
import { readLog } from "../../stacks/automation/records/deployment-log";
import { PromotionRecord } from "../../stacks/automation/records/promotion-record";
import { parseStackOutputs } from "../../stacks/automation/stack-outputs";
import { Traffic, between } from "../../stacks/demo/traffic";
import { changesOtherThanSame } from "../helpers/engine";
import { PromotionFixture, promotionFixture } from "../helpers/promotion-fixture";
import { listeningPorts, shipgateProcesses } from "../helpers/processes";
import { requestsServed } from "../helpers/served-requests";
import { ShipgateRun, widerThan120 } from "../helpers/shipgate-cli";

// `shipgate promote` and `shipgate rollback` as CI runs them: the real CLI, the real engine on
// a temporary file backend, real processes behind HAProxy, a real Prometheus, real traffic.
describe("the release engine and the local platform, end to end", function () {
    this.timeout(600_000);
    let fx: PromotionFixture;
    let stagingLoad: Traffic;
    let productionLoad: Traffic;

    const lastRecord = (): PromotionRecord => {
        const log = readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl"));
        return log.records[log.records.length - 1];
    };
    const outputs = async (stack: "staging" | "production") => parseStackOutputs((await fx.stacks[stack].outputs()) as never);
    const stepsOf = (record: PromotionRecord, stage: string, service: string) => record.steps.filter((s) => s.stage === stage && s.service === service);

    before(async function () {
        this.timeout(300_000);
        fx = await promotionFixture(27000);
        // Users' traffic on every service of both stacks, so each step's analysis has requests to judge.
        const load = (stack: "staging" | "production") =>
            new Traffic([`${fx.endpoint(stack, "backend")}/api/items`, `${fx.endpoint(stack, "frontend")}/`], { ratePerSecond: 20, maxSeconds: 1800 }).start();
        stagingLoad = load("staging");
        productionLoad = load("production");
    });

    after(async function () {
        this.timeout(300_000);
        await stagingLoad?.stop();
        await productionLoad?.stop();
        await fx?.cleanup();
    });

    it("promotes 2.0.0 through staging (blue-green) and production (canary 25 → 50 → 100), recording every step", async () => {
        // At each production backend step: HAProxy's own stats, and how many real requests each
        // track served during the analysis, counted by the processes themselves.
        const seen: { step: number; router: Record<string, number>; canary: number; stable: number; routerStats: string }[] = [];
        const measuring: Promise<void>[] = [];
        let step = 0;
        let window: Promise<{ step: number; endpoints: Record<string, string>; start: Record<string, number>; router: Record<string, number> }> | undefined;
        const servedByTrack = async (endpoints: Record<string, string>) =>
            Object.fromEntries(await Promise.all(Object.entries(endpoints).map(async ([track, url]) => [track, await requestsServed(url, "/api/items")] as const)));
        const stagingBefore = stagingLoad.snapshot();
        const run = await fx.shipgate(["promote", "2.0.0", "--approver", "alice", "--commit", "abc1234"], (line) => {
            const m = /^production\/backend step (\d)\/5/.exec(line);
            if (m) step = Number(m[1]);
            else if (/^production\//.test(line)) step = 0;
            if (step && /analysing canary/.test(line)) {
                const at = step;
                window = (async () => {
                    const tracks = (await outputs("production")).services.backend.tracks;
                    const endpoints = Object.fromEntries(Object.entries(tracks).map(([track, t]) => [track, t.endpoint]));
                    const [start, router] = await Promise.all([servedByTrack(endpoints), fx.routerWeights("production", "backend")]);
                    return { step: at, endpoints, start, router };
                })();
            }
            if (step && window && /^  ✔ passed/.test(line)) {
                measuring.push(
                    window.then(async ({ step, endpoints, start, router }) => {
                        const [end, stats] = await Promise.all([servedByTrack(endpoints), fx.routerStats("production", "backend")]);
                        // What HAProxy saw, to explain a share off its weight (a server down, retries, redispatches).
                        const routerStats = Object.entries(stats)
                            .map(([server, r]) => `${server} ${r.status} weight ${r.weight} sessions ${r.stot} check failures ${r.chkfail} downs ${r.chkdown} down ${r.downtime} s, last check ${r.check_status} ${r.check_duration} ms, retries ${r.wretr} redispatches ${r.wredis}`)
                            .join("; ");
                        seen.push({ step, router, canary: end.canary - start.canary, stable: end.stable - start.stable, routerStats });
                    }),
                );
                window = undefined;
            }
        });
        await Promise.all(measuring);
        seen.sort((a, b) => a.step - b.step);
        const stagingDuring = between(stagingBefore, stagingLoad.snapshot());
        assert.equal(run.code, 0, run.output);
        assert.deepEqual(widerThan120(run.output), [], "every line of a whole promotion fits 120 columns");
        assert.deepEqual(seen.map((s) => s.router), [{ stable: 75, canary: 25 }, { stable: 50, canary: 50 }, { stable: 0, canary: 100 }], "HAProxy's stats page reads back each step's weights");
        for (const [i, weight] of [25, 50, 100].entries()) {
            const share = (100 * seen[i].canary) / (seen[i].canary + seen[i].stable);
            console.log(`      ${weight}% step: the canary served ${share.toFixed(1)}% of the ${seen[i].canary + seen[i].stable} requests the backend served`);
            assert.ok(Math.abs(share - weight) <= 10, `at the ${weight}% step the canary served ${share.toFixed(1)}% (tolerance ±10 points); HAProxy: ${seen[i].routerStats}`);
        }
        assert.ok(stagingDuring.sent > 500);
        assert.equal(stagingDuring.failed, 0, `blue-green switches under load dropped requests: ${JSON.stringify(stagingDuring.byStatus)}`);
        const record = lastRecord();
        assert.equal(record.result, "succeeded");
        assert.deepEqual(record.approvers, ["alice"]);

        const backend = stepsOf(record, "production", "backend");
        assert.deepEqual(backend.map((s) => s.kind), ["canary-weight", "canary-weight", "canary-weight", "canary-promote", "canary-finalize"]);
        assert.deepEqual(backend.map((s) => s.traffic.canary), [25, 50, 100, 100, 0]);
        for (const step of backend) {
            assert.deepEqual(step.routerWeights, step.traffic, `HAProxy reads back the weights of step ${step.index}`);
            assert.equal(step.result, "succeeded");
        }
        for (const step of backend.filter((s) => s.kind === "canary-weight")) {
            assert.equal(step.verification?.outcome, "pass", JSON.stringify(step.verification));
            assert.ok((step.verification?.candidate?.requests ?? 0) >= 10, `step ${step.index} judged real canary traffic`);
        }

        // Blue-green: switch, then the old color scaled down only after its delay.
        const staging = stepsOf(record, "staging", "backend");
        assert.deepEqual(staging.map((s) => s.kind), ["bluegreen-deploy", "bluegreen-switch", "bluegreen-scale-down"]);
        const switched = Date.parse(staging[1].finishedAt!);
        const scaled = Date.parse(staging[2].startedAt);
        assert.ok(Date.parse(staging[2].finishedAt!) - switched >= 4_000, "the old color stays up for scaleDownDelaySeconds");
        assert.ok(scaled >= switched);
        assert.ok(!shipgateProcesses(fx.markers("staging")).some((p) => p.marker.endsWith("/backend/blue")), "blue is scaled down");

        assert.match(fx.stackFile("production"), /stable: 2\.0\.0/);
        assert.doesNotMatch(fx.stackFile("production"), /canary: |weight: /);
        const prod = await outputs("production");
        assert.equal(prod.services.backend.version, "2.0.0");
        assert.deepEqual(Object.keys(prod.services.backend.tracks), ["stable"]);
    });

    it("rolls back a release with a 20% error rate on its own, and restores traffic quickly", async () => {
        const before = fx.stackFile("production");
        fx.setFaults({ "2.1.0": { errorRate: 0.2 } }, ["production"]);
        const run = await fx.shipgate(["promote", "2.1.0", "--service", "backend", "--approver", "alice"]);
        fx.setFaults({});
        assert.equal(run.code, 1, run.output);
        assert.match(run.flat, /ROLLED-BACK: backend step 1 \(send 25% of traffic to 2\.1\.0/);
        const record = lastRecord();
        const restoredMs = Date.parse(record.rollback!.trafficRestoredAt!) - Date.parse(record.rollback!.failedAt!);
        console.log(`      first failing check → traffic fully back on stable: ${(restoredMs / 1000).toFixed(1)} s`);
        assert.ok(restoredMs < 60_000, `traffic back on stable within 60 s of the failed check (took ${restoredMs} ms)`);
        // Traffic first: HAProxy was set through its runtime API and read back before the restore up.
        assert.equal(record.rollback!.trafficPath, "router", record.rollback!.slowPath);
        assert.deepEqual(
            record.rollback!.directRoute?.map((d) => [d.service, d.outcome, d.router, d.weights]),
            [["backend", "routed", "haproxy be_backend", { stable: 100, canary: 0 }]],
        );
        assert.ok(Date.parse(record.rollback!.trafficRestoredAt!) <= Date.parse(record.rollback!.steps[0].startedAt), "traffic moved before the first restore up");
        assert.match(run.flat, /traffic back on the last good release .* after the failed check, set at the router/);
        assert.equal(fx.stackFile("production"), before);
        assert.deepEqual(await fx.routerWeights("production", "backend"), { stable: 100, canary: 0 });
        const preview = await fx.stacks.production.preview({ color: "never" });
        assert.deepEqual(changesOtherThanSame(preview.changeSummary), {}, `after the rollback a preview changes nothing: ${JSON.stringify(preview.changeSummary)}`);
    });

    it("rolls back a release whose error rate rises at the 50% step, leaving production exactly as it was", async () => {
        const before = fx.stackFile("production");
        const live = (await outputs("production")).services.backend.version;
        fx.setFaults({});
        let turnedBad = 0;
        const run = await fx.shipgate(["promote", "3.0.0", "--service", "backend", "--approver", "alice"], (line) => {
            if (!turnedBad && /^production\/backend step 2\/5/.test(line)) {
                turnedBad = Date.now();
                fx.setFaults({ "3.0.0": { errorRate: 0.3 } }, ["production"]);
            }
        });
        fx.setFaults({});
        assert.ok(turnedBad, "the promotion reached the 50% step");
        assert.equal(run.code, 1, run.output);
        assert.match(run.flat, /ROLLED-BACK: backend step 2 \(send 50% of traffic to 3\.0\.0/);
        // The default judge is the sequential one: its evidence crossed the bound.
        assert.match(run.flat, /error rate .*e = [\d,.e]+ ≥ 300 \(3\/α\)/);
        const record = lastRecord();
        assert.equal(record.result, "rolled-back");
        assert.equal(record.rollback?.result, "succeeded");
        assert.equal(fx.stackFile("production"), before, "the stack file is back to the last good release, byte for byte");
        const prod = await outputs("production");
        assert.equal(prod.services.backend.version, live);
        assert.deepEqual(await fx.routerWeights("production", "backend"), { stable: 100, canary: 0 });
        const restoredMs = Date.parse(record.rollback!.trafficRestoredAt!) - Date.parse(record.rollback!.failedAt!);
        console.log(`      failed check → traffic back on stable: ${(restoredMs / 1000).toFixed(1)} s`);
        assert.ok(restoredMs < 60_000, `traffic restored within a minute of the failed check (took ${restoredMs} ms)`);
    });

    it("refuses a production promotion without an approver, and changes nothing", async () => {
        const files = [fx.stackFile("staging"), fx.stackFile("production")];
        const updates = (await fx.stacks.production.history()).length;
        const run = await fx.shipgate(["promote", "4.0.0"]);
        assert.equal(run.code, 3, run.output);
        assert.match(run.flat, /production needs 1 named approver\(s\), got 0: pass --approver/);
        assert.deepEqual([fx.stackFile("staging"), fx.stackFile("production")], files);
        assert.equal((await fx.stacks.production.history()).length, updates, "no update ran");
        assert.equal(lastRecord().result, "refused");
    });

    it("refuses bad input with a distinct exit code, and changes nothing", async () => {
        const files = [fx.stackFile("staging"), fx.stackFile("production")];
        const badVersion = await fx.shipgate(["promote", "4.0 beta", "--approver", "alice"]);
        assert.equal(badVersion.code, 2, badVersion.output);
        assert.match(badVersion.flat, /version: version must be/);
        const badService = await fx.shipgate(["promote", "4.0.0", "--service", "cart", "--approver", "alice"]);
        assert.equal(badService.code, 2, badService.output);
        assert.match(badService.flat, /no service "cart" in stack staging: use one of backend, frontend/);
        const usage = await fx.shipgate(["promote"]);
        assert.equal(usage.code, 2);
        assert.deepEqual([fx.stackFile("staging"), fx.stackFile("production")], files);
    });

    it("rolls back a promotion interrupted with SIGINT", async () => {
        const before = fx.stackFile("staging");
        const live = (await outputs("staging")).services.backend.version;
        let interrupted = false;
        const run = await fx.shipgate(["promote", "4.0.0", "--service", "backend", "--approver", "alice"], (line, child) => {
            if (!interrupted && /analysing .* for \d+s/.test(line)) {
                interrupted = true;
                child.kill("SIGINT");
            }
        });
        assert.ok(interrupted);
        assert.equal(run.code, 1, run.output);
        assert.match(run.flat, /interrupted during backend step 2/);
        assert.equal(fx.stackFile("staging"), before, "staging is back on its last good release");
        assert.equal((await outputs("staging")).services.backend.version, live);
    });

    it("refuses a second promotion while one is running on the stack", async () => {
        let second: Promise<ShipgateRun> | undefined;
        const first = await fx.shipgate(["promote", "5.0.0", "--service", "backend", "--approver", "alice"], (line, child) => {
            if (!second && /^staging\/backend step 1\/3/.test(line)) {
                second = fx.shipgate(["promote", "5.0.1", "--service", "backend", "--approver", "bob"]).then((r) => {
                    child.kill("SIGINT");
                    return r;
                });
            }
        });
        assert.ok(second, "the first promotion started");
        const refused = await second;
        assert.equal(refused.code, 3, refused.output);
        assert.match(refused.flat, /lock: another promotion is running on stack staging/);
        assert.equal(first.code, 1, "the first one, interrupted, rolled back");
    });

    it("rolls production back to its last good release on request", async () => {
        // Run alone (--grep), production has no release to go back from yet: promote one first.
        let live = (await outputs("production")).services.backend.version;
        if (live === "1.0.0") {
            const promoted = await fx.shipgate(["promote", "2.0.0", "--service", "backend", "--approver", "alice"]);
            assert.equal(promoted.code, 0, promoted.output);
            live = "2.0.0";
        }
        const run = await fx.shipgate(["rollback", "--stack", "production", "--service", "backend"]);
        assert.equal(run.code, 0, run.output);
        assert.match(run.flat, new RegExp(`ROLLED BACK: backend ${live.replace(/\./g, "\\.")} → 1\\.0\\.0 on production`));
        assert.equal((await outputs("production")).services.backend.version, "1.0.0");
        const status = await fx.shipgate(["status", "--stack", "production", "--json"]);
        const parsed = JSON.parse(status.output) as { stacks: { services: { service: string; live: string; health: { color: string } }[] }[] };
        const backend = parsed.stacks[0].services.find((s) => s.service === "backend")!;
        assert.equal(backend.live, "1.0.0");
        assert.equal(backend.health.color, "GREEN");
    });

    it("destroys both stacks to no process and no listening port", async () => {
        await stagingLoad.stop();
        await productionLoad.stop();
        const ports = [fx.basePorts.staging, fx.basePorts.production].flatMap((b) => [b, b + 1, b + 10, b + 11, b + 20, b + 21]);
        assert.ok(ports.some((p) => listeningPorts().has(p)));
        for (const stack of ["staging", "production"] as const) {
            const result = await fx.stacks[stack].destroy({ color: "never" });
            assert.equal(result.summary.result, "succeeded");
            assert.deepEqual(shipgateProcesses(fx.markers(stack)), [], `${stack} left processes behind`);
        }
        const listening = listeningPorts();
        assert.deepEqual(ports.filter((p) => listening.has(p)), [], "ports still listening");
    });
});
