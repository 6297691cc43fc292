import { strict as assert } from "node:assert";
import { describeState, parseReleaseState } from "../../../components/release";
import { manualRollback } from "../../../stacks/automation/promotion/manual-rollback";
import { promote } from "../../../stacks/automation/promotion/promote";
import { FakeWorld, fakeWorld } from "./fakes";

/** Starts a promotion whose runner is "killed" at production/backend's canary step `at`; resolves once it stops there. */
async function killedAt(world: FakeWorld, version: string, at = 1): Promise<void> {
    const stopped = new Promise<void>((resolve) => (world.verifier.onHang = resolve));
    world.verifier.hangWhen = (c) => c.stage === "production" && c.service === "backend" && c.step.index === at;
    void promote({ version, services: ["backend"], stages: ["staging", "production"], approvers: ["alice"] }, world.env);
    await stopped;
}

describe("a run that never finished (its runner was killed)", () => {
    it("leaves a running record with the stage in flight and each touched service's state", async () => {
        const world = fakeWorld();
        await killedAt(world, "2.0.0");
        const open = (await world.env.history!()).find((r) => r.version === "2.0.0")!;
        assert.equal(open.result, "running");
        assert.equal(open.inFlight?.stage, "production");
        assert.equal(describeState(open.inFlight!.states.backend), "stable 1.0.0 75%, canary 2.0.0 25%");
        assert.equal(describeState(open.versions.find((v) => v.stage === "production")!.lastGood!), "stable 1.0.0 100%, no canary");
    });

    it("is put back by the next rollback, traffic first, only the service it touched, and closed as interrupted", async () => {
        const world = fakeWorld();
        // The frontend's own release went through; the killed run touches only the backend.
        world.stacks.production.releases.set("frontend", parseReleaseState({ strategy: "canary", stable: "2.0.0" }));
        await killedAt(world, "2.1.0");
        const killedId = (await world.env.history!()).find((r) => r.version === "2.1.0")!.id;
        world.switches.length = 0;
        const { record, error, interrupted } = await manualRollback({ stack: "production", history: [] }, world.env);
        assert.equal(error, undefined, String(error));
        assert.equal(interrupted?.id, killedId);
        assert.deepEqual(record.services, ["backend"]);
        assert.deepEqual(record.versions.map((v) => `${v.service} ${v.from}→${v.to}`), ["backend 2.1.0→1.0.0"]);
        assert.deepEqual(world.switches, ["production/backend stable 100 canary 0"], "the router first");
        assert.equal(record.rollback?.trafficPath, "router");
        assert.equal(describeState(world.stacks.production.release("backend")), "stable 1.0.0 100%, no canary");
        assert.equal(describeState(world.stacks.production.release("frontend")), "stable 2.0.0 100%, no canary", "untouched");
        const closed = (await world.env.history!()).find((r) => r.id === killedId)!;
        assert.equal(closed.result, "interrupted");
        assert.equal(closed.closedBy, record.id);
        assert.match(closed.error!, /stopped at production\/backend step 1 \(.*\) .*never finished; rollback .* put production back/);
        assert.ok(record.gates.some((g) => g.gate === "recovery" && /was interrupted at production\/backend step 1/.test(g.detail)));
    });

    it("is put back from the state the log holds when the stack file says the last good release (a fresh clone)", async () => {
        const world = fakeWorld();
        await killedAt(world, "2.0.0", 2);
        // A fresh clone: the file says what was committed; the stack runs the 50% step.
        const running = world.stacks.production.release("backend");
        world.stacks.production.releases.set("backend", parseReleaseState({ strategy: "canary", stable: "1.0.0" }));
        world.stacks.production.running.set("backend", running);
        const { record, error } = await manualRollback({ stack: "production", history: [] }, world.env);
        assert.equal(error, undefined, String(error));
        assert.equal(record.rollback?.steps[0].summary, "restore, traffic first: stable 1.0.0 100%, canary 2.0.0 0%");
        assert.equal(describeState(world.stacks.production.release("backend")), "stable 1.0.0 100%, no canary");
    });

    it("is put back by the next promotion first, which then releases its own version", async () => {
        const world = fakeWorld();
        await killedAt(world, "2.0.0");
        const { record, error } = await promote({ version: "2.2.0", services: ["backend"], stages: ["staging", "production"], approvers: ["alice"] }, world.env);
        assert.equal(error, undefined, String(error));
        assert.equal(record.result, "succeeded");
        const gate = record.gates.find((g) => g.gate === "recovery")!;
        assert.match(gate.detail, /promotion .* of 2\.0\.0 was interrupted at production\/backend step 1 .*: rollback .* put production back/);
        const runs = (await world.env.history!());
        assert.deepEqual(runs.map((r) => `${r.kind} ${r.version} ${r.result}`), ["promote 2.0.0 interrupted", "rollback last good succeeded", "promote 2.2.0 succeeded"]);
        assert.equal(describeState(world.stacks.production.release("backend")), "stable 2.2.0 100%, no canary");
    });

    it("closes a run killed before it changed anything, and changes nothing for it", async () => {
        const world = fakeWorld();
        await world.env.saveProgress!({ ...(await promote({ version: "9.9.9", stages: ["staging"], approvers: [], dryRun: true }, world.env)).record, id: "dead-run" });
        const before = world.applied.length;
        const { record } = await manualRollback({ stack: "staging", services: ["backend"], to: "1.0.0", history: [] }, world.env);
        assert.equal(world.applied.length, before);
        assert.equal((await world.env.history!()).find((r) => r.id === "dead-run")?.result, "interrupted");
        assert.ok(record.gates.some((g) => g.gate === "recovery" && /nothing had changed/.test(g.detail)));
    });
});

describe("a rollback without --service", () => {
    it("puts back what the last promotion changed on the stack, not a service whose own release succeeded", async () => {
        const world = fakeWorld();
        await promote({ version: "2.0.0", services: ["frontend"], stages: ["staging", "production"], approvers: ["alice"] }, world.env);
        await promote({ version: "2.0.0", services: ["backend"], stages: ["staging", "production"], approvers: ["alice"] }, world.env);
        const { record, error } = await manualRollback({ stack: "production", history: [] }, world.env);
        assert.equal(error, undefined, String(error));
        assert.deepEqual(record.services, ["backend"]);
        assert.equal(describeState(world.stacks.production.release("frontend")), "stable 2.0.0 100%, no canary");
        assert.equal(describeState(world.stacks.production.release("backend")), "stable 1.0.0 100%, no canary");
    });
});
