import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { pulumiCommand } from "../../helpers/engine";
import { KUBERNETES_PLUGIN_VERSION, KubeCluster, installKubernetesPlugin, startCluster } from "../../helpers/kube-cluster";

const REPO_BIN = path.resolve(__dirname, "../../../.shipgate/bin");

// The Kubernetes provider plugin shipgate builds, through the real engine, against a real API
// server (kwok runs the pods): objects are created, awaited, validated by the API server and
// destroyed for real.

const NAMESPACE = "shop-it";

/** An inline program: a 2-replica Deployment behind two Services and an HTTPRoute splitting between them. */
function program(kubeconfig: string) {
    return async () => {
        const config = new pulumi.Config();
        const stableWeight = config.requireNumber("stableWeight");
        const canaryWeight = config.requireNumber("canaryWeight");
        const k = await import("@pulumi/kubernetes");
        const provider = new k.Provider("cluster", { kubeconfig });
        const opts = { provider };
        const ns = new k.core.v1.Namespace("ns", { metadata: { name: NAMESPACE } }, opts);
        const labels = { app: "web" };
        const deployment = new k.apps.v1.Deployment(
            "web",
            {
                metadata: { name: "web", namespace: ns.metadata.name },
                spec: {
                    replicas: 2,
                    selector: { matchLabels: labels },
                    template: { metadata: { labels }, spec: { containers: [{ name: "web", image: "registry.example.com/web:1.0.0", ports: [{ containerPort: 8080 }] }] } },
                },
            },
            opts,
        );
        const services = ["web-stable", "web-canary"].map(
            (name) =>
                new k.core.v1.Service(
                    name,
                    { metadata: { name, namespace: ns.metadata.name }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } },
                    { ...opts, dependsOn: [deployment] },
                ),
        );
        new k.apiextensions.CustomResource(
            "route",
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: "web", namespace: ns.metadata.name },
                spec: {
                    parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "gateway-system", sectionName: "https" }],
                    hostnames: ["it.shop.example.com"],
                    rules: [
                        {
                            backendRefs: [
                                { name: "web-stable", port: 80, weight: stableWeight },
                                { name: "web-canary", port: 80, weight: canaryWeight },
                            ],
                        },
                    ],
                },
            },
            { ...opts, dependsOn: services },
        );
        return { deployment: deployment.metadata.name };
    };
}

async function notFound(p: Promise<unknown>): Promise<boolean> {
    try {
        await p;
        return false;
    } catch (err) {
        if ((err as { code?: number }).code === 404) return true;
        throw err;
    }
}

/** Processes whose command line names the cluster's folder (all of them do). */
function processesOf(dir: string): string[] {
    const found: string[] = [];
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
            const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
            if (cmd.includes(dir)) found.push(`${pid} ${cmd}`);
        } catch {
            // gone meanwhile
        }
    }
    return found;
}

describe("Kubernetes provider against a real control plane", function () {
    this.timeout(300_000);
    let cluster: KubeCluster;
    let work: string;
    let stack: Stack;
    let apps: k8s.AppsV1Api;
    let core: k8s.CoreV1Api;
    let custom: k8s.CustomObjectsApi;

    before(async () => {
        cluster = await startCluster();
        const kc = new k8s.KubeConfig();
        kc.loadFromFile(cluster.kubeconfigPath);
        apps = kc.makeApiClient(k8s.AppsV1Api);
        core = kc.makeApiClient(k8s.CoreV1Api);
        custom = kc.makeApiClient(k8s.CustomObjectsApi);

        work = mkdtempSync(path.join(os.tmpdir(), "shipgate-k8s-it-"));
        const home = path.join(work, "pulumi-home");
        mkdirSync(path.join(work, "state"), { recursive: true });
        mkdirSync(home);
        const env = {
            PULUMI_HOME: home,
            PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "integration-tests",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        };
        installKubernetesPlugin(env);
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName: "it", projectName: "shipgate-k8s-it", program: program(readFileSync(cluster.kubeconfigPath, "utf8")) },
            { workDir: work, envVars: env, pulumiHome: home, pulumiCommand: await pulumiCommand() },
        );
        await stack.setAllConfig({ stableWeight: { value: "90" }, canaryWeight: { value: "10" } });
    });

    after(async () => {
        await stack?.destroy({ color: "never" }).catch(() => undefined);
        await cluster?.stop();
        if (work) rmSync(work, { recursive: true, force: true });
    });

    it("the cluster has a Ready kwok node and the Gateway the stacks attach to", async () => {
        const nodes = await core.listNode();
        assert.deepEqual(
            nodes.items.map((n) => [n.metadata?.name, n.status?.conditions?.find((c) => c.type === "Ready")?.status]),
            [["kwok-node-0", "True"]],
        );
        const gateway = (await custom.getNamespacedCustomObject({ group: "gateway.networking.k8s.io", version: "v1", namespace: "gateway-system", plural: "gateways", name: "public" })) as any;
        assert.equal(gateway.spec.listeners[0].name, "https");
        assert.equal(gateway.spec.listeners[0].protocol, "HTTPS");
        assert.deepEqual(cluster.gateway, { namespace: "gateway-system", name: "public", sectionName: "https" });
    });

    it("the engine lists the provider plugin it will load: kubernetes 4.24.1 (pulumi plugin ls)", async () => {
        const pulumiBin = existsSync(path.join(REPO_BIN, "pulumi")) ? path.join(REPO_BIN, "pulumi") : "pulumi";
        const listed = JSON.parse(
            execFileSync(pulumiBin, ["plugin", "ls", "--json"], { env: { ...process.env, PULUMI_HOME: path.join(work, "pulumi-home"), PULUMI_SKIP_UPDATE_CHECK: "true" }, encoding: "utf8" }),
        ) as { name: string; kind: string; version: string }[];
        assert.deepEqual(
            listed.filter((p) => p.name === "kubernetes").map((p) => `${p.kind} ${p.name} ${p.version}`),
            [`resource kubernetes ${KUBERNETES_PLUGIN_VERSION}`],
        );
        assert.equal(KUBERNETES_PLUGIN_VERSION, "4.24.1");
    });

    it("ups a Deployment that becomes Available and an HTTPRoute stored with its 90/10 weights", async () => {
        const result = await stack.up({ color: "never" });
        assert.equal(result.summary.result, "succeeded");
        assert.equal(result.outputs.deployment.value, "web");

        const deployment = await apps.readNamespacedDeployment({ name: "web", namespace: NAMESPACE });
        assert.equal(deployment.status?.availableReplicas, 2);
        assert.equal(deployment.status?.conditions?.find((c) => c.type === "Available")?.status, "True");
        const route = (await custom.getNamespacedCustomObject({ group: "gateway.networking.k8s.io", version: "v1", namespace: NAMESPACE, plural: "httproutes", name: "web" })) as any;
        assert.deepEqual(
            route.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight]),
            [
                ["web-stable", 90],
                ["web-canary", 10],
            ],
        );
    });

    it("changes nothing on a second up", async () => {
        const result = await stack.up({ color: "never" });
        assert.deepEqual(Object.keys(result.summary.resourceChanges ?? {}), ["same"]);
    });

    it("fails the up with the API server's validation message for a weight of -1, and keeps the stored route", async () => {
        await stack.setConfig("canaryWeight", { value: "-1" });
        await assert.rejects(stack.up({ color: "never" }), (err: Error) => {
            assert.match(err.message, /weight.*should be greater than or equal to 0/);
            return true;
        });
        const route = (await custom.getNamespacedCustomObject({ group: "gateway.networking.k8s.io", version: "v1", namespace: NAMESPACE, plural: "httproutes", name: "web" })) as any;
        assert.deepEqual(
            route.spec.rules[0].backendRefs.map((b: any) => b.weight),
            [90, 10],
        );
    });

    it("destroys everything: no Deployment, Services, HTTPRoute or Namespace left", async () => {
        const result = await stack.destroy({ color: "never" });
        assert.equal(result.summary.result, "succeeded");
        assert.ok(await notFound(apps.readNamespacedDeployment({ name: "web", namespace: NAMESPACE })));
        for (const name of ["web-stable", "web-canary"]) assert.ok(await notFound(core.readNamespacedService({ name, namespace: NAMESPACE })));
        assert.ok(await notFound(custom.getNamespacedCustomObject({ group: "gateway.networking.k8s.io", version: "v1", namespace: NAMESPACE, plural: "httproutes", name: "web" })));
        assert.ok(await notFound(core.readNamespace({ name: NAMESPACE })));
    });

    it("stops every process of the cluster", async () => {
        const dir = cluster.dir;
        assert.notDeepEqual(processesOf(dir), []);
        await cluster.stop();
        assert.deepEqual(processesOf(dir), []);
    });
});
