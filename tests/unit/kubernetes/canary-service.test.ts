import { strict as assert } from "node:assert";
import fc from "fast-check";
import type * as kubernetes from "../../../components/kubernetes";
import type { KubernetesRouterInput } from "../../../components/kubernetes/router-spec";
import { CanaryRelease, CanaryReleaseInput } from "../../../components/release/canary";
import { planRelease } from "../../../components/release/planner";
import { parseReleaseState } from "../../../components/release/release-state";
import { canarySizing } from "../../../components/release/sizing";
import { dependencyRecorder, findResource, findResources, maybeResource, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import {
    GATEWAY,
    NAMESPACE,
    NGINX,
    NO_ROUTER,
    T,
    build,
    containerOf,
    headerTarget,
    loadComponents,
    replicasByDeployment,
    routeWeights,
    selectorOf,
    serviceSpec,
} from "./fixtures";

const NGINX_CANARY = "nginx.ingress.kubernetes.io/canary";
const NGINX_WEIGHT = "nginx.ingress.kubernetes.io/canary-weight";
const NGINX_HEADER = "nginx.ingress.kubernetes.io/canary-by-header";

const SETTLED: CanaryReleaseInput = { strategy: "canary", stable: "1.0.0" };

/** The release states a promotion to 2.0.0 walks through, from a settled 1.0.0. */
function promotionSteps(from: CanaryReleaseInput = SETTLED) {
    return planRelease(parseReleaseState(from), { version: "2.0.0" }).steps;
}

describe("CanaryService", () => {
    let k8s: typeof kubernetes;

    before(async () => {
        k8s = await loadComponents();
    });

    function canary(release: CanaryReleaseInput, router: KubernetesRouterInput | undefined = GATEWAY, overrides = {}) {
        return build(() => new k8s.CanaryService("backend", { namespace: NAMESPACE, service: serviceSpec(release, overrides), router }));
    }

    describe("children", () => {
        it("runs only the stable track when the release has no canary", async () => {
            await canary(SETTLED);
            assert.deepEqual(resourceNames(T.deployment), ["backend-stable"]);
            assert.deepEqual(resourceNames(T.service), ["backend-stable"]);
            assert.deepEqual(resourceNames(T.pdb), ["backend-stable"]);
            assert.deepEqual(resourceNames(T.httpRoute), ["backend"]);
            assert.deepEqual(resourceNames(T.ingress), []);
        });

        it("adds the canary track, named backend-canary, while the release has a canary", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 50 });
            assert.deepEqual(resourceNames(T.deployment), ["backend-canary", "backend-stable"]);
            assert.deepEqual(resourceNames(T.service), ["backend-canary", "backend-stable"]);
            assert.deepEqual(resourceNames(T.pdb), ["backend-canary", "backend-stable"]);
        });

        it("gives Kubernetes objects the names of their Pulumi resources, in the namespace", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 25 });
            for (const type of [T.deployment, T.service, T.pdb, T.httpRoute]) {
                for (const r of findResources(type)) {
                    assert.equal(r.inputs.metadata.name, r.name, `${type} ${r.name}`);
                    assert.equal(r.inputs.metadata.namespace, NAMESPACE, `${type} ${r.name}`);
                }
            }
        });

        it("registers its args (the plain release state and service spec) as its inputs, for policies", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 25 });
            const component = findResource(T.canaryService, "backend");
            assert.equal(component.custom, false);
            assert.equal(component.inputs.namespace, NAMESPACE);
            assert.equal(component.inputs.router.kind, "gatewayApi");
            assert.equal(component.inputs.service.image, "ghcr.io/acme/backend");
            assert.equal(component.inputs.service.replicas, 4);
            assert.deepEqual(component.inputs.service.release.stable, { version: "1.0.0" });
            assert.deepEqual(component.inputs.service.release.canary, { version: "2.0.0" });
            assert.equal(component.inputs.service.release.weight, 25);
            // Defaults are filled in, so a policy reads the steps that will really be walked.
            assert.deepEqual(component.inputs.service.release.steps, [25, 50, 100]);
        });
    });

    describe("labels and selectors", () => {
        it("labels every object with the app, shipgate and pulumi; Deployments and pods also with version and track", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 25 }, GATEWAY);
            for (const type of [T.deployment, T.service, T.pdb, T.httpRoute]) {
                for (const r of findResources(type)) {
                    const labels = r.inputs.metadata.labels;
                    assert.equal(labels["app.kubernetes.io/name"], "backend", `${type} ${r.name}`);
                    assert.equal(labels["app.kubernetes.io/part-of"], "shipgate", `${type} ${r.name}`);
                    assert.equal(labels["app.kubernetes.io/managed-by"], "pulumi", `${type} ${r.name}`);
                }
            }
            for (const [track, version] of [["stable", "1.0.0"], ["canary", "2.0.0"]]) {
                const deployment = findResource(T.deployment, `backend-${track}`);
                for (const labels of [deployment.inputs.metadata.labels, deployment.inputs.spec.template.metadata.labels]) {
                    assert.equal(labels["app.kubernetes.io/version"], version);
                    assert.equal(labels["shipgate.dev/track"], track);
                }
            }
        });

        it("selects exactly one track per Deployment, Service and budget, and never on the version", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 50 });
            for (const track of ["stable", "canary"]) {
                const expected = { "app.kubernetes.io/name": "backend", "shipgate.dev/track": track };
                assert.deepEqual(selectorOf(T.deployment, `backend-${track}`), expected);
                assert.deepEqual(selectorOf(T.service, `backend-${track}`), expected);
                assert.deepEqual(selectorOf(T.pdb, `backend-${track}`), expected);
                // The pods carry every selected label, so the selector matches them.
                const podLabels = findResource(T.deployment, `backend-${track}`).inputs.spec.template.metadata.labels;
                for (const [k, v] of Object.entries(expected)) {
                    assert.equal(podLabels[k], v);
                }
            }
        });

        it("adds the user's labels without letting them override shipgate's", async () => {
            await build(
                () =>
                    new k8s.CanaryService("backend", {
                        namespace: NAMESPACE,
                        service: serviceSpec(SETTLED),
                        router: NO_ROUTER,
                        labels: { team: "payments", "shipgate.dev/track": "spoofed" },
                    }),
            );
            const labels = findResource(T.deployment, "backend-stable").inputs.metadata.labels;
            assert.equal(labels.team, "payments");
            assert.equal(labels["shipgate.dev/track"], "stable");
        });
    });

    describe("pods", () => {
        it("runs repository:version, or the artifact's own image", async () => {
            await canary({ ...SETTLED, canary: { version: "2.0.0", image: "ghcr.io/acme/backend@sha256:abc" }, weight: 25 });
            assert.equal(containerOf(findResource(T.deployment, "backend-stable")).image, "ghcr.io/acme/backend:1.0.0");
            assert.equal(containerOf(findResource(T.deployment, "backend-canary")).image, "ghcr.io/acme/backend@sha256:abc");
        });

        it("probes startup, readiness and liveness on the health path and port of every container", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 25 }, GATEWAY, { healthPath: "/healthz", port: 9000 });
            for (const deployment of findResources(T.deployment)) {
                const container = containerOf(deployment);
                assert.deepEqual(container.ports, [{ name: "http", containerPort: 9000, protocol: "TCP" }]);
                for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
                    assert.equal(container[probe].httpGet.path, "/healthz", `${deployment.name} ${probe}`);
                    assert.equal(container[probe].httpGet.port, 9000, `${deployment.name} ${probe}`);
                    assert.ok(container[probe].periodSeconds > 0 && container[probe].failureThreshold > 0);
                }
                // The protocol's "3 consecutive failed health checks" takes a pod out of rotation.
                assert.equal(container.readinessProbe.failureThreshold, 3);
            }
        });

        it("sets resource requests and limits", async () => {
            await canary(SETTLED, GATEWAY, { resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } } });
            assert.deepEqual(containerOf(findResource(T.deployment, "backend-stable")).resources, {
                requests: { cpu: "250m", memory: "256Mi" },
                limits: { cpu: "1", memory: "512Mi" },
            });
        });

        it("takes secrets from a secretKeyRef, never as a plain value", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 25 });
            for (const deployment of findResources(T.deployment)) {
                const env: Record<string, any>[] = containerOf(deployment).env;
                const secret = env.find((e) => e.name === "DATABASE_URL");
                assert.deepEqual(secret, { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "backend-db", key: "url" } } });
                assert.deepEqual(
                    env.find((e) => e.name === "LOG_FORMAT"),
                    { name: "LOG_FORMAT", value: "json" },
                );
            }
        });

        it("awaits readiness: RollingUpdate without capacity loss, a 600 s deadline, no skipAwait", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 25 });
            for (const deployment of findResources(T.deployment)) {
                assert.deepEqual(deployment.inputs.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } });
                assert.equal(deployment.inputs.spec.progressDeadlineSeconds, 600);
                assert.equal(deployment.inputs.metadata.annotations?.["pulumi.com/skipAwait"], undefined);
            }
        });
    });

    describe("disruption budgets", () => {
        it("protects a Deployment with more than one replica, and only those", async () => {
            // 4 replicas at 25%: the canary runs 1 pod, the stable track 4.
            await canary({ ...SETTLED, canary: "2.0.0", weight: 25 });
            assert.deepEqual(replicasByDeployment(), { "backend-stable": 4, "backend-canary": 1 });
            assert.deepEqual(resourceNames(T.pdb), ["backend-stable"]);
            assert.equal(findResource(T.pdb, "backend-stable").inputs.spec.maxUnavailable, 1);
            assert.equal(findResource(T.pdb, "backend-stable").inputs.apiVersion, "policy/v1");
        });

        it("has none for a single replica", async () => {
            await canary(SETTLED, GATEWAY, { replicas: 1 });
            assert.deepEqual(resourceNames(T.pdb), []);
        });
    });

    describe("a promotion through Gateway API", () => {
        it("matches every step: weights, header rule, replicas; the canary disappears at finalize", async () => {
            const steps = promotionSteps();
            assert.deepEqual(
                steps.map((s) => s.kind),
                ["canary-weight", "canary-weight", "canary-weight", "canary-promote", "canary-finalize"],
            );
            for (const step of steps) {
                const state = step.state as CanaryRelease;
                const component = await canary(state);
                const route = findResource(T.httpRoute, "backend");
                const sizing = canarySizing(state, 4, "weighted");
                if (state.canary) {
                    assert.deepEqual(routeWeights(route), { "backend-stable": 100 - state.weight, "backend-canary": state.weight }, step.summary);
                    assert.equal(headerTarget(route), "backend-canary", step.summary);
                    assert.deepEqual(replicasByDeployment(), { "backend-stable": 4, "backend-canary": sizing.canaryReplicas }, step.summary);
                } else {
                    assert.deepEqual(routeWeights(route), { "backend-stable": 100 }, step.summary);
                    assert.equal(headerTarget(route), undefined, step.summary);
                    assert.deepEqual(resourceNames(T.deployment), ["backend-stable"], step.summary);
                    assert.deepEqual(resourceNames(T.service), ["backend-stable"], step.summary);
                    assert.equal(maybeResource(T.pdb, "backend-canary"), undefined, step.summary);
                }
                assert.equal(await promiseOf(component.weight), state.canary ? state.weight : 0);
                const stableImage = containerOf(findResource(T.deployment, "backend-stable")).image;
                assert.equal(stableImage, `ghcr.io/acme/backend:${state.stable.version}`, step.summary);
            }
            // After the promotion the stable track runs the new version.
            assert.equal((steps[steps.length - 1].state as CanaryRelease).stable.version, "2.0.0");
        });

        it("routes the X-Canary: always header to the canary, on the route's gateway and hostnames", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 25 }, { ...GATEWAY, gateway: { name: "public", namespace: "gateway-system", sectionName: "https" } } as KubernetesRouterInput);
            const route = findResource(T.httpRoute, "backend");
            assert.equal(route.inputs.apiVersion, "gateway.networking.k8s.io/v1");
            assert.equal(route.inputs.kind, "HTTPRoute");
            assert.deepEqual(route.inputs.spec.parentRefs, [
                { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "gateway-system", sectionName: "https" },
            ]);
            assert.deepEqual(route.inputs.spec.hostnames, ["shop.example.com"]);
            const [headerRule] = route.inputs.spec.rules;
            assert.deepEqual(headerRule.matches[0].headers, [{ type: "Exact", name: "X-Canary", value: "always" }]);
            for (const rule of route.inputs.spec.rules) {
                for (const ref of rule.backendRefs) {
                    assert.equal(ref.port, 8080);
                    assert.equal(ref.kind, "Service");
                }
            }
        });

        it("shifts traffic only once the tracks' pods are ready: the route depends on both Deployments", async () => {
            const recorder = dependencyRecorder();
            await build(
                () =>
                    new k8s.CanaryService(
                        "backend",
                        { namespace: NAMESPACE, service: serviceSpec({ ...SETTLED, canary: "2.0.0", weight: 25 }), router: GATEWAY },
                        { transformations: recorder.transformations },
                    ),
            );
            assert.deepEqual(await recorder.dependsOn(T.httpRoute, "backend"), ["backend-canary", "backend-stable"]);
        });

        it("keeps a canary with no traffic (a rollback's first state) at 0 pods and routes no header to it", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 0 });
            const route = findResource(T.httpRoute, "backend");
            assert.deepEqual(routeWeights(route), { "backend-stable": 100, "backend-canary": 0 });
            assert.equal(headerTarget(route), undefined);
            assert.deepEqual(replicasByDeployment(), { "backend-stable": 4, "backend-canary": 0 });
        });
    });

    describe("a promotion through ingress-nginx", () => {
        it("matches every step with the canary Ingress' weight annotation; the canary Ingress disappears at finalize", async () => {
            for (const step of promotionSteps()) {
                const state = step.state as CanaryRelease;
                await canary(state, NGINX);
                const main = findResource(T.ingress, "backend");
                assert.equal(main.inputs.spec.rules[0].http.paths[0].backend.service.name, "backend-stable", step.summary);
                assert.equal(main.inputs.metadata.annotations?.[NGINX_CANARY], undefined);
                const canaryIngress = maybeResource(T.ingress, "backend-canary");
                if (state.canary) {
                    assert.ok(canaryIngress, step.summary);
                    assert.deepEqual(canaryIngress.inputs.metadata.annotations, {
                        [NGINX_CANARY]: "true",
                        [NGINX_WEIGHT]: String(state.weight),
                        [NGINX_HEADER]: "X-Canary",
                    });
                    assert.equal(canaryIngress.inputs.spec.rules[0].host, "shop.example.com");
                    assert.equal(canaryIngress.inputs.spec.rules[0].http.paths[0].backend.service.name, "backend-canary");
                } else {
                    assert.equal(canaryIngress, undefined, step.summary);
                }
            }
        });

        it("serves TLS from the secret on both Ingresses, with the ingress class", async () => {
            const component = await canary({ ...SETTLED, canary: "2.0.0", weight: 25 }, NGINX);
            for (const ingress of findResources(T.ingress)) {
                assert.equal(ingress.inputs.spec.ingressClassName, "nginx");
                assert.deepEqual(ingress.inputs.spec.tls, [{ hosts: ["shop.example.com"], secretName: "shop-tls" }]);
            }
            assert.equal(await promiseOf(component.endpoint), "https://shop.example.com");
        });
    });

    describe("a promotion with no router", () => {
        it("approximates each step's weight with the replica ratio behind one Service over both tracks", async () => {
            for (const step of promotionSteps()) {
                const state = step.state as CanaryRelease;
                const component = await canary(state, NO_ROUTER);
                assert.deepEqual(resourceNames(T.httpRoute), []);
                assert.deepEqual(resourceNames(T.ingress), []);
                assert.deepEqual(selectorOf(T.service, "backend"), { "app.kubernetes.io/name": "backend" });
                const replicas = replicasByDeployment();
                const total = (replicas["backend-stable"] ?? 0) + (replicas["backend-canary"] ?? 0);
                if (state.canary) {
                    assert.equal(total, 4, `${step.summary}: the replica budget is kept`);
                    const share = Math.round((replicas["backend-canary"] / total) * 100);
                    assert.ok(Math.abs(share - state.weight) <= 25, `${step.summary}: share ${share}% for weight ${state.weight}%`);
                    assert.equal(await promiseOf(component.weight), share);
                } else {
                    assert.deepEqual(replicas, { "backend-stable": 4 });
                    assert.equal(await promiseOf(component.weight), 0);
                }
            }
        });

        it("moves every replica to the canary at 100%", async () => {
            await canary({ ...SETTLED, canary: "2.0.0", weight: 100 }, NO_ROUTER);
            assert.deepEqual(replicasByDeployment(), { "backend-stable": 0, "backend-canary": 4 });
            assert.deepEqual(resourceNames(T.pdb), ["backend-canary"]);
        });
    });

    describe("outputs", () => {
        it("reports each track, the live endpoint and version", async () => {
            const component = await canary({ ...SETTLED, canary: "2.0.0", weight: 25 });
            assert.equal(await promiseOf(component.strategy), "canary");
            assert.equal(await promiseOf(component.endpoint), "http://shop.example.com");
            assert.equal(await promiseOf(component.version), "1.0.0");
            assert.equal(await promiseOf(component.previewEndpoint), "http://backend-canary.shop.svc.cluster.local:8080");
            assert.deepEqual(await promiseOf(component.tracks), {
                stable: {
                    version: "1.0.0",
                    image: "ghcr.io/acme/backend:1.0.0",
                    replicas: 4,
                    weight: 75,
                    endpoint: "http://backend-stable.shop.svc.cluster.local:8080",
                },
                canary: {
                    version: "2.0.0",
                    image: "ghcr.io/acme/backend:2.0.0",
                    replicas: 1,
                    weight: 25,
                    endpoint: "http://backend-canary.shop.svc.cluster.local:8080",
                },
            });
        });

        it("uses the Service over both tracks as the endpoint without a router", async () => {
            const component = await canary(SETTLED, NO_ROUTER);
            assert.equal(await promiseOf(component.endpoint), "http://backend.shop.svc.cluster.local:8080");
            assert.equal(await promiseOf(component.previewEndpoint), undefined);
            assert.deepEqual(Object.keys(await promiseOf(component.tracks)), ["stable"]);
        });
    });

    describe("properties", () => {
        const stepLists = fc
            .uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 6 })
            .map((steps) => [...steps.sort((a, b) => a - b), 100]);

        it("at every step, for any replicas and steps, the route's weights sum to 100 and a canary with traffic has a pod", async () => {
            await fc.assert(
                fc.asyncProperty(fc.integer({ min: 1, max: 50 }), stepLists, async (replicas, steps) => {
                    for (const step of promotionSteps({ ...SETTLED, steps })) {
                        const state = step.state as CanaryRelease;
                        await canary(state, GATEWAY, { replicas });
                        const weights = routeWeights(findResource(T.httpRoute, "backend"));
                        assert.equal(Object.values(weights).reduce((a, b) => a + b, 0), 100);
                        const canaryReplicas = replicasByDeployment()["backend-canary"] ?? 0;
                        if ((weights["backend-canary"] ?? 0) > 0) {
                            assert.ok(canaryReplicas >= 1, `${step.summary}: canary has ${canaryReplicas} pods`);
                        }
                        assert.equal(replicasByDeployment()["backend-stable"], replicas, "the stable track keeps full capacity");
                    }
                }),
                { numRuns: 15 },
            );
        });

        it("without a router, the replica budget is kept and both tracks have a pod while both get traffic", async () => {
            await fc.assert(
                fc.asyncProperty(fc.integer({ min: 1, max: 50 }), stepLists, async (replicas, steps) => {
                    for (const step of promotionSteps({ ...SETTLED, steps })) {
                        const state = step.state as CanaryRelease;
                        const component = await canary(state, NO_ROUTER, { replicas });
                        const r = replicasByDeployment();
                        const share = await promiseOf(component.weight);
                        if (share > 0 && share < 100) {
                            assert.ok(r["backend-stable"] >= 1 && r["backend-canary"] >= 1, step.summary);
                        }
                        if (share === 100) {
                            assert.equal(r["backend-canary"], replicas);
                        }
                        // Only one replica cannot be split: run one of each rather than starve a track.
                        assert.ok(r["backend-stable"] + (r["backend-canary"] ?? 0) <= Math.max(replicas, 2));
                    }
                }),
                { numRuns: 15 },
            );
        });
    });
});
