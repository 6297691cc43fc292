import { strict as assert } from "node:assert";
import type * as kubernetes from "../../../components/kubernetes";
import type { KubernetesRouterInput } from "../../../components/kubernetes/router-spec";
import { RollingRelease } from "../../../components/release/rolling";
import { RollingReleaseInput } from "../../../components/release/rolling";
import { planRelease } from "../../../components/release/planner";
import { parseReleaseState } from "../../../components/release/release-state";
import { dependencyRecorder, findResource, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { GATEWAY, NAMESPACE, NGINX, NO_ROUTER, T, build, containerOf, headerTarget, loadComponents, routeWeights, selectorOf, serviceSpec } from "./fixtures";

const CURRENT: RollingReleaseInput = { strategy: "rolling", current: "1.0.0" };

describe("RollingService", () => {
    let k8s: typeof kubernetes;

    before(async () => {
        k8s = await loadComponents();
    });

    function rolling(release: RollingReleaseInput, router: KubernetesRouterInput = GATEWAY, overrides = {}) {
        return build(() => new k8s.RollingService("backend", { namespace: NAMESPACE, service: serviceSpec(release, overrides), router }));
    }

    it("runs one Deployment, one Service and a budget, all named backend, on the current track", async () => {
        await rolling(CURRENT);
        assert.deepEqual(resourceNames(T.deployment), ["backend"]);
        assert.deepEqual(resourceNames(T.service), ["backend"]);
        assert.deepEqual(resourceNames(T.pdb), ["backend"]);
        const current = { "app.kubernetes.io/name": "backend", "shipgate.dev/track": "current" };
        assert.deepEqual(selectorOf(T.deployment, "backend"), current);
        assert.deepEqual(selectorOf(T.service, "backend"), current);
        assert.deepEqual(routeWeights(findResource(T.httpRoute, "backend")), { backend: 100 });
    });

    it("takes maxSurge and maxUnavailable from the release", async () => {
        await rolling({ ...CURRENT, maxSurge: 1, maxUnavailable: "10%" });
        assert.deepEqual(findResource(T.deployment, "backend").inputs.spec.strategy, {
            type: "RollingUpdate",
            rollingUpdate: { maxSurge: 1, maxUnavailable: "10%" },
        });
        await rolling(CURRENT);
        assert.deepEqual(findResource(T.deployment, "backend").inputs.spec.strategy.rollingUpdate, { maxSurge: "25%", maxUnavailable: "25%" });
    });

    it("rolls to the planned version with the same probes, resources and secrets", async () => {
        const [step] = planRelease(parseReleaseState(CURRENT), { version: "2.0.0" }).steps;
        const component = await rolling(step.state as RollingRelease, GATEWAY, { healthPath: "/ready" });
        const deployment = findResource(T.deployment, "backend");
        const container = containerOf(deployment);
        assert.equal(container.image, "ghcr.io/acme/backend:2.0.0");
        assert.equal(deployment.inputs.spec.template.metadata.labels["app.kubernetes.io/version"], "2.0.0");
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
            assert.equal(container[probe].httpGet.path, "/ready");
        }
        assert.deepEqual(container.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } });
        assert.equal(container.env.find((e: { name: string }) => e.name === "DATABASE_URL").value, undefined);
        assert.equal(await promiseOf(component.version), "2.0.0");
        assert.deepEqual(await promiseOf(component.tracks), {
            current: { version: "2.0.0", image: "ghcr.io/acme/backend:2.0.0", replicas: 4, weight: 100, endpoint: "http://backend.shop.svc.cluster.local:8080" },
        });
    });

    it("has no budget for a single replica", async () => {
        await rolling(CURRENT, NO_ROUTER, { replicas: 1 });
        assert.deepEqual(resourceNames(T.pdb), []);
    });

    it("reaches the service through the router's host, or its Service without one", async () => {
        assert.equal(await promiseOf((await rolling(CURRENT, NGINX)).endpoint), "https://shop.example.com");
        assert.deepEqual(resourceNames(T.ingress), ["backend"]);
        const component = await rolling(CURRENT, NO_ROUTER);
        assert.deepEqual(resourceNames(T.httpRoute), []);
        assert.equal(await promiseOf(component.endpoint), "http://backend.shop.svc.cluster.local:8080");
        assert.equal(await promiseOf(component.strategy), "rolling");
        assert.equal(await promiseOf(component.previewEndpoint), undefined);
    });

    describe("batch by batch", () => {
        const [batch] = planRelease(parseReleaseState(CURRENT), { version: "2.0.0" }, { rollingReplicas: 4 }).steps;

        it("runs a batch as backend-next on its share of the replicas; backend keeps the rest on the version it had", async () => {
            assert.equal(batch.kind, "rolling-batch");
            const component = await rolling(batch.state as RollingRelease);
            assert.deepEqual(resourceNames(T.deployment), ["backend", "backend-next"]);
            assert.equal(containerOf(findResource(T.deployment, "backend")).image, "ghcr.io/acme/backend:1.0.0");
            assert.equal(containerOf(findResource(T.deployment, "backend-next")).image, "ghcr.io/acme/backend:2.0.0");
            assert.deepEqual([findResource(T.deployment, "backend").inputs.spec.replicas, findResource(T.deployment, "backend-next").inputs.spec.replicas], [2, 2]);
            assert.deepEqual(selectorOf(T.deployment, "backend-next"), { "app.kubernetes.io/name": "backend", "shipgate.dev/track": "next" });
            assert.deepEqual(routeWeights(findResource(T.httpRoute, "backend")), { backend: 50, "backend-next": 50 });
            assert.equal(headerTarget(findResource(T.httpRoute, "backend")), "backend-next", "the candidate header reaches the batch");
            assert.equal(await promiseOf(component.version), "1.0.0", "the live version until the last batch");
            assert.equal(await promiseOf(component.previewEndpoint), "http://backend-next.shop.svc.cluster.local:8080");
            const tracks = await promiseOf(component.tracks);
            assert.deepEqual([tracks.current.version, tracks.current.replicas, tracks.next?.version, tracks.next?.replicas], ["1.0.0", 2, "2.0.0", 2]);
        });

        it("scales backend down only once the batch is ready, and moves traffic only once both are", async () => {
            const recorder = dependencyRecorder();
            await build(() => new k8s.RollingService("backend", { namespace: NAMESPACE, service: serviceSpec(batch.state as RollingRelease), router: GATEWAY }, { transformations: recorder.transformations }));
            assert.deepEqual(await recorder.dependsOn(T.deployment, "backend"), ["backend-next"]);
            assert.deepEqual(await recorder.dependsOn(T.httpRoute, "backend"), ["backend", "backend-next"]);
        });

        it("with no router, Service backend selects every pod of the app, so the batch's share is its share of the pods", async () => {
            await rolling(batch.state as RollingRelease, NO_ROUTER);
            assert.deepEqual(selectorOf(T.service, "backend"), { "app.kubernetes.io/name": "backend" });
            assert.deepEqual(selectorOf(T.service, "backend-next"), { "app.kubernetes.io/name": "backend", "shipgate.dev/track": "next" });
        });

        it("a rollback's first state keeps the batch at 0 pods and every replica back on backend", async () => {
            await rolling({ ...CURRENT, next: "2.0.0", weight: 0 });
            assert.deepEqual([findResource(T.deployment, "backend").inputs.spec.replicas, findResource(T.deployment, "backend-next").inputs.spec.replicas], [4, 0]);
            assert.deepEqual(routeWeights(findResource(T.httpRoute, "backend")), { backend: 100, "backend-next": 0 });
        });
    });
});
