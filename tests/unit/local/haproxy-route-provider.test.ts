import { strict as assert } from "node:assert";
import { RouteSpec } from "../../../components/local/runtime/haproxy-config";
import { HaproxyRouteOutputs, provider } from "../../../components/local/runtime/providers/haproxy-route-provider";

const spec: RouteSpec = {
    service: "backend",
    bindPort: 27010,
    servers: [
        { name: "stable", port: 27011, weight: 75 },
        { name: "canary", port: 27012, weight: 25 },
    ],
    candidate: "canary",
    header: { name: "X-Canary", value: "always" },
    healthPath: "/health",
};
const inputs = { dir: "/tmp/router", master: { pid: 4242, id: "m1" }, spec };
const stored = (weights: Record<string, number>): HaproxyRouteOutputs => ({ ...inputs, live: { weights, ports: { stable: 27011, canary: 27012 } } });

// The route's diff decides whether every `up` (and a preview after a promotion) shows a change.
describe("HAProxy route provider's diff", () => {
    it("sees no change when HAProxy lists the same weights in another order than the spec", async () => {
        const diff = await provider.diff!("m1/backend", stored({ canary: 25, stable: 75 }), inputs);
        assert.equal(diff.changes, false);
    });

    it("sees drift when HAProxy holds other weights than the spec (someone set them by hand)", async () => {
        const diff = await provider.diff!("m1/backend", stored({ stable: 100, canary: 0 }), inputs);
        assert.equal(diff.changes, true);
        assert.deepEqual(diff.replaces, []);
    });
});
