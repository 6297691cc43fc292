import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ReleaseState, directRoute, parseReleaseState, planRelease, planRollback, sameArtifact, trafficSplit } from "../../../components/release";

const state = (input: unknown) => parseReleaseState(input);

// What a rollback's emergency path may do at the router before the `up`: a router move only when
// nothing has to be deployed for it.
describe("direct route of a rollback (the router first, then the up)", () => {
    const lastGoodCanary = state({ strategy: "canary", stable: "1.0.0" });

    it("sends a failing canary's share to stable at once: the stable track still runs the good release", () => {
        const failed = state({ strategy: "canary", stable: "1.0.0", canary: "2.0.0", weight: 50 });
        assert.deepEqual(directRoute(failed, planRollback(failed, lastGoodCanary).map((s) => s.state)), { kind: "route", split: { stable: 100, canary: 0 } });
    });

    it("leaves traffic to the up once the stable track was moved to the new release (nothing runs the good one)", () => {
        const promoted = state({ strategy: "canary", stable: "2.0.0", canary: "2.0.0", weight: 100 });
        const route = directRoute(promoted, planRollback(promoted, lastGoodCanary).map((s) => s.state));
        assert.equal(route.kind, "up-only");
        assert.match(route.kind === "up-only" ? route.reason : "", /stable track runs 2\.0\.0, not 1\.0\.0/);
    });

    it("switches blue-green back to the previous color while it still runs, not once it was scaled down", () => {
        const lastGood = state({ strategy: "blueGreen", blue: "1.0.0", active: "blue", idleScaledDown: true });
        const switched = state({ strategy: "blueGreen", blue: "1.0.0", green: "2.0.0", active: "green" });
        assert.deepEqual(directRoute(switched, planRollback(switched, lastGood).map((s) => s.state)), { kind: "route", split: { blue: 100, green: 0 } });

        const scaledDown = { ...switched, idleScaledDown: true } as ReleaseState;
        const route = directRoute(scaledDown, planRollback(scaledDown, lastGood).map((s) => s.state));
        assert.equal(route.kind, "up-only");
        assert.match(route.kind === "up-only" ? route.reason : "", /blue was scaled down/);
    });

    it("says when traffic is already where the restore puts it (a canary at 0%, a deployed idle color)", () => {
        const atZero = state({ strategy: "canary", stable: "1.0.0", canary: "2.0.0", weight: 0 });
        assert.deepEqual(directRoute(atZero, planRollback(atZero, lastGoodCanary).map((s) => s.state)), { kind: "already", split: { stable: 100, canary: 0 } });
    });

    it("never routes traffic to a track that does not run the artifact the restore state gives it (any release, any failed step)", () => {
        fc.assert(
            fc.property(fc.constantFrom("canary", "blueGreen"), fc.integer({ min: 0, max: 7 }), (strategy, at) => {
                const lastGood = strategy === "canary" ? lastGoodCanary : state({ strategy: "blueGreen", blue: "1.0.0", active: "blue", idleScaledDown: true, scaleDownDelaySeconds: 0 });
                const steps = planRelease(lastGood, { version: "2.0.0" }).steps;
                const failed = steps[Math.min(at, steps.length - 1)].state;
                const restore = planRollback(failed, lastGood);
                if (!restore.length) return;
                const route = directRoute(failed, restore.map((s) => s.state));
                if (route.kind !== "route") return;
                const first = restore.map((s) => s.state).find((s) => JSON.stringify(trafficSplit(s)) === JSON.stringify(route.split))!;
                assert.ok(first, "the split is one of the restore's states");
                for (const [track, weight] of Object.entries(route.split)) {
                    if (weight === 0) continue;
                    const running = (failed as unknown as Record<string, { version: string } | undefined>)[track];
                    const wanted = (first as unknown as Record<string, { version: string } | undefined>)[track];
                    assert.ok(sameArtifact(running, wanted), `${track} takes ${weight}% and runs ${running?.version}, the restore wants ${wanted?.version}`);
                }
            }),
        );
    });
});
