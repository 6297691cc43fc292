import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { shippedStackConfig } from "../../helpers/engine";
import { findResource, findResources, installMocks, promiseOf, resetResources, resourceNames, settle } from "../helpers/pulumi-mocks";

const PROGRAM = require.resolve("../../../stacks/program/index");

/** Runs the program as `pulumi up` would, under the mocks, with a stack file's config. */
async function runProgram(config: Record<string, unknown>, stack: string): Promise<Record<string, any>> {
    await installMocks({ stack });
    resetResources();
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(values);
    delete require.cache[PROGRAM];
    const outputs = require(PROGRAM) as Record<string, any>;
    await settle();
    return outputs;
}

/** What a service component explicitly depends on (a component stands for itself and its children). */
function dependsOnNames(component: string, type: string): string[] {
    return [...new Set(findResource(type, component).dependsOn)].sort();
}

describe("the stack program", () => {
    it("declares the staging stack as shipped: blue-green services on the local platform, backend first", async () => {
        const outputs = await runProgram(shippedStackConfig("staging"), "staging");
        assert.deepEqual(resourceNames("shipgate:local:BlueGreenService"), ["backend", "frontend"]);
        assert.deepEqual(resourceNames("pulumi-nodejs:dynamic/shipgate:LocalProcess"), ["backend-blue", "frontend-blue"]);
        const BG = "shipgate:local:BlueGreenService";
        const frontendDeps = dependsOnNames("frontend", BG);
        assert.ok(frontendDeps.includes("backend-blue") && frontendDeps.includes("backend-route"), `the frontend waits for the backend: ${frontendDeps}`);
        assert.ok(!dependsOnNames("backend", BG).some((d) => d.startsWith("frontend")), "the backend waits for no frontend");
        const frontendProcess = findResource("pulumi-nodejs:dynamic/shipgate:LocalProcess", "frontend-blue");
        assert.equal(frontendProcess.inputs.env.BACKEND_URL, "http://127.0.0.1:17010", "the link carries the backend's router endpoint");
        assert.equal(frontendProcess.inputs.env.APP_VERSION, "1.0.0");
        const route = findResource("pulumi-nodejs:dynamic/shipgate:HaproxyRoute", "backend-route");
        assert.deepEqual(
            route.inputs.spec.servers.map((s: { name: string; weight: number }) => [s.name, s.weight]),
            [["blue", 100], ["green", 0]],
        );
        assert.deepEqual(outputs.deployOrder, ["backend", "frontend"]);
        const backend: any = await promiseOf((outputs.services as any).backend);
        assert.equal(backend.strategy, "blueGreen");
        assert.equal(backend.endpoint, "http://127.0.0.1:17010");
        assert.equal(backend.tracks.blue.version, "1.0.0");
        assert.deepEqual(backend.router, {
            kind: "haproxy",
            socket: `${route.inputs.dir}/admin.sock`,
            backend: "be_backend",
            servers: { blue: "blue", green: "green" },
        }, "the release engine reaches the router through the exported descriptor");
    });

    it("declares the production stack on Kubernetes by switching shipgate:platform alone", async () => {
        const config = { ...shippedStackConfig("production"), "shipgate:platform": "kubernetes" };
        await runProgram(config, "production");
        assert.deepEqual(resourceNames("shipgate:kubernetes:CanaryService"), ["backend", "frontend"]);
        const provider = findResource("pulumi:providers:kubernetes", "kubernetes");
        assert.match(provider.inputs.renderYamlToDirectory, /\.shipgate\/manifests\/production$/, "no cluster configured: manifests are rendered");
        assert.deepEqual(resourceNames("kubernetes:core/v1:Namespace"), ["shop"]);
        const routes = findResources("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
        assert.deepEqual(routes.map((r) => r.name).sort(), ["backend", "frontend"]);
        assert.deepEqual(dependsOnNames("frontend", "shipgate:kubernetes:CanaryService"), ["backend", "backend-stable", "shop"]);
        const frontend = findResource("kubernetes:apps/v1:Deployment", "frontend-stable");
        const env = frontend.inputs.spec.template.spec.containers[0].env as { name: string; value: string }[];
        // The link is the backend's routed endpoint, so the frontend's calls follow the backend's canary weights.
        assert.deepEqual(env.find((e) => e.name === "BACKEND_URL"), { name: "BACKEND_URL", value: "http://shop.example.com" });
    });

    it("names the stack's kubeconfig context in each service's router descriptor", async () => {
        const config = shippedStackConfig("production") as Record<string, any>;
        const outputs = await runProgram(
            { ...config, "shipgate:platform": "kubernetes", "shipgate:kubernetes": { ...config["shipgate:kubernetes"], context: "prod-eu" } },
            "production",
        );
        const backend: any = await promiseOf(outputs.services.backend);
        assert.deepEqual(backend.router.cluster, { context: "prod-eu" });
        assert.equal(backend.router.kind, "gatewayApi");
        assert.equal(backend.router.httpRoute, "backend");
    });

    it("stops before registering anything when a value is bad, naming the key", async () => {
        const config = shippedStackConfig("production") as Record<string, any>;
        const bad = structuredClone(config);
        bad["shipgate:services"].backend.release.steps = [10, 50];
        await assert.rejects(
            runProgram(bad, "production"),
            (err: unknown) =>
                err instanceof pulumi.RunError &&
                /shipgate:services\.backend\.release\.steps\[1\]: the last step must be 100/.test(err.message) &&
                /pulumi config set --path/.test(err.message),
        );
        assert.deepEqual(findResources("shipgate:local:CanaryService"), []);
    });
});
