import { strict as assert } from "node:assert";
import * as path from "node:path";
import { readLog } from "../../stacks/automation/records/deployment-log";
import { PromotionRecord } from "../../stacks/automation/records/promotion-record";
import { parseStackOutputs } from "../../stacks/automation/stack-outputs";
import { Traffic } from "../../stacks/demo/traffic";
import { changesOtherThanSame } from "../helpers/engine";
import { git } from "../helpers/git-origin";
import { widerThan120 } from "../helpers/shipgate-cli";
import { PromotionFixture, promotionFixture, usersOf } from "../helpers/promotion-fixture";

// A runner that vanishes mid-promotion (kill -9 of shipgate at a canary step): the next
// `shipgate rollback` or `shipgate promote` on the stack finds the lock stale and the run
// unfinished in the deployment log, puts the stage back on its last good release (traffic
// first) and closes the old record as interrupted. The real CLI, engine, HAProxy and git.
describe("recovery after shipgate is killed mid-promotion", function () {
    this.timeout(900_000);
    let fx: PromotionFixture;
    let loads: Traffic[] = [];

    before(async function () {
        this.timeout(300_000);
        fx = await promotionFixture(29500);
        loads = usersOf(fx);
    });

    after(async function () {
        this.timeout(300_000);
        await Promise.all(loads.map((l) => l.stop()));
        await fx?.cleanup();
    });

    const log = (): PromotionRecord[] => readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl")).records;
    const outputs = async () => parseStackOutputs((await fx.stacks.production.outputs()) as never);

    /** Promotes `version` of the backend and kills shipgate with SIGKILL once production's canary takes traffic. */
    async function killedAtCanary(version: string): Promise<PromotionRecord> {
        let killed = false;
        let inProduction = false;
        const run = await fx.shipgate(["promote", version, "--service", "backend", "--approver", "alice"], (line, child) => {
            if (/^production\/backend step 1\//.test(line)) inProduction = true;
            if (inProduction && !killed && /analysing canary/.test(line)) {
                killed = true;
                child.kill("SIGKILL");
            }
        });
        assert.ok(killed, `killed at the canary step:\n${run.output}`);
        assert.equal(run.code, null, "no exit code: the process was killed");
        const unfinished = log().filter((r) => r.version === version && r.kind === "promote").pop()!;
        assert.equal(unfinished.result, "running", "the log's last line for the run says it never finished");
        assert.equal(unfinished.inFlight?.stage, "production");
        const weights = await fx.routerWeights("production", "backend");
        assert.equal(Math.round(weights.canary), 25, `the canary takes its 25% (${JSON.stringify(weights)})`);
        return unfinished;
    }

    it("the next `shipgate rollback --stack production` restores only what the killed run touched, and closes its record", async () => {
        // The frontend's own release is a success; the killed run never touches it.
        const frontend = await fx.shipgate(["promote", "2.0.0", "--service", "frontend", "--approver", "alice"]);
        assert.equal(frontend.code, 0, frontend.output);
        const killed = await killedAtCanary("2.1.0");

        const status = await fx.shipgate(["status", "--stack", "production", "--no-health"]);
        assert.match(status.flat, new RegExp(`promotion ${killed.id} of 2\\.1\\.0 INTERRUPTED at production/backend step 1`));
        assert.deepEqual(widerThan120(status.output), [], "every line of status fits 120 columns");

        const run = await fx.shipgate(["rollback", "--stack", "production"]);
        assert.equal(run.code, 0, run.output);
        assert.match(run.flat, /the lock of .* was stale \(pid \d+ on .* is gone\)/);
        assert.match(run.flat, new RegExp(`promotion ${killed.id} of 2\\.1\\.0 was interrupted at production/backend step 1`));
        assert.match(run.flat, /traffic back on the last good release .* set at the router/);
        assert.match(run.flat, /ROLLED BACK: backend 2\.1\.0 → 1\.0\.0 on production/);

        const prod = await outputs();
        assert.equal(prod.services.backend.version, "1.0.0");
        assert.deepEqual(Object.keys(prod.services.backend.tracks), ["stable"]);
        assert.equal(prod.services.frontend.version, "2.0.0", "the frontend keeps its own good release");
        assert.deepEqual(await fx.routerWeights("production", "backend"), { stable: 100, canary: 0 });

        const records = log();
        const closed = records.find((r) => r.id === killed.id)!;
        assert.equal(closed.result, "interrupted");
        const rollback = records[records.length - 1];
        assert.equal(closed.closedBy, rollback.id);
        assert.equal(rollback.kind, "rollback");
        assert.match(closed.error ?? "", /stopped at production\/backend step 1 .* never finished/);
        const history = await fx.shipgate(["history", "--stack", "production"]);
        assert.match(history.flat, /Interrupted/);
        assert.deepEqual(widerThan120(history.output), [], "every line of history fits 120 columns");

        const preview = await fx.stacks.production.preview({ color: "never" });
        assert.deepEqual(changesOtherThanSame(preview.changeSummary), {}, "the stack file says what runs");
        assert.equal(git(fx.project.dir, "status", "--porcelain", "--", "Pulumi.production.yaml"), "", "and the repository has it");
    });

    it("the next `shipgate promote` puts the stage back first, then promotes", async () => {
        const killed = await killedAtCanary("2.2.0");
        const run = await fx.shipgate(["promote", "2.3.0", "--service", "backend", "--approver", "alice"]);
        assert.equal(run.code, 0, run.output);
        assert.match(run.flat, new RegExp(`gate production/recovery: WARN promotion ${killed.id} of 2\\.2\\.0 was interrupted at production/backend step 1`));
        assert.match(run.flat, /SUCCEEDED: 2\.3\.0/);
        const records = log();
        const closed = records.find((r) => r.id === killed.id)!;
        assert.equal(closed.result, "interrupted");
        const recovery = records.find((r) => r.id === closed.closedBy)!;
        assert.equal(recovery.kind, "rollback");
        assert.equal(recovery.result, "succeeded");
        assert.equal(recovery.rollback?.trafficPath, "router", "traffic first, at the router");
        assert.equal((await outputs()).services.backend.version, "2.3.0");
    });
});
