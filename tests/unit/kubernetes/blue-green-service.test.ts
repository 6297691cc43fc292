import { strict as assert } from "node:assert";
import type * as kubernetes from "../../../components/kubernetes";
import type { KubernetesRouterInput } from "../../../components/kubernetes/router-spec";
import { BlueGreenRelease, BlueGreenReleaseInput } from "../../../components/release/blue-green";
import { planRelease } from "../../../components/release/planner";
import { parseReleaseState } from "../../../components/release/release-state";
import { dependencyRecorder, findResource, maybeResource, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
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

const BLUE_LIVE: BlueGreenReleaseInput = { strategy: "blueGreen", blue: "1.0.0", active: "blue", scaleDownDelaySeconds: 120 };
const color = (c: "blue" | "green") => ({ "app.kubernetes.io/name": "backend", "shipgate.dev/color": c });

/** deploy → switch → scale-down of 2.0.0 from blue on 1.0.0. */
function promotionSteps() {
    return planRelease(parseReleaseState(BLUE_LIVE), { version: "2.0.0" }).steps;
}

describe("BlueGreenService", () => {
    let k8s: typeof kubernetes;

    before(async () => {
        k8s = await loadComponents();
    });

    function blueGreen(release: BlueGreenReleaseInput, router: KubernetesRouterInput = GATEWAY, overrides = {}) {
        return build(() => new k8s.BlueGreenService("backend", { namespace: NAMESPACE, service: serviceSpec(release, overrides), router }));
    }

    it("runs only the colors that have a version", async () => {
        const component = await blueGreen(BLUE_LIVE);
        assert.deepEqual(resourceNames(T.deployment), ["backend-blue"]);
        assert.deepEqual(resourceNames(T.service), ["backend", "backend-blue"]);
        assert.deepEqual(selectorOf(T.service, "backend"), color("blue"));
        assert.equal(await promiseOf(component.previewEndpoint), undefined);
        assert.deepEqual(Object.keys(await promiseOf(component.tracks)), ["blue"]);
    });

    it("selects exactly one color per Deployment, per-color Service and budget", async () => {
        await blueGreen({ ...BLUE_LIVE, green: "2.0.0" });
        for (const c of ["blue", "green"] as const) {
            assert.deepEqual(selectorOf(T.deployment, `backend-${c}`), color(c));
            assert.deepEqual(selectorOf(T.service, `backend-${c}`), color(c));
            assert.deepEqual(selectorOf(T.pdb, `backend-${c}`), color(c));
            const deployment = findResource(T.deployment, `backend-${c}`);
            assert.equal(deployment.inputs.spec.template.metadata.labels["shipgate.dev/color"], c);
            assert.equal(containerOf(deployment).readinessProbe.httpGet.path, "/health");
            assert.equal(containerOf(deployment).env.find((e: { name: string }) => e.name === "DATABASE_URL").valueFrom.secretKeyRef.name, "backend-db");
        }
    });

    describe("a promotion: deploy → switch → scale-down", () => {
        it("moves the active and preview Services, the route and the idle color's replicas as each step says", async () => {
            const steps = promotionSteps();
            assert.deepEqual(
                steps.map((s) => s.kind),
                ["bluegreen-deploy", "bluegreen-switch", "bluegreen-scale-down"],
            );
            const [deploy, switchOver, scaleDown] = steps;

            // deploy: green runs 2.0.0 at full size, reachable only through the preview.
            let component = await blueGreen(deploy.state as BlueGreenRelease);
            assert.deepEqual(replicasByDeployment(), { "backend-blue": 4, "backend-green": 4 });
            assert.deepEqual(selectorOf(T.service, "backend"), color("blue"));
            assert.deepEqual(selectorOf(T.service, "backend-preview"), color("green"));
            let route = findResource(T.httpRoute, "backend");
            assert.deepEqual(routeWeights(route), { "backend-blue": 100, "backend-green": 0 });
            assert.equal(headerTarget(route), "backend-green");
            assert.equal(await promiseOf(component.activeColor), "blue");
            assert.equal(await promiseOf(component.version), "1.0.0");
            assert.equal(await promiseOf(component.previewEndpoint), "http://backend-preview.shop.svc.cluster.local:8080");
            assert.equal(findResource(T.deployment, "backend-green").inputs.metadata.annotations["shipgate.dev/scale-down-delay-seconds"], "120");
            assert.equal(findResource(T.deployment, "backend-blue").inputs.metadata.annotations, undefined);

            // switch: green takes all traffic; blue stays at full size as the rollback target.
            component = await blueGreen(switchOver.state as BlueGreenRelease);
            assert.deepEqual(replicasByDeployment(), { "backend-blue": 4, "backend-green": 4 });
            assert.deepEqual(selectorOf(T.service, "backend"), color("green"));
            assert.deepEqual(selectorOf(T.service, "backend-preview"), color("blue"));
            route = findResource(T.httpRoute, "backend");
            assert.deepEqual(routeWeights(route), { "backend-green": 100, "backend-blue": 0 });
            assert.equal(headerTarget(route), "backend-blue");
            assert.equal(await promiseOf(component.activeColor), "green");
            assert.equal(await promiseOf(component.version), "2.0.0");
            assert.equal(findResource(T.deployment, "backend-blue").inputs.metadata.annotations["shipgate.dev/scale-down-delay-seconds"], "120");
            assert.equal(findResource(T.deployment, "backend-green").inputs.metadata.annotations, undefined);

            // scale-down: blue keeps its Deployment (declared rollback target) at 0 pods, with no budget or preview.
            component = await blueGreen(scaleDown.state as BlueGreenRelease);
            assert.deepEqual(replicasByDeployment(), { "backend-blue": 0, "backend-green": 4 });
            assert.deepEqual(selectorOf(T.service, "backend"), color("green"));
            assert.equal(maybeResource(T.service, "backend-preview"), undefined);
            assert.deepEqual(resourceNames(T.pdb), ["backend-green"]);
            route = findResource(T.httpRoute, "backend");
            assert.deepEqual(routeWeights(route), { "backend-green": 100, "backend-blue": 0 });
            assert.equal(headerTarget(route), undefined);
            assert.equal(await promiseOf(component.previewEndpoint), undefined);
        });

        it("reports both colors with weights 100/0", async () => {
            const component = await blueGreen(promotionSteps()[1].state as BlueGreenRelease);
            assert.equal(await promiseOf(component.strategy), "blueGreen");
            assert.equal(await promiseOf(component.endpoint), "http://shop.example.com");
            assert.deepEqual(await promiseOf(component.tracks), {
                blue: { version: "1.0.0", image: "ghcr.io/acme/backend:1.0.0", replicas: 4, weight: 0, endpoint: "http://backend-blue.shop.svc.cluster.local:8080" },
                green: { version: "2.0.0", image: "ghcr.io/acme/backend:2.0.0", replicas: 4, weight: 100, endpoint: "http://backend-green.shop.svc.cluster.local:8080" },
            });
        });
    });

    it("with no router, switches by the active Service's selector alone", async () => {
        for (const step of promotionSteps()) {
            const state = step.state as BlueGreenRelease;
            const component = await blueGreen(state, NO_ROUTER);
            assert.deepEqual(resourceNames(T.httpRoute), []);
            assert.deepEqual(resourceNames(T.ingress), []);
            assert.deepEqual(selectorOf(T.service, "backend"), color(state.active), step.summary);
            assert.equal(await promiseOf(component.endpoint), "http://backend.shop.svc.cluster.local:8080");
        }
    });

    it("with ingress-nginx, sends the main Ingress to the active color and the header to the idle one", async () => {
        await blueGreen(promotionSteps()[0].state as BlueGreenRelease, NGINX);
        assert.equal(findResource(T.ingress, "backend").inputs.spec.rules[0].http.paths[0].backend.service.name, "backend-blue");
        const preview = findResource(T.ingress, "backend-canary");
        assert.equal(preview.inputs.spec.rules[0].http.paths[0].backend.service.name, "backend-green");
        assert.deepEqual(preview.inputs.metadata.annotations, {
            "nginx.ingress.kubernetes.io/canary": "true",
            "nginx.ingress.kubernetes.io/canary-weight": "0",
            "nginx.ingress.kubernetes.io/canary-by-header": "X-Canary",
        });
        await blueGreen(promotionSteps()[2].state as BlueGreenRelease, NGINX);
        assert.equal(findResource(T.ingress, "backend").inputs.spec.rules[0].http.paths[0].backend.service.name, "backend-green");
        assert.equal(maybeResource(T.ingress, "backend-canary"), undefined);
    });

    it("has no preview Service while preview is off", async () => {
        await blueGreen({ ...BLUE_LIVE, green: "2.0.0", preview: false });
        assert.equal(maybeResource(T.service, "backend-preview"), undefined);
        assert.equal(headerTarget(findResource(T.httpRoute, "backend")), undefined);
    });

    it("moves traffic only once the colors' pods are ready: route and selectors depend on the Deployments", async () => {
        const recorder = dependencyRecorder();
        await build(
            () =>
                new k8s.BlueGreenService(
                    "backend",
                    { namespace: NAMESPACE, service: serviceSpec({ ...BLUE_LIVE, green: "2.0.0" }), router: GATEWAY },
                    { transformations: recorder.transformations },
                ),
        );
        const colors = ["backend-blue", "backend-green"];
        assert.deepEqual(await recorder.dependsOn(T.httpRoute, "backend"), colors);
        assert.deepEqual(await recorder.dependsOn(T.service, "backend"), colors);
        assert.deepEqual(await recorder.dependsOn(T.service, "backend-preview"), colors);
    });
});
