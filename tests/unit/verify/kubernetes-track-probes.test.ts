import { strict as assert } from "node:assert";
import { RouterDescriptorSchema } from "../../../components/release";
import { CheckHealthFn } from "../../../stacks/automation/verify/health-probe";
import { kubernetesTrackProbes } from "../../../stacks/automation/verify/pod-readiness-probe";
import { UNREACHABLE_KUBECONFIG } from "../../helpers/unreachable-kubeconfig";

const descriptor = (external?: object) =>
    RouterDescriptorSchema.parse({
        kind: "gatewayApi",
        cluster: {},
        namespace: "shop",
        httpRoute: "backend",
        backends: { stable: "backend-stable", canary: "backend-canary" },
        deployments: { stable: "backend-stable", canary: "backend-canary" },
        ...(external ? { external } : {}),
    });

describe("Kubernetes track probes", () => {
    const access = { kubeconfig: UNREACHABLE_KUBECONFIG, env: {} };
    const external = { url: "https://shop.example.com/", header: { name: "X-Canary", value: "always" } };

    it("adds the header track's health through the router's external URL, with the header, beside its pods", async () => {
        const seen: { url: string; headers?: Readonly<Record<string, string>> }[] = [];
        const check: CheckHealthFn = async (url, options) => {
            seen.push({ url, headers: options.headers });
            return { url, at: new Date().toISOString(), color: "RED", latencyMs: 1, httpStatus: 503, reason: "HTTP 503 (the service reports a failure)" };
        };
        const probes = kubernetesTrackProbes(descriptor(external), ["canary"], access, { healthPath: "/health", headerTrack: "canary", check })!;
        assert.deepEqual(
            probes.map((p) => p.target),
            ["pods of Deployment shop/backend-canary", "https://shop.example.com/health (X-Canary: always)"],
        );
        const result = await probes[1].check({ timeoutMs: 1000 });
        assert.deepEqual(seen, [{ url: "https://shop.example.com/health", headers: { "X-Canary": "always" } }]);
        // Reports name the header with the URL: without it, the URL alone is mostly the stable track.
        assert.equal(result.url, "https://shop.example.com/health (X-Canary: always)");
        assert.equal(result.color, "RED");
    });

    it("reads only pods where the header does not reach a probed track, or the router has no external URL", () => {
        const targets = (d: ReturnType<typeof descriptor>, tracks: string[], headerTrack?: string) =>
            kubernetesTrackProbes(d, tracks, access, { healthPath: "/health", headerTrack })!.map((p) => p.target);
        assert.deepEqual(targets(descriptor(external), ["stable"], "canary"), ["pods of Deployment shop/backend-stable"]);
        assert.deepEqual(targets(descriptor(external), ["canary"]), ["pods of Deployment shop/backend-canary"]);
        assert.deepEqual(targets(descriptor(), ["canary"], "canary"), ["pods of Deployment shop/backend-canary"]);
    });
});
