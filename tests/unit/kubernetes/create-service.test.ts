import { strict as assert } from "node:assert";
import type * as kubernetes from "../../../components/kubernetes";
import { InvalidInputError } from "../../../components/release/errors";
import { ReleaseStateInput } from "../../../components/release/release-state";
import { ServiceSpecSchema } from "../../../components/release/service-spec";
import { findResources, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { GATEWAY, NAMESPACE, NO_ROUTER, T, build, loadComponents, serviceSpec } from "./fixtures";

/** "path: message" of every problem `fn` throws. */
function problems(fn: () => unknown): string[] {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof InvalidInputError, `expected InvalidInputError, got ${String(e)}`);
        return e.problems.map((p) => `${p.path}: ${p.message}`);
    }
    assert.fail("expected the args to be rejected");
}

describe("createKubernetesService", () => {
    let k8s: typeof kubernetes;

    before(async () => {
        k8s = await loadComponents();
    });

    const cases: [ReleaseStateInput, string][] = [
        [{ strategy: "canary", stable: "1.0.0" }, T.canaryService],
        [{ strategy: "blueGreen", blue: "1.0.0" }, T.blueGreenService],
        [{ strategy: "rolling", current: "1.0.0" }, T.rollingService],
    ];
    for (const [release, type] of cases) {
        it(`picks ${type} for a ${release.strategy} release`, async () => {
            const service = await build(() => k8s.createKubernetesService("backend", { namespace: NAMESPACE, service: serviceSpec(release), router: GATEWAY }));
            assert.deepEqual(
                findResources(type).map((r) => r.name),
                ["backend"],
            );
            assert.equal(await promiseOf(service.strategy), release.strategy);
            assert.equal(await promiseOf(service.version), "1.0.0");
            assert.equal(await promiseOf(service.endpoint), "http://shop.example.com");
        });
    }

    it("takes a service spec already parsed from stack config", async () => {
        const spec = ServiceSpecSchema.parse(serviceSpec({ strategy: "canary", stable: "1.0.0", canary: "1.1.0", weight: 25 }));
        await build(() => k8s.createKubernetesService("backend", { namespace: NAMESPACE, service: spec, router: NO_ROUTER }));
        assert.deepEqual(resourceNames(T.deployment), ["backend-canary", "backend-stable"]);
    });

    it("requires a router, since the default (Gateway API) needs a Gateway", () => {
        const [problem] = problems(() => k8s.createKubernetesService("backend", { namespace: NAMESPACE, service: serviceSpec({ strategy: "rolling", current: "1.0.0" }) }));
        assert.match(problem, /^router: router is missing: the default router is Gateway API/);
    });

    it("reports every bad arg at once, each with its field and fix", () => {
        const found = problems(() =>
            k8s.createKubernetesService("Backend_API", {
                namespace: NAMESPACE,
                service: serviceSpec({ strategy: "canary", stable: "1.0.0" }, { replicas: 0, env: { DATABASE_URL: "postgres://leak" } }),
                router: { kind: "gatewayApi", gateway: { name: "" } } as never,
            }),
        );
        assert.equal(found.length, 3, found.join("\n"));
        assert.match(found[0], /^name: "Backend_API" cannot name Kubernetes Services/);
        assert.match(found[1], /^service\.replicas: replicas must be at least 1/);
        assert.match(found[2], /^router\.gateway\.name: gateway\.name must be a Kubernetes object name/);
    });

    it("refuses a bad namespace and bad extra labels", () => {
        const found = problems(() =>
            k8s.createKubernetesService("backend", {
                namespace: "Shop_NS",
                service: serviceSpec({ strategy: "rolling", current: "1.0.0" }),
                router: NO_ROUTER,
                labels: { "bad key!": "x", team: "has spaces" },
            }),
        );
        assert.equal(found.length, 3, found.join("\n"));
        assert.match(found[0], /^namespace: "Shop_NS" is not a namespace name/);
        assert.match(found[1], /^labels\.bad key!: "bad key!" is not a label key/);
        assert.match(found[2], /^labels\.team: "has spaces" is not a label value/);
    });

    it("fills service.links with the endpoints the stack passes, as plain env on every container", async () => {
        const backend = await build(() =>
            k8s.createKubernetesService("backend", { namespace: NAMESPACE, service: serviceSpec({ strategy: "rolling", current: "1.0.0" }), router: NO_ROUTER }),
        );
        await build(() =>
            k8s.createKubernetesService("frontend", {
                namespace: NAMESPACE,
                service: serviceSpec({ strategy: "canary", stable: "1.0.0", canary: "1.1.0", weight: 25 }, { links: { BACKEND_URL: "backend" } }),
                router: NO_ROUTER,
                links: { BACKEND_URL: backend.endpoint },
            }),
        );
        for (const deployment of findResources(T.deployment)) {
            const env: { name: string; value?: string }[] = deployment.inputs.spec.template.spec.containers[0].env;
            assert.deepEqual(
                env.find((e) => e.name === "BACKEND_URL"),
                { name: "BACKEND_URL", value: "http://backend.shop.svc.cluster.local:8080" },
                deployment.name,
            );
        }
    });

    it("refuses a link with no endpoint, or one that is also an env variable", () => {
        const found = problems(() =>
            k8s.createKubernetesService("frontend", {
                namespace: NAMESPACE,
                service: serviceSpec({ strategy: "rolling", current: "1.0.0" }, { links: { BACKEND_URL: "backend" } }),
                router: NO_ROUTER,
                links: { LOG_FORMAT: "http://elsewhere" },
            }),
        );
        assert.equal(found.length, 2, found.join("\n"));
        assert.match(found[0], /^service\.links\.BACKEND_URL: no endpoint was passed for the link to "backend": pass links: \{BACKEND_URL: <backend's endpoint>\}/);
        assert.match(found[1], /^links\.LOG_FORMAT: LOG_FORMAT is both a link and an env variable/);
    });

    it("refuses a secret that is also a plain env value", () => {
        const [problem] = problems(() =>
            k8s.createKubernetesService("backend", {
                namespace: NAMESPACE,
                service: serviceSpec({ strategy: "rolling", current: "1.0.0" }, { env: { DATABASE_URL: "postgres://leak" } }),
                router: NO_ROUTER,
            }),
        );
        assert.match(problem, /^service\.secretEnv\.DATABASE_URL: DATABASE_URL is set in both env and secretEnv/);
    });

    it("refuses a name whose children would exceed Kubernetes' 63 characters", () => {
        const [problem] = problems(() =>
            k8s.createKubernetesService("a".repeat(56), { namespace: NAMESPACE, service: serviceSpec({ strategy: "rolling", current: "1.0.0" }), router: NO_ROUTER }),
        );
        assert.match(problem, /^name: .* use 1-55 lower-case letters/);
    });

    it("refuses a release of another strategy when a component is used directly", () => {
        const [problem] = problems(
            () =>
                new k8s.CanaryService("backend", {
                    namespace: NAMESPACE,
                    service: serviceSpec({ strategy: "rolling", current: "1.0.0" }) as never,
                    router: NO_ROUTER,
                }),
        );
        assert.match(problem, /^service\.release\.strategy: CanaryService runs the "canary" strategy but the release is "rolling": use createKubernetesService/);
    });

    it("names an unknown strategy", () => {
        const [problem] = problems(() =>
            k8s.createKubernetesService("backend", { namespace: NAMESPACE, service: serviceSpec({ strategy: "recreate" } as never), router: NO_ROUTER }),
        );
        assert.match(problem, /unknown strategy "recreate": use one of canary, blueGreen, rolling/);
    });
});
