import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as k8s from "@kubernetes/client-node";
import { RouterDescriptorSchema } from "../../../components/release";
import { RouterMismatch, readBackWeights } from "../../../stacks/automation/routers/read-back";
import { RouterError } from "../../../stacks/automation/routers/router";
import { createRouter } from "../../../stacks/automation/routers/router-factory";
import { KubeCluster, startCluster } from "../../helpers/kube-cluster";

// The engine's Kubernetes routers against a real API server (kwok runs the pods): what they
// read back is what the API server stored, and a Deployment that has not rolled out is a
// problem of the route, not a pass.
describe("Kubernetes routers (real API server)", function () {
    this.timeout(300_000);
    let cluster: KubeCluster;
    let kubeconfig: string;
    let objects: k8s.KubernetesObjectApi;
    const ns = "routers";

    const apply = (o: k8s.KubernetesObject) =>
        objects.patch({ ...o, metadata: { ...o.metadata, namespace: o.metadata?.namespace ?? ns } }, undefined, undefined, "routers-test", true, k8s.PatchStrategy.ServerSideApply);
    const deployment = (name: string, track: string, replicas = 1) => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name },
        spec: {
            replicas,
            selector: { matchLabels: { app: "web", track } },
            template: { metadata: { labels: { app: "web", track } }, spec: { containers: [{ name: "web", image: "registry.example.com/web:1" }] } },
        },
    });
    const service = (name: string, selector: Record<string, string>) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector, ports: [{ port: 80 }] } });
    const route = (stable: number, canary: number) => ({
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "web" },
        spec: {
            parentRefs: [{ name: cluster.gateway.name, namespace: cluster.gateway.namespace, sectionName: cluster.gateway.sectionName }],
            rules: [
                { matches: [{ headers: [{ name: "X-Canary", value: "always" }] }], backendRefs: [{ name: "web-canary", port: 80 }] },
                {
                    backendRefs: [
                        { name: "web-stable", port: 80, weight: stable },
                        { name: "web-canary", port: 80, weight: canary },
                    ],
                },
            ],
        },
    });
    const router = (descriptor: Record<string, unknown>) => createRouter(RouterDescriptorSchema.parse(descriptor), { env: {}, kubeconfig });
    const gateway = () =>
        router({ kind: "gatewayApi", cluster: {}, namespace: ns, httpRoute: "web", backends: { stable: "web-stable", canary: "web-canary" }, deployments: { stable: "web-stable", canary: "web-canary" } });
    const available = async (name: string) => {
        for (let i = 0; i < 100; i++) {
            const d = (await objects.read({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: ns } })) as k8s.V1Deployment;
            if ((d.status?.availableReplicas ?? 0) === d.spec?.replicas) return;
            await new Promise((r) => setTimeout(r, 200));
        }
        throw new Error(`${name} never became available`);
    };

    before(async function () {
        this.timeout(240_000);
        cluster = await startCluster();
        kubeconfig = readFileSync(cluster.kubeconfigPath, "utf8");
        const kc = new k8s.KubeConfig();
        kc.loadFromString(kubeconfig);
        objects = k8s.KubernetesObjectApi.makeApiClient(kc);
        await apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, namespace: undefined } } as k8s.KubernetesObject);
        for (const track of ["stable", "canary", "blue", "green"]) {
            await apply(deployment(`web-${track}`, track));
            await apply(service(`web-${track}`, { app: "web", track }));
        }
        await Promise.all(["stable", "canary", "blue", "green"].map((t) => available(`web-${t}`)));
    });

    after(async function () {
        this.timeout(60_000);
        await cluster?.stop();
    });

    describe("Gateway API (HTTPRoute)", () => {
        it("reads the weighted rule's backendRefs back as percentages, past the header rule", async () => {
            await apply(route(75, 25));
            const readBack = await readBackWeights(gateway(), { stable: 75, canary: 25 });
            assert.deepEqual(readBack.weights, { stable: 75, canary: 25 });
            assert.equal(readBack.router, `HTTPRoute ${ns}/web`);
        });

        it("fails the step's check when the stored weights differ, naming tracks and figures", async () => {
            await apply(route(50, 50));
            await assert.rejects(readBackWeights(gateway(), { stable: 75, canary: 25 }), (e: Error) => {
                assert.ok(e instanceof RouterMismatch);
                assert.equal(e.message, `HTTPRoute ${ns}/web reads back stable 50% (asked 75%); canary 50% (asked 25%)`);
                return true;
            });
        });

        it("sets the weights directly through the API server (the emergency path), keeping the header rule", async () => {
            await apply(route(50, 50));
            await gateway().setWeights({ stable: 100, canary: 0 });
            assert.deepEqual((await readBackWeights(gateway(), { stable: 100, canary: 0 })).weights, { stable: 100, canary: 0 });
            const stored = (await objects.read({ apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "web", namespace: ns } })) as any;
            assert.equal(stored.spec.rules.length, 2, "the header rule is still there");
        });

        it("reports a track's Deployment that has not rolled out as a problem of the route", async () => {
            await apply(route(75, 25));
            await apply({ ...deployment("web-canary", "canary"), spec: { ...deployment("web-canary", "canary").spec, replicas: 2, template: { ...deployment("web-canary", "canary").spec.template, metadata: { labels: { app: "web", track: "canary", "shipgate.dev/fault": "not-ready" } } } } } as never);
            await assert.rejects(readBackWeights(gateway(), { stable: 75, canary: 25 }, { settleMs: 2_000 }), /Deployment web-canary \(track canary\): .* of 2 replicas/);
            await apply(deployment("web-canary", "canary"));
            await available("web-canary");
        });

        it("says what is missing when the route does not exist", async () => {
            const gone = router({ kind: "gatewayApi", cluster: {}, namespace: ns, httpRoute: "nothing", backends: { stable: "web-stable" }, deployments: {} });
            await assert.rejects(gone.readWeights(), (e: Error) => e instanceof RouterError && /HTTPRoute routers\/nothing: it does not exist/.test(e.message));
        });
    });

    describe("ingress-nginx (canary Ingress annotation)", () => {
        const ingress = (name: string, svc: string, annotations: Record<string, string> = {}) => ({
            apiVersion: "networking.k8s.io/v1",
            kind: "Ingress",
            metadata: { name, annotations },
            spec: { ingressClassName: "nginx", rules: [{ host: "shop.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: svc, port: { number: 80 } } } }] } }] },
        });
        const nginx = () =>
            router({ kind: "ingressNginx", cluster: {}, namespace: ns, ingress: "web", canaryIngress: "web-canary", backends: { stable: "web-stable", canary: "web-canary" }, deployments: { stable: "web-stable", canary: "web-canary" } });

        it("reads the canary weight annotation back, sets it directly, and reads the change", async () => {
            await apply(ingress("web", "web-stable"));
            await apply(ingress("web-canary", "web-canary", { "nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-weight": "25" }));
            assert.deepEqual((await readBackWeights(nginx(), { stable: 75, canary: 25 })).weights, { stable: 75, canary: 25 });
            await nginx().setWeights({ stable: 100, canary: 0 });
            assert.deepEqual((await readBackWeights(nginx(), { stable: 100, canary: 0 })).weights, { stable: 100, canary: 0 });
            await assert.rejects(readBackWeights(nginx(), { stable: 50, canary: 50 }), RouterMismatch);
        });
    });

    describe("no router (replica ratio, blue-green selector)", () => {
        it("reads a blue-green Service's selector as the active color and switches it directly", async () => {
            await apply(service("web", { app: "web", track: "blue" }));
            const colors = router({ kind: "kubernetesReplicas", cluster: {}, namespace: ns, deployments: { blue: "web-blue", green: "web-green" }, selector: { service: "web", label: "track" } });
            assert.deepEqual((await readBackWeights(colors, { blue: 100, green: 0 })).weights, { blue: 100, green: 0 });
            await colors.setWeights({ blue: 0, green: 100 });
            assert.deepEqual((await readBackWeights(colors, { blue: 0, green: 100 })).weights, { blue: 0, green: 100 });
        });

        it("reads a canary's share as its share of ready replicas, and refuses to set a ratio directly", async () => {
            await apply(deployment("web-stable", "stable", 3));
            await available("web-stable");
            const ratio = router({ kind: "kubernetesReplicas", cluster: {}, namespace: ns, deployments: { stable: "web-stable", canary: "web-canary" } });
            assert.deepEqual((await readBackWeights(ratio, { stable: 75, canary: 25 })).weights, { stable: 75, canary: 25 });
            await assert.rejects(ratio.setWeights({ stable: 100, canary: 0 }), /only an up changes/);
            await apply(deployment("web-stable", "stable", 1));
        });
    });
});
