import * as k8s from "@kubernetes/client-node";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { StackConfigFile } from "../../../stacks/automation/stack-config-file";
import { TestProject, changesOtherThanSame, createTestProject, shippedStackConfig } from "../../helpers/engine";
import { KubeCluster, installKubernetesPlugin, startCluster } from "../../helpers/kube-cluster";

// The shipped stacks (staging blue-green, production canary) on `shipgate:platform: kubernetes`
// through the real engine (Automation API, file:// backend) and the real Kubernetes provider
// plugin, against a control plane this suite starts. What is asserted is what a user checks
// with kubectl: the Deployments are Available, the HTTPRoute the API server stored carries the
// weights the release state says, a second `up` changes nothing, a release change moves only
// its own objects, `destroy` leaves nothing. Every `it` makes its own stack in its own
// namespace, so any one runs alone (`--grep`).

type ShippedStack = "staging" | "production";

/**
 * A shipped stack file moved onto the cluster as tests/helpers/kubernetes-fixture.ts does
 * (same services, releases, router and hostnames; the Gateway the cluster installed), in its
 * own namespace. No promotion block: these tests drive the engine directly.
 */
function onKubernetes(stack: ShippedStack, cluster: KubeCluster, namespace: string): Record<string, any> {
    const config = structuredClone(shippedStackConfig(stack)) as Record<string, any>;
    delete config["shipgate:local"];
    config["shipgate:platform"] = "kubernetes";
    const kube = config["shipgate:kubernetes"];
    kube.namespace = namespace;
    kube.router = { ...kube.router, gateway: { ...cluster.gateway } };
    return config;
}

const HTTP_ROUTE = { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute" };

/**
 * `kind/name` of each Kubernetes object that engine events show with `op`: what an up did
 * (resOutputsEvent), or what a preview plans (resourcePreEvent).
 */
function objectsWith(events: EngineEvent[], op: string, kind: "resOutputsEvent" | "resourcePreEvent" = "resOutputsEvent"): string[] {
    const seen = new Set<string>();
    for (const e of events) {
        const m = e[kind]?.metadata;
        if (m && m.op === op && m.type.startsWith("kubernetes:")) seen.add(`${m.type.split(":").pop()}/${m.urn.split("::").pop()}`);
    }
    return [...seen].sort();
}

describe("the shipped stacks on Kubernetes (real API server, real engine, real provider plugin)", function () {
    this.timeout(900_000);
    let cluster: KubeCluster;
    let project: TestProject;
    let kubeconfig: string;
    let objects: k8s.KubernetesObjectApi;
    let apps: k8s.AppsV1Api;
    let core: k8s.CoreV1Api;

    before(async function () {
        this.timeout(300_000);
        cluster = await startCluster();
        project = await createTestProject("shipgate-kube-stacks-");
        installKubernetesPlugin(project.env);
        kubeconfig = readFileSync(cluster.kubeconfigPath, "utf8");
        const kc = new k8s.KubeConfig();
        kc.loadFromString(kubeconfig);
        objects = k8s.KubernetesObjectApi.makeApiClient(kc);
        apps = kc.makeApiClient(k8s.AppsV1Api);
        core = kc.makeApiClient(k8s.CoreV1Api);
    });

    after(async function () {
        this.timeout(300_000);
        await project?.cleanup();
        await cluster?.stop();
    });

    async function clusterStack(name: string, shipped: ShippedStack, namespace: string): Promise<Stack> {
        const stack = await project.stack(name, onKubernetes(shipped, cluster, namespace));
        await stack.setConfig("shipgate:kubeconfig", { value: kubeconfig, secret: true });
        return stack;
    }

    const stackFile = (name: string) => path.join(project.dir, `Pulumi.${name}.yaml`);

    /** Changes a release in the stack file the way the release engine does (only its moving values). */
    function setRelease(stack: string, service: string, change: Record<string, unknown>): void {
        const file = StackConfigFile.load(stackFile(stack), stack);
        file.setRelease(service, { ...file.release(service), ...change } as never);
        file.save();
    }

    async function route(namespace: string, name: string): Promise<any> {
        return objects.read({ ...HTTP_ROUTE, metadata: { name, namespace } });
    }

    /** The route as a user reads it: the weighted rule's weights and the header rule's Service. */
    async function routeSplit(namespace: string, name: string): Promise<{ weights: Record<string, number>; header?: { name: string; value: string; service: string } }> {
        const r = await route(namespace, name);
        const rules = r.spec.rules as any[];
        const headerRule = rules.find((x) => x.matches?.some((m: any) => m.headers?.length));
        const weighted = rules.filter((x) => x !== headerRule);
        assert.equal(weighted.length, 1, `one weighted rule: ${JSON.stringify(r.spec)}`);
        const weights = Object.fromEntries(weighted[0].backendRefs.map((b: any) => [b.name, b.weight ?? 1]));
        if (!headerRule) return { weights };
        const h = headerRule.matches[0].headers[0];
        assert.equal(headerRule.backendRefs.length, 1);
        return { weights, header: { name: h.name, value: h.value, service: headerRule.backendRefs[0].name } };
    }

    async function assertAvailable(namespace: string, names: string[]): Promise<void> {
        const list = await apps.listNamespacedDeployment({ namespace });
        assert.deepEqual(list.items.map((d) => d.metadata!.name).sort(), [...names].sort(), "the namespace's Deployments");
        for (const d of list.items) {
            assert.ok((d.spec!.replicas ?? 0) > 0, `${d.metadata!.name} has replicas`);
            assert.equal(d.status?.availableReplicas, d.spec!.replicas, `${d.metadata!.name}: availableReplicas == spec.replicas`);
            const available = d.status?.conditions?.find((c) => c.type === "Available");
            assert.equal(available?.status, "True", `${d.metadata!.name} is Available`);
        }
    }

    async function assertGone(namespace: string): Promise<void> {
        const deployments = await apps.listNamespacedDeployment({ namespace });
        const services = await core.listNamespacedService({ namespace });
        const routes = (await objects.list(HTTP_ROUTE.apiVersion, HTTP_ROUTE.kind, namespace)).items;
        assert.deepEqual(
            { deployments: deployments.items.map((d) => d.metadata!.name), services: services.items.map((s) => s.metadata!.name), routes: routes.map((r) => r.metadata!.name) },
            { deployments: [], services: [], routes: [] },
        );
        try {
            const ns = await core.readNamespace({ name: namespace });
            assert.equal(ns.status?.phase, "Terminating", `namespace ${namespace} is gone or terminating`);
        } catch (err) {
            assert.equal((err as { code?: number }).code, 404, String(err));
        }
    }

    interface LifecycleCase {
        readonly stack: string;
        readonly shipped: ShippedStack;
        readonly namespace: string;
        /** Objects the first preview plans to create, `Kind/name`. */
        readonly creates: string[];
        readonly deployments: string[];
        readonly routes: Record<string, { weights: Record<string, number>; header?: { name: string; value: string; service: string } }>;
        /** A release change (service, moving values) and what it must do. */
        readonly change: { service: string; release: Record<string, unknown> };
        readonly changeCreates: string[];
        readonly changeUpdates: string[];
        readonly deploymentsAfterChange: string[];
        readonly routeAfterChange: { weights: Record<string, number>; header?: { name: string; value: string; service: string } };
    }

    async function lifecycle(c: LifecycleCase): Promise<void> {
        const stack = await clusterStack(c.stack, c.shipped, c.namespace);

        // preview: every object the stack will create, nothing applied yet.
        const previewEvents: EngineEvent[] = [];
        const preview = await stack.preview({ color: "never", onEvent: (e) => previewEvents.push(e) });
        assert.deepEqual(objectsWith(previewEvents, "create", "resourcePreEvent"), [...c.creates].sort(), "the objects preview plans to create");
        assert.deepEqual(changesOtherThanSame(preview.changeSummary), { create: preview.changeSummary.create }, JSON.stringify(preview.changeSummary));
        await assert.rejects(core.readNamespace({ name: c.namespace }), "preview created nothing in the cluster");

        // up: the pods are ready (the provider awaited them) and the route says what the release says.
        const upEvents: EngineEvent[] = [];
        const up = await stack.up({ color: "never", onEvent: (e) => upEvents.push(e) });
        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual(objectsWith(upEvents, "create"), [...c.creates].sort(), "the objects up created");
        await assertAvailable(c.namespace, c.deployments);
        for (const [name, split] of Object.entries(c.routes)) {
            assert.deepEqual(await routeSplit(c.namespace, name), split, `HTTPRoute ${c.namespace}/${name}`);
        }
        const exported = up.outputs.services.value as Record<string, any>;
        assert.deepEqual(Object.keys(exported).sort(), ["backend", "frontend"]);

        // A second up with the same config changes nothing.
        const again = await stack.up({ color: "never" });
        assert.deepEqual(changesOtherThanSame(again.summary.resourceChanges), {}, `second up: ${JSON.stringify(again.summary.resourceChanges)}`);

        // A release change in the stack file moves only that release's objects.
        const generations = Object.fromEntries(
            await Promise.all(c.deployments.map(async (d) => [d, (await apps.readNamespacedDeployment({ name: d, namespace: c.namespace })).metadata!.generation])),
        );
        setRelease(c.stack, c.change.service, c.change.release);
        const changeEvents: EngineEvent[] = [];
        const changed = await stack.up({ color: "never", onEvent: (e) => changeEvents.push(e) });
        assert.deepEqual(objectsWith(changeEvents, "create"), [...c.changeCreates].sort(), "created by the release change");
        assert.deepEqual(objectsWith(changeEvents, "update"), [...c.changeUpdates].sort(), "updated by the release change");
        assert.deepEqual([...objectsWith(changeEvents, "delete"), ...objectsWith(changeEvents, "replace")], [], "nothing deleted or replaced");
        const { create = 0, update = 0 } = changed.summary.resourceChanges ?? {};
        assert.ok(create >= c.changeCreates.length && update >= c.changeUpdates.length, JSON.stringify(changed.summary.resourceChanges));
        await assertAvailable(c.namespace, c.deploymentsAfterChange);
        for (const d of c.deployments) {
            const now = await apps.readNamespacedDeployment({ name: d, namespace: c.namespace });
            assert.equal(now.metadata!.generation, generations[d], `${d} was not touched by the release change`);
        }
        assert.deepEqual(await routeSplit(c.namespace, c.change.service), c.routeAfterChange, "the route after the release change");

        // destroy: nothing of the stack stays in the cluster.
        const destroyed = await stack.destroy({ color: "never" });
        assert.equal(destroyed.summary.result, "succeeded");
        await assertGone(c.namespace);
    }

    it("staging (blue-green): preview, up, a second up, a new idle color, destroy", async () => {
        const ns = "shop-staging";
        const perColor = (svc: string, color: string) => [`Deployment/${svc}-${color}`, `Service/${svc}-${color}`, `PodDisruptionBudget/${svc}-${color}`];
        await lifecycle({
            stack: "staging",
            shipped: "staging",
            namespace: ns,
            creates: [`Namespace/${ns}`, ...["backend", "frontend"].flatMap((s) => [...perColor(s, "blue"), `Service/${s}`, `HTTPRoute/${s}`])],
            deployments: ["backend-blue", "frontend-blue"],
            routes: { backend: { weights: { "backend-blue": 100 } }, frontend: { weights: { "frontend-blue": 100 } } },
            // The release engine's blue-green deploy step: the idle color gets the new version.
            change: { service: "backend", release: { green: { version: "2.0.0" } } },
            // The idle color at full size, the preview Service on it (preview: true); the route gains the header rule.
            changeCreates: [...perColor("backend", "green"), "Service/backend-preview"],
            changeUpdates: ["HTTPRoute/backend"],
            deploymentsAfterChange: ["backend-blue", "backend-green", "frontend-blue"],
            routeAfterChange: {
                weights: { "backend-blue": 100, "backend-green": 0 },
                header: { name: "X-Canary", value: "always", service: "backend-green" },
            },
        });
    });

    it("production (canary): preview, up, a second up, canary 2.0.0 at 25%, destroy", async () => {
        const ns = "shop";
        await lifecycle({
            stack: "production",
            shipped: "production",
            namespace: ns,
            // replicas 4: a budget per stable track.
            creates: [`Namespace/${ns}`, ...["backend", "frontend"].flatMap((s) => [`Deployment/${s}-stable`, `Service/${s}-stable`, `PodDisruptionBudget/${s}-stable`, `HTTPRoute/${s}`])],
            deployments: ["backend-stable", "frontend-stable"],
            routes: { backend: { weights: { "backend-stable": 100 } }, frontend: { weights: { "frontend-stable": 100 } } },
            change: { service: "backend", release: { canary: { version: "2.0.0" }, weight: 25 } },
            // 25% of 4 replicas is one pod: no budget for a single pod; the stable track keeps its 4.
            changeCreates: ["Deployment/backend-canary", "Service/backend-canary"],
            changeUpdates: ["HTTPRoute/backend"],
            deploymentsAfterChange: ["backend-canary", "backend-stable", "frontend-stable"],
            routeAfterChange: {
                weights: { "backend-stable": 75, "backend-canary": 25 },
                header: { name: "X-Canary", value: "always", service: "backend-canary" },
            },
        });
        assert.ok(existsSync(stackFile("production")));
    });

    it("render-to-directory: up with no cluster writes manifests the API server accepts (dry run)", async () => {
        const ns = "shop-render";
        // No kubeconfig and no context: the provider renders instead of applying.
        const stack = await project.stack("render", onKubernetes("staging", cluster, ns));
        const up = await stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        await assert.rejects(core.readNamespace({ name: ns }), "rendering created nothing in the cluster");

        const dir = path.join(project.dir, ".shipgate", "manifests", "render");
        const files: string[] = [];
        const walk = (d: string) => {
            for (const f of readdirSync(d)) {
                const p = path.join(d, f);
                if (statSync(p).isDirectory()) walk(p);
                else if (/\.ya?ml$/.test(f)) files.push(p);
            }
        };
        walk(dir);
        const manifests = files.flatMap((f) => YAML.parseAllDocuments(readFileSync(f, "utf8")).map((doc) => doc.toJS() as k8s.KubernetesObject)).filter(Boolean);
        const kinds = manifests.map((m) => `${m.kind}/${m.metadata!.name}`).sort();
        const perColor = (svc: string) => [`Deployment/${svc}-blue`, `Service/${svc}-blue`, `PodDisruptionBudget/${svc}-blue`, `Service/${svc}`, `HTTPRoute/${svc}`];
        assert.deepEqual(kinds, [`Namespace/${ns}`, ...perColor("backend"), ...perColor("frontend")].sort(), `rendered into ${dir}`);

        // The API server accepts every one of them (dry run: nothing is stored). The namespace is
        // created for real first, as `kubectl apply -R -f` would, since a dry run does not keep it.
        const namespace = manifests.find((m) => m.kind === "Namespace")!;
        await objects.create(namespace, undefined, "All");
        await objects.create(namespace);
        try {
            for (const m of manifests.filter((x) => x.kind !== "Namespace")) {
                const accepted = await objects.create(m, undefined, "All").catch((err: any) => {
                    throw new Error(`${m.kind}/${m.metadata!.name} refused: ${err.body ?? err.message}`);
                });
                assert.equal(accepted.metadata?.name, m.metadata!.name);
            }
            const stored = await apps.listNamespacedDeployment({ namespace: ns });
            assert.deepEqual(stored.items, [], "dry runs stored nothing");
        } finally {
            await core.deleteNamespace({ name: ns });
        }
    });

    it("bad manifests stop before traffic moves: the program refuses what the API server would, the API server's own refusal leaves the route as it was", async () => {
        const ns = "shop-guard";
        const stack = await clusterStack("production-guard", "production", ns);
        await stack.up({ color: "never" });
        const before = await route(ns, "backend");
        assert.deepEqual((await routeSplit(ns, "backend")).weights, { "backend-stable": 100 });
        const fileBefore = readFileSync(stackFile("production-guard"), "utf8");
        const unchanged = async (why: string) => {
            const after = await route(ns, "backend");
            assert.deepEqual(after.spec, before.spec, `${why}: the HTTPRoute's stored spec is unchanged`);
            assert.equal(after.metadata.generation, before.metadata.generation, why);
            await assertAvailable(ns, ["backend-stable", "frontend-stable"]);
        };

        // 1. A canary version the API server refuses as a label value (app.kubernetes.io/version
        // must end with a letter or digit): refused by the program before any object moves.
        setRelease("production-guard", "backend", { canary: { version: "2.0.0-" }, weight: 25 });
        const badVersion = await stack.up({ color: "never" }).then(
            () => assert.fail("up with canary 2.0.0- succeeded"),
            (err: Error) => err.message,
        );
        assert.match(badVersion, /shipgate:services\.backend\.release\.canary/, badVersion);
        assert.match(badVersion, /label/);
        await unchanged("a canary version that is not a label value");

        // 2. Requests above the limit (the limit defaults to 500m): refused by the program too.
        writeStack(fileBefore);
        const config = YAML.parse(fileBefore) as { config: Record<string, any> };
        config.config["shipgate:services"].backend.resources = { requests: { cpu: "1" } };
        writeStack(YAML.stringify(config));
        const badRequests = await stack.up({ color: "never" }).then(
            () => assert.fail("up with requests above limits succeeded"),
            (err: Error) => err.message,
        );
        assert.match(badRequests, /shipgate:services\.backend\.resources\.requests\.cpu/, badRequests);
        await unchanged("requests above the limit");

        // 3. What only the cluster knows: an admission policy refusing images from outside the
        // company registry. The canary's Deployment is refused by the API server, with its
        // message, and the route (which waits for the Deployments) never moves.
        writeStack(fileBefore);
        await installImagePolicy(ns);
        setRelease("production-guard", "backend", { canary: { version: "2.0.0", image: "docker.io/someone/backend:2.0.0" }, weight: 25 });
        const refused = await stack.up({ color: "never" }).then(
            () => assert.fail("up with a refused canary image succeeded"),
            (err: Error) => err.message,
        );
        assert.match(refused, /backend-canary/, refused);
        assert.match(refused, /images must come from ghcr\.io\/acme/, refused);
        await unchanged("a canary the API server refused");
        await assert.rejects(apps.readNamespacedDeployment({ name: "backend-canary", namespace: ns }), "no canary Deployment");

        // Back to the last good release: nothing to do but remove what the failed up left.
        writeStack(fileBefore);
        const restored = await stack.up({ color: "never" });
        assert.equal(restored.summary.result, "succeeded");
        await unchanged("after restoring the stack file");
        await stack.destroy({ color: "never" });
    });

    function writeStack(text: string): void {
        writeFileSync(stackFile("production-guard"), text);
    }

    async function installImagePolicy(namespace: string): Promise<void> {
        const name = `shipgate-test-images-${namespace}`;
        const matchResources = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } };
        await objects.create({
            apiVersion: "admissionregistration.k8s.io/v1",
            kind: "ValidatingAdmissionPolicy",
            metadata: { name },
            spec: {
                failurePolicy: "Fail",
                matchConstraints: {
                    ...matchResources,
                    resourceRules: [{ apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"] }],
                },
                validations: [
                    {
                        expression: "object.spec.template.spec.containers.all(c, c.image.startsWith('ghcr.io/acme/'))",
                        message: "images must come from ghcr.io/acme",
                    },
                ],
            },
        } as k8s.KubernetesObject);
        await objects.create({
            apiVersion: "admissionregistration.k8s.io/v1",
            kind: "ValidatingAdmissionPolicyBinding",
            metadata: { name },
            spec: { policyName: name, validationActions: ["Deny"], matchResources },
        } as k8s.KubernetesObject);
        // The API server enforces a new policy once its informers have it: wait until a dry run is refused.
        const probe = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "policy-probe", namespace },
            spec: {
                selector: { matchLabels: { app: "probe" } },
                template: { metadata: { labels: { app: "probe" } }, spec: { containers: [{ name: "c", image: "docker.io/x:1" }] } },
            },
        };
        for (let i = 0; ; i++) {
            const refused = await objects.create(probe, undefined, "All").then(
                () => false,
                () => true,
            );
            if (refused) return;
            if (i > 60) throw new Error("the image policy never took effect");
            await new Promise((r) => setTimeout(r, 500));
        }
    }
});
