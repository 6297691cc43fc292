import { strict as assert } from "node:assert";
import { Artifact, DEFAULT_CANARY_HEADER, TrafficPlan, parseReleaseState, planRelease, planTraffic } from "../../../components/release";

/** `track: version@weight×replicas` (`none` for a track the state does not declare). */
const tracksOf = (plan: TrafficPlan<Artifact | undefined>) =>
    Object.fromEntries(plan.tracks.map((t) => [t.name, `${t.artifact ? t.artifact.version : "none"}@${t.weight}x${t.replicas}`]));
const state = (input: unknown) => parseReleaseState(input);

describe("planTraffic", () => {
    it("declares the candidate header once: X-Canary: always", () => {
        assert.deepEqual(DEFAULT_CANARY_HEADER, { name: "X-Canary", value: "always" });
    });

    describe("canary", () => {
        it("weighted: the canary's replicas follow its weight, stable keeps full size; the header and preview reach the canary while it has replicas", () => {
            const plan = planTraffic(state({ strategy: "canary", stable: "1", canary: "2", weight: 25 }), 4);
            assert.deepEqual(tracksOf(plan), { stable: "1@75x4", canary: "2@25x1" });
            assert.equal(plan.primary.name, "stable");
            assert.equal(plan.candidate?.name, "canary");
            assert.deepEqual(plan.header, { track: "canary", answers: true });
            assert.equal(plan.preview?.name, "canary");
        });

        it("a canary at weight 0 has no replicas: the header's route does not answer and there is no preview", () => {
            const plan = planTraffic(state({ strategy: "canary", stable: "1", canary: "2", weight: 0 }), 4);
            assert.deepEqual(tracksOf(plan), { stable: "1@100x4", canary: "2@0x0" });
            assert.deepEqual(plan.header, { track: "canary", answers: false });
            assert.equal(plan.preview, undefined);
        });

        it("with no canary: one track, no candidate, no header", () => {
            const plan = planTraffic(state({ strategy: "canary", stable: "1" }), 4);
            assert.deepEqual(tracksOf(plan), { stable: "1@100x4" });
            assert.equal(plan.candidate, undefined);
            assert.equal(plan.header, undefined);
            assert.equal(plan.preview, undefined);
        });

        it("replicaRatio (Kubernetes with no router): the share is the ratio of replicas, as today's sizing", () => {
            const at = (weight: number) => tracksOf(planTraffic(state({ strategy: "canary", stable: "1", canary: "2", weight, steps: [10, 25, 50, 100] }), 4, { sizing: "replicaRatio" }));
            assert.deepEqual(at(25), { stable: "1@75x3", canary: "2@25x1" });
            assert.deepEqual(at(10), { stable: "1@75x3", canary: "2@25x1" }, "one pod in four is the smallest share");
            assert.deepEqual(at(50), { stable: "1@50x2", canary: "2@50x2" });
            assert.deepEqual(at(100), { stable: "1@0x0", canary: "2@100x4" });
            const one = planTraffic(state({ strategy: "canary", stable: "1", canary: "2", weight: 25 }), 1, { sizing: "replicaRatio" });
            assert.deepEqual(tracksOf(one), { stable: "1@50x1", canary: "2@50x1" }, "one replica cannot be split: one of each");
        });

        it("local (fullSize, everyTrack): fixed server names through a whole promotion, a process per declared track", () => {
            const steps = planRelease(state({ strategy: "canary", stable: "1.0.0" }), { version: "2.0.0" }).steps;
            const plans = steps.map((s) => planTraffic(s.state, 1, { sizing: "fullSize", everyTrack: true }));
            assert.deepEqual(plans.map(tracksOf), [
                { stable: "1.0.0@75x1", canary: "2.0.0@25x1" },
                { stable: "1.0.0@50x1", canary: "2.0.0@50x1" },
                { stable: "1.0.0@0x1", canary: "2.0.0@100x1" },
                { stable: "2.0.0@0x1", canary: "2.0.0@100x1" },
                { stable: "2.0.0@100x1", canary: "none@0x0" },
            ]);
            assert.deepEqual(plans.map((p) => p.header), [
                { track: "canary", answers: true },
                { track: "canary", answers: true },
                { track: "canary", answers: true },
                { track: "canary", answers: true },
                { track: "canary", answers: false },
            ]);
            const parked = planTraffic(state({ strategy: "canary", stable: "1", canary: "2", weight: 0 }), 1, { sizing: "fullSize", everyTrack: true });
            assert.deepEqual(tracksOf(parked), { stable: "1@100x1", canary: "2@0x1" }, "a canary at weight 0 still runs, for its header and preview port");
            assert.equal(parked.preview?.name, "canary");
        });
    });

    describe("blue-green", () => {
        it("active first at 100, the idle color at 0 with full size until it is scaled down; the header and preview reach the idle color while it runs and preview is on", () => {
            const [deploy, switchOver, scaleDown] = planRelease(state({ strategy: "blueGreen", blue: "1.0.0" }), { version: "2.0.0" }).steps;
            const plans = [deploy, switchOver, scaleDown].map((s) => planTraffic(s.state, 3));
            assert.deepEqual(plans.map(tracksOf), [
                { blue: "1.0.0@100x3", green: "2.0.0@0x3" },
                { green: "2.0.0@100x3", blue: "1.0.0@0x3" },
                { green: "2.0.0@100x3", blue: "1.0.0@0x0" },
            ]);
            assert.deepEqual(plans.map((p) => p.primary.name), ["blue", "green", "green"]);
            assert.deepEqual(plans.map((p) => p.header), [
                { track: "green", answers: true },
                { track: "blue", answers: true },
                { track: "blue", answers: false },
            ]);
            assert.deepEqual(plans.map((p) => p.preview?.name), ["green", "blue", undefined], "after the switch the preview reaches the rollback target");
        });

        it("has no header route nor preview when preview is off, and only the active color when the other has no version", () => {
            const off = planTraffic(state({ strategy: "blueGreen", blue: "1", green: "2", preview: false }), 2);
            assert.equal(off.header, undefined);
            assert.equal(off.preview, undefined);
            assert.equal(off.candidate?.name, "green");
            const alone = planTraffic(state({ strategy: "blueGreen", blue: "1" }), 2);
            assert.deepEqual(tracksOf(alone), { blue: "1@100x2" });
            assert.equal(alone.header, undefined);
        });

        it("local (everyTrack): both colors always, in a fixed order, a scaled-down color with no process", () => {
            const steps = planRelease(state({ strategy: "blueGreen", blue: "1.0.0" }), { version: "2.0.0" }).steps;
            const plans = steps.map((s) => planTraffic(s.state, 1, { sizing: "fullSize", everyTrack: true }));
            assert.deepEqual(plans.map(tracksOf), [
                { blue: "1.0.0@100x1", green: "2.0.0@0x1" },
                { blue: "1.0.0@0x1", green: "2.0.0@100x1" },
                { blue: "1.0.0@0x0", green: "2.0.0@100x1" },
            ]);
            assert.deepEqual(plans.map((p) => p.tracks.map((t) => t.name)), [["blue", "green"], ["blue", "green"], ["blue", "green"]]);
            const first = planTraffic(state({ strategy: "blueGreen", blue: "1" }), 1, { everyTrack: true });
            assert.deepEqual(tracksOf(first), { blue: "1@100x1", green: "none@0x0" });
            assert.deepEqual(first.header, { track: "green", answers: false });
        });
    });

    describe("rolling", () => {
        it("settled: one track at full size and all the traffic, no candidate (locally the next server declared, empty)", () => {
            const plan = planTraffic(state({ strategy: "rolling", current: "3" }), 5);
            assert.deepEqual(tracksOf(plan), { current: "3@100x5" });
            assert.equal(plan.candidate, undefined);
            assert.equal(plan.header, undefined);
            assert.equal(plan.preview, undefined);
            const local = planTraffic(state({ strategy: "rolling", current: "3" }), 1, { sizing: "fullSize", everyTrack: true });
            assert.deepEqual(tracksOf(local), { current: "3@100x1", next: "none@0x0" });
            assert.equal(local.header, undefined);
        });

        it("mid-update: the batch on the next track with its share of the replicas and the same share of traffic, reached by the header", () => {
            const plan = planTraffic(state({ strategy: "rolling", current: "3", next: "4", weight: 40 }), 5);
            assert.deepEqual(tracksOf(plan), { current: "3@60x3", next: "4@40x2" });
            assert.deepEqual(plan.header, { track: "next", answers: true });
            assert.equal(plan.preview?.name, "next");
            // A rollback's first state: every replica and request back on current.
            assert.deepEqual(tracksOf(planTraffic(state({ strategy: "rolling", current: "3", next: "4", weight: 0 }), 5)), { current: "3@100x5", next: "4@0x0" });
        });
    });
});
