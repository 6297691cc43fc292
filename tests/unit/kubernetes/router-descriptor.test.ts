import { strict as assert } from "node:assert";
import type * as kubernetes from "../../../components/kubernetes";
import type { KubernetesRouterInput } from "../../../components/kubernetes/router-spec";
import type { ReleaseStateInput } from "../../../components/release/release-state";
import { RouterDescriptorSchema } from "../../../components/release/router-descriptor";
import { findResource, findResources, promiseOf } from "../helpers/pulumi-mocks";
import { GATEWAY, NAMESPACE, NGINX, NO_ROUTER, T, build, loadComponents, selectorOf, serviceSpec } from "./fixtures";

const CANARY: ReleaseStateInput = { strategy: "canary", stable: "1.0.0", canary: "2.0.0", weight: 25 };
const BLUE_GREEN: ReleaseStateInput = { strategy: "blueGreen", blue: "1.0.0", green: "2.0.0", active: "blue" };

/** Metadata names of every recorded object of a type. */
const objectNames = (type: string) => findResources(type).map((r) => r.inputs.metadata.name).sort();

describe("Kubernetes router descriptor", () => {
    let k8s: typeof kubernetes;

    before(async () => {
        k8s = await loadComponents();
    });

    async function descriptorOf(release: ReleaseStateInput, router: KubernetesRouterInput, context?: string) {
        const component = await build(() =>
            k8s.createKubernetesService("backend", { namespace: NAMESPACE, service: serviceSpec(release), router, ...(context ? { context } : {}) }),
        );
        const descriptor = await promiseOf(component.router);
        // The engine parses exactly this.
        assert.deepEqual(RouterDescriptorSchema.parse(descriptor), descriptor);
        return descriptor;
    }

    it("canary on Gateway API: the HTTPRoute, the Services its backendRefs name and the Deployments, at the stack's context", async () => {
        const descriptor = await descriptorOf(CANARY, GATEWAY, "prod-cluster");
        assert.deepEqual(descriptor, {
            kind: "gatewayApi",
            cluster: { context: "prod-cluster" },
            namespace: NAMESPACE,
            httpRoute: "backend",
            backends: { stable: "backend-stable", canary: "backend-canary" },
            deployments: { stable: "backend-stable", canary: "backend-canary" },
        });
        const route = findResource(T.httpRoute, "backend");
        assert.equal(route.inputs.metadata.name, descriptor.httpRoute);
        assert.equal(route.inputs.metadata.namespace, descriptor.namespace);
        const refs = route.inputs.spec.rules.at(-1).backendRefs.map((b: { name: string }) => b.name).sort();
        assert.deepEqual(refs, Object.values(descriptor.backends).sort(), "the weighted rule names the descriptor's Services");
        assert.deepEqual(objectNames(T.deployment), Object.values(descriptor.deployments).sort());
    });

    it("carries router.externalUrl with the header that reaches the candidate there", async () => {
        const gateway = await descriptorOf(CANARY, { kind: "gatewayApi", gateway: { name: "public" }, externalUrl: "https://shop.example.com", canaryHeader: { name: "X-Shipgate", value: "canary" } });
        assert.deepEqual(gateway.kind === "gatewayApi" && gateway.external, { url: "https://shop.example.com", header: { name: "X-Shipgate", value: "canary" } });
        const nginx = await descriptorOf(CANARY, { kind: "ingressNginx", host: "shop.example.com", externalUrl: "https://shop.example.com/" });
        // ingress-nginx's canary-by-header sends "always" to the canary.
        assert.deepEqual(nginx.kind === "ingressNginx" && nginx.external, { url: "https://shop.example.com/", header: { name: "X-Canary", value: "always" } });
        assert.ok(!("external" in (await descriptorOf(CANARY, GATEWAY))), "no externalUrl: nothing to reach from outside");
    });

    it("canary on ingress-nginx: the main and the canary Ingress, as created", async () => {
        const descriptor = await descriptorOf(CANARY, NGINX);
        assert.deepEqual(descriptor, {
            kind: "ingressNginx",
            cluster: {},
            namespace: NAMESPACE,
            ingress: "backend",
            canaryIngress: "backend-canary",
            backends: { stable: "backend-stable", canary: "backend-canary" },
            deployments: { stable: "backend-stable", canary: "backend-canary" },
        });
        assert.deepEqual(objectNames(T.ingress), [descriptor.ingress, descriptor.canaryIngress].sort());
        const backendOf = (name: string) => findResource(T.ingress, name).inputs.spec.rules[0].http.paths[0].backend.service.name;
        assert.equal(backendOf("backend"), descriptor.backends.stable);
        assert.equal(backendOf("backend-canary"), descriptor.backends.canary);
    });

    it("canary with no router: the replica ratio of the tracks' Deployments, no selector switch", async () => {
        const descriptor = await descriptorOf(CANARY, NO_ROUTER);
        assert.deepEqual(descriptor, { kind: "kubernetesReplicas", cluster: {}, namespace: NAMESPACE, deployments: { stable: "backend-stable", canary: "backend-canary" } });
        assert.deepEqual(objectNames(T.deployment), Object.values(descriptor.deployments).sort());
    });

    it("blue-green on Gateway API: the per-color Services the route weighs", async () => {
        const descriptor = await descriptorOf(BLUE_GREEN, GATEWAY);
        assert.deepEqual(descriptor, {
            kind: "gatewayApi",
            cluster: {},
            namespace: NAMESPACE,
            httpRoute: "backend",
            backends: { blue: "backend-blue", green: "backend-green" },
            deployments: { blue: "backend-blue", green: "backend-green" },
        });
        const refs = findResource(T.httpRoute, "backend").inputs.spec.rules.at(-1).backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight]);
        assert.deepEqual(refs, [["backend-blue", 100], ["backend-green", 0]]);
    });

    it("blue-green with no router: the active Service whose color selector switches", async () => {
        const descriptor = await descriptorOf(BLUE_GREEN, NO_ROUTER, "kind-shop");
        assert.deepEqual(descriptor, {
            kind: "kubernetesReplicas",
            cluster: { context: "kind-shop" },
            namespace: NAMESPACE,
            deployments: { blue: "backend-blue", green: "backend-green" },
            selector: { service: "backend", label: "shipgate.dev/color" },
        });
        assert.equal(findResource(T.service, descriptor.selector!.service).inputs.metadata.name, "backend");
        assert.equal(selectorOf(T.service, "backend")[descriptor.selector!.label], "blue", "the label's value names the active color");
        assert.deepEqual(objectNames(T.deployment), ["backend-blue", "backend-green"]);
    });

    it("rolling: one track on its own Service and Deployment", async () => {
        const descriptor = await descriptorOf({ strategy: "rolling", current: "1.0.0" }, GATEWAY);
        assert.deepEqual(descriptor, {
            kind: "gatewayApi",
            cluster: {},
            namespace: NAMESPACE,
            httpRoute: "backend",
            backends: { current: "backend" },
            deployments: { current: "backend" },
        });
        assert.deepEqual(objectNames(T.deployment), ["backend"]);
        assert.deepEqual(await descriptorOf({ strategy: "rolling", current: "1.0.0" }, NO_ROUTER), {
            kind: "kubernetesReplicas",
            cluster: {},
            namespace: NAMESPACE,
            deployments: { current: "backend" },
        });
    });
});
