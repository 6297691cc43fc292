import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { readLog } from "../../stacks/automation/records/deployment-log";
import { PromotionRecord } from "../../stacks/automation/records/promotion-record";
import { parseStackOutputs } from "../../stacks/automation/stack-outputs";
import { Traffic } from "../../stacks/demo/traffic";
import { PromotionFixture, promotionFixture, usersOf } from "../helpers/promotion-fixture";
import { shipgateProcesses } from "../helpers/processes";
import { widerThan120 } from "../helpers/shipgate-cli";

// The protocol's rollback triggers other than the error rate (release-engine.test.ts has that),
// each through the real CLI, engine, processes, HAProxy and Prometheus. Every test promotes a
// release that fails in production and asserts that production is back where it started, so
// any one runs alone (--grep) and in any order.
describe("the protocol's rollback triggers, through shipgate promote", function () {
    this.timeout(600_000);
    let fx: PromotionFixture;
    let users: Traffic[];

    const lastRecord = (): PromotionRecord => {
        const log = readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl"));
        return log.records[log.records.length - 1];
    };
    const reportOf = (output: string) => readFileSync(/report: (\S+\.md)/.exec(output)![1], "utf8");

    before(async function () {
        this.timeout(300_000);
        fx = await promotionFixture(22000);
        users = usersOf(fx);
    });

    after(async function () {
        this.timeout(300_000);
        await Promise.all((users ?? []).map((u) => u.stop()));
        await fx?.cleanup();
    });

    /** Promotes a backend release that turns bad in production, and checks production is as it was. */
    async function promoteBad(version: string, faults: Record<string, unknown>, onLine?: Parameters<PromotionFixture["shipgate"]>[1]) {
        const before = fx.stackFile("production");
        const stableBefore = parseStackOutputs((await fx.stacks.production.outputs()) as never).services.backend.version;
        fx.setFaults({ [version]: faults }, ["production"]);
        try {
            const run = await fx.shipgate(["promote", version, "--service", "backend", "--approver", "alice"], onLine);
            assert.equal(run.code, 1, run.output);
            assert.match(run.flat, new RegExp(`ROLLED-BACK: backend step 1 \\(send 25% of traffic to ${version.replace(/\./g, "\\.")}`));
            assert.deepEqual(widerThan120(run.output), [], "every line fits 120 columns");
            assert.equal(fx.stackFile("production"), before, "the stack file is byte for byte the last good release");
            const after = parseStackOutputs((await fx.stacks.production.outputs()) as never).services.backend;
            assert.equal(after.version, stableBefore);
            assert.deepEqual(Object.keys(after.tracks), ["stable"], "the canary is gone");
            // HAProxy keeps the canary's server slot, with no weight.
            assert.deepEqual(await fx.routerWeights("production", "backend"), { stable: 100, canary: 0 });
            const record = lastRecord();
            assert.equal(record.result, "rolled-back");
            return { run, record, report: reportOf(run.flat) };
        } finally {
            fx.setFaults({});
        }
    }

    it("rolls back a latency regression (P95 far above the stable's) at the first canary step", async () => {
        const { run, record, report } = await promoteBad("2.1.0", { latencyMs: 300 });
        const failed = record.steps.find((s) => s.stage === "production" && s.result === "failed")!;
        assert.equal(failed.verification?.kind, "analysis");
        assert.match(failed.verification!.reason, /latency|slow requests|P95/i, "the analysis failed it on latency");
        assert.doesNotMatch(failed.verification!.reason, /^health/, "not a health failure");
        assert.match(run.flat, /traffic back on the last good release \d+ ms after the failed check/);
        assert.match(report, /Rolled back|rolled back/);
        assert.match(report, /latency|slow requests|P95/i);
    });

    it("rolls back a canary whose process dies: health RED three times in a row", async () => {
        let killed: number | undefined;
        let production = false;
        const { record, report } = await promoteBad("2.2.0", {}, (line) => {
            production ||= /^== production ==/.test(line);
            if (production && killed === undefined && /^ {2}analysing canary/.test(line)) {
                // Once the canary takes its 25%, its process goes away as a crashed one would.
                const canary = shipgateProcesses(fx.markers("production")).find((p) => p.marker.endsWith("/backend/canary"));
                killed = canary?.pid ?? 0;
                if (canary) process.kill(-canary.pid, "SIGKILL");
            }
        });
        assert.ok(killed, "the canary process ran at step 1, and the test killed it");
        const failed = record.steps.find((s) => s.stage === "production" && s.result === "failed")!;
        assert.match(failed.verification!.reason, /^health: 3 consecutive RED checks \(limit 3\); last: http:\/\/127\.0\.0\.1:\d+\/health: /);
        assert.match(failed.verification!.reason, /refused|no answer|ECONNREFUSED|connect/i, "the reason says the endpoint does not answer");
        assert.match(report, /3 consecutive RED checks/);
        assert.ok(!shipgateProcesses(fx.markers("production")).some((p) => p.marker.endsWith("/backend/canary")), "no canary left running");
    });

    it("does not proceed on YELLOW: a canary whose health says warning is stopped at its first step", async () => {
        // Its requests all succeed, so the analysis alone would pass it: only the health rule can stop it.
        const { run, record, report } = await promoteBad("2.3.0", { health: "warning" });
        const failed = record.steps.find((s) => s.stage === "production" && s.result === "failed")!;
        assert.equal(failed.verification?.healthColor, "YELLOW");
        assert.match(failed.verification!.reason, /health is YELLOW, not GREEN \(http:\/\/127\.0\.0\.1:\d+\/health: status warning; health\.allowYellow lets YELLOW pass\)/);
        assert.match(run.flat, /health is YELLOW/);
        assert.match(report, /YELLOW/);
        assert.match(report, /status warning/, "the report says which check was yellow");
    });
});
