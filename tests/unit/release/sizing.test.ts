import { strict as assert } from "node:assert";
import fc from "fast-check";
import { canarySizing, colorReplicas, parseReleaseState } from "../../../components/release";

describe("canary sizing", () => {
    const at = (weight: number) =>
        parseReleaseState({ strategy: "canary", stable: "1", canary: weight ? "2" : undefined, weight, steps: [10, 25, 50, 100] });

    it("with a router, keeps the stable track at full size and gives the canary at least one pod", () => {
        assert.deepEqual(canarySizing(at(10) as never, 4, "weighted"), { stableReplicas: 4, canaryReplicas: 1, canaryShare: 10 });
        assert.deepEqual(canarySizing(at(50) as never, 4, "weighted"), { stableReplicas: 4, canaryReplicas: 2, canaryShare: 50 });
        assert.deepEqual(canarySizing(at(0) as never, 4, "weighted"), { stableReplicas: 4, canaryReplicas: 0, canaryShare: 0 });
    });

    it("without a router, approximates the weight with the replica ratio", () => {
        assert.deepEqual(canarySizing(at(25) as never, 4, "replicaRatio"), { stableReplicas: 3, canaryReplicas: 1, canaryShare: 25 });
        assert.deepEqual(canarySizing(at(100) as never, 4, "replicaRatio"), { stableReplicas: 0, canaryReplicas: 4, canaryShare: 100 });
    });

    it("never runs a track with traffic but no pods, and never exceeds the replica budget without a router", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 50 }), fc.constantFrom(10, 25, 50, 100), (replicas, weight) => {
                const ratio = canarySizing(at(weight) as never, replicas, "replicaRatio");
                assert.ok(ratio.canaryReplicas >= 1);
                assert.ok(ratio.canaryShare === 100 || ratio.stableReplicas >= 1);
                assert.ok(ratio.stableReplicas + ratio.canaryReplicas <= Math.max(replicas, 2));
                const weighted = canarySizing(at(weight) as never, replicas, "weighted");
                assert.equal(weighted.stableReplicas, replicas);
                assert.ok(weighted.canaryReplicas >= 1 && weighted.canaryReplicas <= replicas);
            }),
        );
    });
});

describe("blue-green sizing", () => {
    it("keeps the idle color at full size until it is scaled down", () => {
        const up = parseReleaseState({ strategy: "blueGreen", blue: "1", green: "2", active: "green" });
        const down = parseReleaseState({ strategy: "blueGreen", blue: "1", green: "2", active: "green", idleScaledDown: true });
        assert.deepEqual(colorReplicas(up as never, 3), { green: 3, blue: 3 });
        assert.deepEqual(colorReplicas(down as never, 3), { green: 3, blue: 0 });
    });
});
