import { strict as assert } from "node:assert";
import { InvalidInputError, describeState, trafficSplit } from "../../../components/release";
import { GateRefusal, PromotionRolledBack, RollbackFailed } from "../../../stacks/automation/errors";
import { approvalsGate } from "../../../stacks/automation/promotion/preflight-gates";
import { PromoteRequest, promote } from "../../../stacks/automation/promotion/promote";
import { fakeWorld } from "./fakes";

const REQUEST: PromoteRequest = { version: "2.0.0", stages: ["staging", "production"], approvers: ["alice"] };

describe("the promotion state machine", () => {
    it("walks staging then production, backend before frontend, every planned step in order", async () => {
        const world = fakeWorld();
        const { record, error } = await promote(REQUEST, world.env);
        assert.equal(error, undefined);
        assert.equal(record.result, "succeeded");
        assert.deepEqual(
            world.applied.map((a) => `${a.stack}/${a.service}: ${a.state.strategy === "canary" ? trafficSplit(a.state).canary : describeState(a.state)}`),
            [
                "staging/backend: blue 1.0.0 active, green 2.0.0 idle",
                "staging/backend: green 2.0.0 active, blue 1.0.0 idle",
                "staging/backend: green 2.0.0 active, blue 1.0.0 idle (scaled down)",
                "staging/frontend: blue 1.0.0 active, green 2.0.0 idle",
                "staging/frontend: green 2.0.0 active, blue 1.0.0 idle",
                "staging/frontend: green 2.0.0 active, blue 1.0.0 idle (scaled down)",
                "production/backend: 25",
                "production/backend: 50",
                "production/backend: 100",
                "production/backend: 100",
                "production/backend: 0",
                "production/frontend: 25",
                "production/frontend: 50",
                "production/frontend: 100",
                "production/frontend: 100",
                "production/frontend: 0",
            ],
        );
        assert.equal(record.steps.length, 16);
        assert.ok(record.steps.every((s) => s.result === "succeeded"));
        assert.deepEqual(world.notifications, ["started", "succeeded"]);
        assert.deepEqual(world.saved.map((r) => r.result), ["succeeded"]);
        assert.deepEqual(world.locked, [["staging", "production"]]);
        assert.deepEqual(
            record.versions.map((v) => `${v.stage}/${v.service} ${v.from}→${v.final}`),
            ["staging/backend 1.0.0→2.0.0", "staging/frontend 1.0.0→2.0.0", "production/backend 1.0.0→2.0.0", "production/frontend 1.0.0→2.0.0"],
        );
    });

    it("calls hooks at the anchors' points: before the rollout, before promotion, after each step, after the rollout", async () => {
        const world = fakeWorld();
        await promote({ ...REQUEST, services: ["backend"] }, world.env);
        assert.deepEqual(world.hooks.calls.slice(0, 7), [
            "beforeRollout:staging",
            "afterStep:staging/backend",
            "beforePromotion:staging/backend",
            "afterStep:staging/backend",
            "afterStep:staging/backend",
            "afterRollout:staging",
            "beforeRollout:production",
        ]);
    });

    it("rolls back the failing stage, traffic first, when a step's analysis fails", async () => {
        const world = fakeWorld();
        world.verifier.failWhen = (c) => (c.stage === "production" && c.service === "backend" && c.step.index === 2 ? "error rate 12.0% > 5.0%" : undefined);
        const { record, error } = await promote(REQUEST, world.env);
        assert.ok(error instanceof PromotionRolledBack);
        assert.match(error.message, /backend step 2 .* failed its checks: error rate 12\.0% > 5\.0%/);
        assert.match(error.message, /production is back on its last good release/);
        assert.equal(record.result, "rolled-back");
        const after = world.applied.slice(world.applied.findIndex((a) => a.stack === "production" && a.state.strategy === "canary" && a.state.weight === 50) + 1);
        assert.deepEqual(
            after.map((a) => describeState(a.state)),
            ["stable 1.0.0 100%, canary 2.0.0 0%", "stable 1.0.0 100%, no canary"],
            "traffic leaves the canary first, then the canary track goes",
        );
        assert.equal(describeState(world.stacks.production.release("backend")), "stable 1.0.0 100%, no canary");
        assert.equal(describeState(world.stacks.production.release("frontend")), "stable 1.0.0 100%, no canary", "the frontend was never touched");
        assert.equal(describeState(world.stacks.staging.release("backend")), "green 2.0.0 active, blue 1.0.0 idle (scaled down)", "staging keeps the release it verified");
        assert.equal(record.rollback?.result, "succeeded");
        assert.ok(record.rollback?.trafficRestoredAt);
        assert.ok(world.hooks.calls.includes("onRollback:production"));
        assert.deepEqual(world.notifications, ["started", "rolled-back"]);
    });

    it("puts traffic back at the router before any up, then converges the stack to the same state", async () => {
        const world = fakeWorld();
        world.verifier.failWhen = (c) => (c.stage === "production" && c.service === "backend" && c.step.index === 2 ? "error rate 12.0% > 5.0%" : undefined);
        const { record, error } = await promote(REQUEST, world.env);
        assert.ok(error instanceof PromotionRolledBack);
        assert.match(error.message, /traffic was restored .* after the failed check, set at the router/);
        const rb = record.rollback!;
        assert.equal(rb.trafficPath, "router");
        assert.deepEqual(rb.directRoute, [
            { service: "backend", outcome: "routed", router: "fake production/backend", weights: { stable: 100, canary: 0 }, at: rb.trafficRestoredAt },
        ]);
        assert.deepEqual(world.switches, ["production/backend stable 100 canary 0"]);
        assert.ok(Date.parse(rb.trafficRestoredAt!) < Date.parse(rb.steps[0].startedAt), "traffic moved before the first restore up started");
        assert.deepEqual(rb.steps[0].routerWeights, { stable: 100, canary: 0 }, "the up declared what the router was set to");
        assert.ok(Date.parse(rb.convergedAt!) >= Date.parse(rb.steps[rb.steps.length - 1].finishedAt!), "converged once the last restore up finished");
        const restored = world.events.find((e) => e.type === "traffic-restored");
        assert.deepEqual(restored && { path: restored.path, slow: restored.slowPath }, { path: "router", slow: undefined });
    });

    it("moves traffic with the up when the router cannot be set directly, and says why it was slower", async () => {
        const world = fakeWorld();
        world.verifier.failWhen = (c) => (c.stage === "production" && c.service === "backend" && c.step.index === 1 ? "3 consecutive RED" : undefined);
        world.stacks.production.failSetWeights = () => "runtime API: connect ECONNREFUSED /run/haproxy.sock";
        const { record, error } = await promote(REQUEST, world.env);
        assert.ok(error instanceof PromotionRolledBack);
        const rb = record.rollback!;
        assert.equal(rb.result, "succeeded");
        assert.equal(rb.trafficPath, "up");
        assert.equal(rb.slowPath, "backend: runtime API: connect ECONNREFUSED /run/haproxy.sock");
        assert.deepEqual(rb.directRoute?.map((d) => [d.outcome, d.router]), [["failed", "fake production/backend"]]);
        assert.ok(Date.parse(rb.trafficRestoredAt!) > Date.parse(rb.steps[0].finishedAt!), "traffic came back with the first restore up");
        assert.match(error.message, /by the up \(backend: runtime API: connect ECONNREFUSED/);
        assert.equal(describeState(world.stacks.production.release("backend")), "stable 1.0.0 100%, no canary");
    });

    it("leaves traffic to the up when the last good release runs on no track (failed after the stable track moved)", async () => {
        const world = fakeWorld();
        world.verifier.failWhen = (c) => (c.stage === "production" && c.service === "backend" && c.step.kind === "canary-promote" ? "3 consecutive RED" : undefined);
        const { record } = await promote(REQUEST, world.env);
        const rb = record.rollback!;
        assert.equal(rb.trafficPath, "up");
        assert.deepEqual(rb.directRoute?.map((d) => d.outcome), ["up-only"]);
        assert.match(rb.slowPath!, /backend: the stable track runs 2\.0\.0, not 1\.0\.0/);
        assert.deepEqual(world.switches, [], "no router was set to a track that does not run the good release");
    });

    it("rolls back every service the stage changed, the last deployed first", async () => {
        const world = fakeWorld();
        world.verifier.failWhen = (c) => (c.stage === "production" && c.service === "frontend" && c.step.index === 1 ? "P95 480 ms > 2× baseline" : undefined);
        const { record } = await promote(REQUEST, world.env);
        assert.equal(record.result, "rolled-back");
        assert.deepEqual(
            record.rollback!.steps.map((s) => `${s.service}: ${s.summary.replace(/^restore.*?: /, "")}`),
            ["frontend: stable 1.0.0 100%, canary 2.0.0 0%", "backend: stable 1.0.0 100%, no canary", "frontend: stable 1.0.0 100%, no canary"],
            "every service's traffic moves first (frontend, then backend), then the clean-up",
        );
        assert.equal(describeState(world.stacks.production.release("backend")), "stable 1.0.0 100%, no canary");
    });

    it("rolls back when interrupted mid-step, and says so", async () => {
        const world = fakeWorld();
        world.verifier.onVerify = (c) => {
            if (c.stage === "staging" && c.step.kind === "bluegreen-switch") world.controller.abort(new Error("SIGINT"));
        };
        const { record, error } = await promote(REQUEST, world.env);
        assert.ok(error instanceof PromotionRolledBack);
        assert.match(error.message, /interrupted during backend step 2/);
        assert.equal(record.steps[record.steps.length - 1].result, "aborted");
        assert.equal(describeState(world.stacks.staging.release("backend")), "blue 1.0.0 active, green empty");
        assert.equal(world.stacks.production.previews, 0);
    });

    it("fails a step whose router reads back other weights than asked", async () => {
        const world = fakeWorld();
        world.stacks.production.routerWeights = (_s, state) => (state.strategy === "canary" && state.weight === 25 ? { stable: 100, canary: 0 } : { ...trafficSplit(state) });
        const { record, error } = await promote(REQUEST, world.env);
        assert.ok(error instanceof PromotionRolledBack);
        assert.match(record.error!, /fake production\/backend reads back stable 100% \(asked 75%\); canary 0% \(asked 25%\)/);
        assert.deepEqual(record.steps.find((s) => s.stage === "production")?.routerWeights, { stable: 100, canary: 0 }, "the step records what the router said");
    });

    it("rolls back when a hook fails after a step", async () => {
        const world = fakeWorld();
        world.hooks.failAt = "afterStep";
        const { record } = await promote(REQUEST, world.env);
        assert.equal(record.result, "rolled-back");
        assert.match(record.error!, /hook afterStep\/check/);
    });

    it("says loudly when the rollback itself fails, with the next manual step", async () => {
        const world = fakeWorld();
        world.verifier.failWhen = (c) => (c.stage === "production" && c.step.index === 2 ? "error rate 30.0% > 5.0%" : undefined);
        world.stacks.production.failApplyWhen = (_s, state) => state.strategy === "canary" && state.weight === 0;
        const { record, error } = await promote(REQUEST, world.env);
        assert.ok(error instanceof RollbackFailed);
        assert.match(error.message, /THE AUTOMATIC ROLLBACK OF PRODUCTION FAILED: engine error applying backend/);
        assert.match(error.message, /NEXT STEP: restore it by hand: `shipgate rollback --stack production`/);
        assert.equal(record.result, "rollback-failed");
        assert.deepEqual(world.notifications, ["started", "rollback-failed"]);
    });

    it("swaps App Service slots right before a blue-green switch, and back on rollback", async () => {
        const world = fakeWorld();
        world.stacks.staging.swapped.add("backend");
        world.verifier.failWhen = (c) => (c.stage === "staging" && c.service === "backend" && c.step.kind === "bluegreen-switch" ? "error rate 9.0% > 5.0%" : undefined);
        const { record } = await promote(REQUEST, world.env);
        assert.equal(record.result, "rolled-back");
        assert.deepEqual(world.switches, ["backend/staging", "backend/staging"], "one swap for the switch, one to switch back");
    });

    describe("refusals change nothing", () => {
        const refused = async (world: ReturnType<typeof fakeWorld>, request: PromoteRequest) => {
            const outcome = await promote(request, world.env);
            assert.equal(world.applied.length, 0, "no state was applied");
            assert.equal(outcome.record.result, "refused");
            return outcome;
        };

        it("refuses production without a named approver", async () => {
            const world = fakeWorld();
            world.env = { ...world.env, gates: [approvalsGate] };
            const { error } = await refused(world, { ...REQUEST, approvers: [] });
            assert.ok(error instanceof GateRefusal);
            assert.match(error.message, /production needs 1 named approver\(s\), got 0/);
        });

        it("counts an approval only from the stack's listed approvers, naming the list and the fix", async () => {
            const world = fakeWorld();
            world.env = { ...world.env, gates: [approvalsGate] };
            world.stacks.production.promotion = { approvals: { approvers: ["alice", "Bob"] } };
            const { error, record } = await refused(world, { ...REQUEST, approvers: ["carol"] });
            assert.ok(error instanceof GateRefusal);
            assert.match(error.message, /^approvals: production: carol may not approve production \(shipgate:promotion\.approvals\.approvers: alice, Bob\): have a listed approver approve, or add them to that list/);
            assert.equal(record.gates.find((g) => g.gate === "approvals")?.outcome, "fail");
            // Handles are matched without case (GitHub's are case-insensitive).
            const ok = await promote({ ...REQUEST, approvers: ["bob"] }, world.env);
            assert.equal(ok.record.gates.find((g) => g.gate === "approvals")?.detail, "approved by bob (listed approvers of production)");
        });

        it("never counts the change's author as its approver", async () => {
            const world = fakeWorld();
            world.env = { ...world.env, gates: [approvalsGate] };
            const { error } = await refused(world, { ...REQUEST, approvers: ["Alice"], checklist: { author: "alice" } });
            assert.ok(error instanceof GateRefusal);
            assert.match(error.message, /alice made this change and cannot approve it: have someone else approve/);
        });

        it("refuses production when no list says who may approve: the name could not be checked", async () => {
            const world = fakeWorld();
            world.env = { ...world.env, gates: [approvalsGate] };
            world.stacks.production.promotion = {};
            const { error, record } = await refused(world, REQUEST);
            assert.ok(error instanceof GateRefusal);
            assert.match(error.message, /^approvals: production: production has no list of who may approve, so .+ cannot be checked: list the approvers \(their CI handles\) in shipgate:promotion\.approvals\.approvers/);
            assert.equal(record.gates.find((g) => g.gate === "approvals")?.outcome, "fail");
        });

        it("warns in staging when it asks for approvals and no list says who may approve", async () => {
            const world = fakeWorld();
            world.env = { ...world.env, gates: [approvalsGate] };
            world.stacks.staging.promotion = { approvals: { required: 1 } };
            world.stacks.production.promotion = { approvals: { approvers: ["alice"] } };
            const { record } = await promote(REQUEST, world.env);
            const gate = record.gates.find((g) => g.stage === "staging" && g.gate === "approvals");
            assert.equal(gate?.outcome, "warn");
            assert.match(gate?.detail ?? "", /a name nobody checked: list who may approve in shipgate:promotion\.approvals\.approvers/);
        });

        it("refuses production without staging before it (never skip staging)", async () => {
            const { error } = await refused(fakeWorld(), { ...REQUEST, stages: ["production"] });
            assert.ok(error instanceof GateRefusal);
            assert.match(error.message, /never-skip-staging/);
        });

        it("refuses a mandatory policy violation found by the preview", async () => {
            const world = fakeWorld({ withPolicy: true });
            world.stacks.production.previewViolations = [{ policy: "canary-steps", level: "mandatory", message: "first step 50 > 25" }];
            const { error, record } = await refused(world, REQUEST);
            assert.ok(error instanceof GateRefusal);
            assert.match(error.message, /production \(first step\) violates canary-steps/);
            assert.ok(record.gates.some((g) => g.gate === "policy:canary-steps" && g.outcome === "fail"));
        });

        it("refuses a release while another is in flight on a service", async () => {
            const world = fakeWorld();
            world.stacks.production.releases.set("backend", { ...world.stacks.production.release("backend"), canary: { version: "1.5.0" }, weight: 25 } as never);
            const { error } = await refused(world, REQUEST);
            assert.ok(error instanceof GateRefusal);
            assert.match(error.message, /1\.5\.0 is still in progress/);
        });

        it("refuses bad input: a malformed version, an unknown service", async () => {
            const bad = await refused(fakeWorld(), { ...REQUEST, version: "2.0 beta" });
            assert.ok(bad.error instanceof InvalidInputError);
            const unknown = await refused(fakeWorld(), { ...REQUEST, services: ["cart"] });
            assert.ok(unknown.error instanceof InvalidInputError);
            assert.match(unknown.error.message, /no service "cart" in stack staging/);
        });

        it("changes nothing on a dry run, after the policy previews", async () => {
            const world = fakeWorld({ withPolicy: true });
            const { record, error } = await promote({ ...REQUEST, dryRun: true }, world.env);
            assert.equal(error, undefined);
            assert.equal(record.result, "succeeded");
            assert.equal(world.applied.length, 0);
            assert.ok(world.stacks.production.previews > 0);
            assert.deepEqual(world.saved, [], "a dry run is not a deployment: it is not logged");
        });
    });
});
