import { strict as assert } from "node:assert";
import { clusterSpecProblems } from "../../../components/kubernetes/cluster-checks";
import { ServiceSpecSchema } from "../../../components/release/service-spec";

function spec(input: Record<string, unknown>) {
    return ServiceSpecSchema.parse({ image: "ghcr.io/acme/backend", ...input });
}

describe("clusterSpecProblems (what the API server would refuse)", () => {
    it("accepts the defaults and both shipped shapes", () => {
        assert.deepEqual(clusterSpecProblems(spec({ release: { strategy: "canary", stable: "1.0.0", canary: "2.0.0-rc.1", weight: 25 } })), []);
        assert.deepEqual(
            clusterSpecProblems(spec({ resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } }, release: { strategy: "blueGreen", blue: "1.0.0", active: "blue" } })),
            [],
        );
        assert.deepEqual(clusterSpecProblems(spec({ resources: { requests: { cpu: "0.5", memory: "1G" }, limits: { cpu: "500m", memory: "1Gi" } }, release: { strategy: "rolling", current: "1" } })), []);
    });

    it("names each artifact whose version is not a label value (the schema lets a trailing '-', '.' or '_' through)", () => {
        const canary = clusterSpecProblems(spec({ release: { strategy: "canary", stable: "1.0.0", canary: "2.0.0-", weight: 25 } }));
        assert.deepEqual(canary.map((p) => p.path), ["release.canary"]);
        assert.match(canary[0].message, /"2\.0\.0-" becomes the label app\.kubernetes\.io\/version.*e\.g\. "2\.0\.0"/);
        const colors = clusterSpecProblems(spec({ release: { strategy: "blueGreen", blue: "1.0.", green: { version: "2_", image: "x@sha256:1" }, active: "blue" } }));
        assert.deepEqual(colors.map((p) => p.path), ["release.blue", "release.green"]);
        assert.deepEqual(clusterSpecProblems(spec({ release: { strategy: "rolling", current: "3-" } })).map((p) => p.path), ["release.current"]);
    });

    it("names a request above its limit, defaults included", () => {
        const cpu = clusterSpecProblems(spec({ resources: { requests: { cpu: "1" } }, release: { strategy: "rolling", current: "1.0.0" } }));
        assert.deepEqual(cpu.map((p) => p.path), ["resources.requests.cpu"]);
        assert.match(cpu[0].message, /the cpu request 1 is above the cpu limit 500m \(resources\.limits\.cpu\)/);
        const memory = clusterSpecProblems(spec({ resources: { requests: { memory: "1Gi" }, limits: { memory: "1000Mi" } }, release: { strategy: "rolling", current: "1.0.0" } }));
        assert.deepEqual(memory.map((p) => p.path), ["resources.requests.memory"]);
        assert.deepEqual(clusterSpecProblems(spec({ resources: { requests: { memory: "1000M" }, limits: { memory: "1Gi" } }, release: { strategy: "rolling", current: "1.0.0" } })), []);
    });
});
