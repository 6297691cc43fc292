import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
    Artifact,
    ReleaseInProgressError,
    ReleaseState,
    liveArtifact,
    parseReleaseState,
    planRelease,
    planRollback,
    sameState,
    settledAt,
    describeState,
    isSettled,
    trafficSplit,
} from "../../../components/release";

const v2: Artifact = { version: "2.0.0" };

describe("release planner", () => {
    it("walks a canary through 25 → 50 → 100, then promotes and finalizes", () => {
        const from = parseReleaseState({ strategy: "canary", stable: "1.0.0" });
        const plan = planRelease(from, v2);
        assert.deepEqual(
            plan.steps.map((s) => [s.kind, trafficSplit(s.state).canary]),
            [
                ["canary-weight", 25],
                ["canary-weight", 50],
                ["canary-weight", 100],
                ["canary-promote", 100],
                ["canary-finalize", 0],
            ],
        );
        // Each traffic step is analysed for the protocol's bake time; the 100% step is watched longer.
        assert.deepEqual(plan.steps.map((s) => s.bakeSeconds), [300, 300, 900, 0, 0]);
        const last = plan.steps[plan.steps.length - 1].state;
        assert.ok(last.strategy === "canary");
        assert.deepEqual(last.stable, v2);
        assert.equal(last.canary, undefined);
    });

    it("keeps the stable track on the old version until the promote step", () => {
        const from = parseReleaseState({ strategy: "canary", stable: "1.0.0", steps: [10, 50, 100] });
        const steps = planRelease(from, v2).steps;
        for (const step of steps.filter((s) => s.kind === "canary-weight")) {
            assert.ok(step.state.strategy === "canary");
            assert.equal(step.state.stable.version, "1.0.0");
        }
    });

    it("deploys the idle color, switches, and scales the old color down after its delay", () => {
        const from = parseReleaseState({ strategy: "blueGreen", blue: "1.0.0", scaleDownDelaySeconds: 45 });
        const steps = planRelease(from, v2).steps;
        assert.deepEqual(steps.map((s) => s.kind), ["bluegreen-deploy", "bluegreen-switch", "bluegreen-scale-down"]);
        assert.deepEqual(steps.map((s) => s.verify), ["preview", "analysis", "none"]);
        assert.deepEqual(trafficSplit(steps[0].state), { blue: 100, green: 0 });
        assert.deepEqual(trafficSplit(steps[1].state), { green: 100, blue: 0 });
        assert.equal(steps[2].waitSeconds, 45);
        const last = steps[2].state;
        assert.ok(last.strategy === "blueGreen");
        assert.equal(last.idleScaledDown, true);
        assert.deepEqual(last.blue, { version: "1.0.0" });
    });

    it("does nothing when the version is already live", () => {
        const from = parseReleaseState({ strategy: "canary", stable: "2.0.0" });
        assert.equal(planRelease(from, v2).steps.length, 0);
    });

    it("refuses to start a release while another is in flight", () => {
        const from = parseReleaseState({ strategy: "canary", stable: "1.0.0", canary: "1.5.0", weight: 50 });
        assert.throws(() => planRelease(from, v2), (err: unknown) => {
            assert.ok(err instanceof ReleaseInProgressError);
            assert.match(err.message, /1\.5\.0 is still in progress.*shipgate rollback/);
            return true;
        });
    });

    it("rolls a canary back by taking its traffic away first", () => {
        const lastGood = parseReleaseState({ strategy: "canary", stable: "1.0.0" });
        const failedAt50 = planRelease(lastGood, v2).steps[1].state;
        const rollback = planRollback(failedAt50, lastGood);
        assert.equal(trafficSplit(rollback[0].state).canary, 0, "traffic leaves the canary in the first state");
        assert.ok(sameState(rollback[rollback.length - 1].state, lastGood));
    });

    it("restores the stable track before routing to it when the promote step failed", () => {
        const lastGood = parseReleaseState({ strategy: "canary", stable: "1.0.0" });
        const promote = planRelease(lastGood, v2).steps.find((s) => s.kind === "canary-promote")!.state;
        const rollback = planRollback(promote, lastGood);
        assert.equal(rollback.length, 2);
        const first = rollback[0].state;
        assert.ok(first.strategy === "canary");
        assert.equal(first.stable.version, "1.0.0");
        assert.equal(first.weight, 100, "the canary keeps the traffic while the stable track rolls back");
        assert.ok(sameState(rollback[1].state, lastGood));
    });

    it("switches a blue-green service back, and scales the old color up first when it was already down", () => {
        const lastGood = parseReleaseState({ strategy: "blueGreen", blue: "1.0.0" });
        const [, switched, scaledDown] = planRelease(lastGood, v2).steps.map((s) => s.state);
        const fromSwitch = planRollback(switched, lastGood);
        assert.equal(fromSwitch[0].state.strategy === "blueGreen" && fromSwitch[0].state.active, "blue");
        const fromScaledDown = planRollback(scaledDown, lastGood);
        const first = fromScaledDown[0].state;
        assert.ok(first.strategy === "blueGreen");
        assert.equal(first.active, "green", "no traffic moves until blue runs again");
        assert.equal(first.idleScaledDown, false);
        assert.ok(sameState(fromScaledDown[fromScaledDown.length - 1].state, lastGood));
    });

    it("rolls a blue-green service back to a named release settled: traffic first, the old color scaled down, the next release plans", () => {
        const released = planRelease(parseReleaseState({ strategy: "blueGreen", blue: "1.0.0" }), { version: "3.0.0" }).steps.at(-1)!.state;
        const target = settledAt(released, { version: "1.0.0" });
        const rollback = planRollback(released, target).map((s) => describeState(s.state));
        assert.deepEqual(rollback, [
            "green 3.0.0 active, blue 1.0.0 idle",
            "blue 1.0.0 active, green 3.0.0 idle",
            "blue 1.0.0 active, green 3.0.0 idle (scaled down)",
        ]);
        assert.doesNotThrow(() => planRelease(target, { version: "4.0.0" }), "no release is left in flight");
    });

    it("rolls 4 replicas two at a time (25% surge + 25% unavailable): half on the next track, analysed beside current, then all", () => {
        const from = parseReleaseState({ strategy: "rolling", current: "1.0.0", bakeSeconds: 60 });
        const plan = planRelease(from, v2, { rollingReplicas: 4 });
        assert.deepEqual(
            plan.steps.map((s) => [s.kind, describeState(s.state), s.verify, s.candidateTrack, s.baseline, s.bakeSeconds, s.promotes]),
            [
                ["rolling-batch", "current 1.0.0 50%, next 2.0.0 50% (rolling)", "analysis", "next", { track: "current", measuredBefore: false }, 60, false],
                ["rolling-update", "2.0.0 (rolling)", "analysis", "current", { track: "current", measuredBefore: true }, 60, true],
            ],
        );
        assert.equal(plan.steps[0].summary, "batch 1/2: 2.0.0 on 2 of 4 replicas (50% of traffic; 1.0.0 keeps 2)");
        assert.equal(plan.steps[1].summary, "batch 2/2: 2.0.0 on all 4 replicas; the next track goes away");
    });

    it("rolls one replica at a time with maxSurge 1 and maxUnavailable 0: a batch per replica", () => {
        const from = parseReleaseState({ strategy: "rolling", current: "1.0.0", maxSurge: 1, maxUnavailable: 0 });
        const steps = planRelease(from, v2, { rollingReplicas: 5 }).steps;
        assert.deepEqual(steps.map((s) => trafficSplit(s.state).next ?? "done"), [20, 40, 60, 80, "done"]);
        assert.ok(isSettled(steps.at(-1)!.state));
        assert.ok(steps.slice(0, -1).every((s) => !isSettled(s.state)));
    });

    it("rolls in one step where the platform rolls on its own (no replicas given) or there is one replica", () => {
        const from = parseReleaseState({ strategy: "rolling", current: "1.0.0" });
        for (const plan of [planRelease(from, v2), planRelease(from, v2, { rollingReplicas: 1 })]) {
            assert.deepEqual(plan.steps.map((s) => s.kind), ["rolling-update"]);
            assert.equal(plan.steps[0].summary, "roll 1.0.0 → 2.0.0 (maxSurge 25%, maxUnavailable 25%)");
        }
    });

    it("rolls a failed batch back traffic first: all of it on current, which still runs the last good version, then the next track goes", () => {
        const lastGood = parseReleaseState({ strategy: "rolling", current: "1.0.0", maxSurge: 1, maxUnavailable: 0 });
        const failed = planRelease(lastGood, v2, { rollingReplicas: 4 }).steps[1].state;
        assert.equal(describeState(failed), "current 1.0.0 50%, next 2.0.0 50% (rolling)");
        assert.deepEqual(
            planRollback(failed, lastGood).map((s) => describeState(s.state)),
            ["current 1.0.0 100%, next 2.0.0 0% (rolling)", "1.0.0 (rolling)"],
        );
        assert.throws(() => planRelease(failed, { version: "3.0.0" }, { rollingReplicas: 4 }), ReleaseInProgressError);
    });

    it("has nothing to do when the state already is the last good one", () => {
        const state = parseReleaseState({ strategy: "rolling", current: "1.0.0" });
        assert.deepEqual(planRollback(state, state), []);
    });
});

// --- property-style checks -------------------------------------------------------------------

const version = fc.stringMatching(/^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/);
const steps = fc
    .uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 6 })
    .map((xs) => [...xs.sort((a, b) => a - b), 100]);
const canaryState = fc.record({ stable: version, steps }).map((s) => parseReleaseState({ strategy: "canary", ...s }));
const blueGreenState = fc
    .record({ live: version, active: fc.constantFrom("blue", "green"), scaleDownDelaySeconds: fc.integer({ min: 0, max: 600 }) })
    .map(({ live, active, scaleDownDelaySeconds }) =>
        parseReleaseState({ strategy: "blueGreen", [active]: live, active, scaleDownDelaySeconds }),
    );
const rollingState = version.map((v) => parseReleaseState({ strategy: "rolling", current: v }));
const anyState: fc.Arbitrary<ReleaseState> = fc.oneof(canaryState, blueGreenState, rollingState);
const replicas = fc.integer({ min: 1, max: 40 });
const surge = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`));

describe("release planner properties", () => {
    it("canary weights never decrease and the last traffic step is 100", () => {
        fc.assert(
            fc.property(canaryState, version, (from, target) => {
                fc.pre(target !== liveArtifact(from).version);
                const weights = planRelease(from, { version: target })
                    .steps.filter((s) => s.kind === "canary-weight")
                    .map((s) => trafficSplit(s.state).canary);
                for (let i = 1; i < weights.length; i++) {
                    assert.ok(weights[i] > weights[i - 1], `weights ${weights} decrease`);
                }
                assert.equal(weights[weights.length - 1], 100);
            }),
        );
    });

    it("every plan ends with the target live and settled", () => {
        fc.assert(
            fc.property(anyState, version, replicas, (from, target, rollingReplicas) => {
                fc.pre(target !== liveArtifact(from).version);
                const plan = planRelease(from, { version: target }, { rollingReplicas });
                const last = plan.steps[plan.steps.length - 1].state;
                assert.equal(liveArtifact(last).version, target);
                assert.ok(isSettled(last));
            }),
        );
    });

    it("rolling batches grow, each moves at most a batch of replicas, and every replica is on the target at the end", () => {
        fc.assert(
            fc.property(rollingState, version, replicas, surge, surge, (from, target, rollingReplicas, maxSurge, maxUnavailable) => {
                const zero = (v: number | string) => v === 0 || v === "0%";
                fc.pre(target !== liveArtifact(from).version && !(zero(maxSurge) && zero(maxUnavailable)));
                const state = parseReleaseState({ ...from, maxSurge, maxUnavailable });
                const weights = planRelease(state, { version: target }, { rollingReplicas }).steps.map((s) => trafficSplit(s.state).next ?? 100);
                assert.equal(weights.at(-1), 100);
                for (let i = 1; i < weights.length; i++) assert.ok(weights[i] > weights[i - 1], `weights ${weights} do not grow`);
                assert.ok(weights.length <= rollingReplicas, `${weights.length} steps for ${rollingReplicas} replicas`);
            }),
        );
    });

    it("a rollback from any step ends exactly in the last good state", () => {
        fc.assert(
            fc.property(anyState, version, fc.nat(), replicas, (lastGood, target, pick, rollingReplicas) => {
                fc.pre(target !== liveArtifact(lastGood).version);
                const plan = planRelease(lastGood, { version: target }, { rollingReplicas });
                const failed = plan.steps[pick % plan.steps.length].state;
                const rollback = planRollback(failed, lastGood);
                assert.ok(rollback.length > 0);
                assert.ok(sameState(rollback[rollback.length - 1].state, lastGood));
            }),
        );
    });

    it("a rollback's first state puts traffic on an artifact that was already running", () => {
        fc.assert(
            fc.property(anyState, version, fc.nat(), (lastGood, target, pick) => {
                fc.pre(target !== liveArtifact(lastGood).version);
                fc.pre(lastGood.strategy !== "rolling");
                const plan = planRelease(lastGood, { version: target });
                const failed = plan.steps[pick % plan.steps.length].state;
                const first = planRollback(failed, lastGood)[0].state;
                const live = liveArtifact(first).version;
                const runningBefore = [liveArtifact(failed).version, liveArtifact(lastGood).version];
                assert.ok(runningBefore.includes(live), `first rollback state serves ${live}, not one of ${runningBefore}`);
            }),
        );
    });
});
