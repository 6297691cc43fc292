// The shipped stacks (staging blue-green, production canary) on `shipgate:platform: kubernetes`
// against a real control plane (tests/helpers/kube-cluster.ts), through the real engine and
// the real Kubernetes provider plugin, with short bakes. Traffic figures come from
// track-traffic.ts through a real Prometheus (kwok's pods serve nothing).
import * as k8s from "@kubernetes/client-node";
import { Stack } from "@pulumi/pulumi/automation";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { startPrometheus, prometheusPaths, writeTargets } from "../../components/local/runtime/prometheus-control";
import { freePort } from "../../components/local/runtime/free-port";
import { RunningProcess, stopProcess } from "../../components/local/runtime/process-control";
import { publishAsOrigin } from "./git-origin";
import { TestProject, createTestProject, shippedStackConfig } from "./engine";
import { KubeCluster, installKubernetesPlugin, startCluster } from "./kube-cluster";
import { RouteDataPlane, startRouteDataPlane } from "./route-data-plane";
import { ShipgateRun, runShipgate } from "./shipgate-cli";
import { TrackTraffic, startTrackTraffic } from "./track-traffic";

export type KubeStack = "staging" | "production";

export interface KubernetesFixture {
    readonly cluster: KubeCluster;
    readonly project: TestProject;
    readonly stacks: Record<KubeStack, Stack>;
    readonly traffic: TrackTraffic;
    readonly objects: k8s.KubernetesObjectApi;
    readonly core: k8s.CoreV1Api;
    /** Production's Gateway as a CI runner reaches it (`router.externalUrl`), routing by the backend's HTTPRoute. */
    readonly gateway: RouteDataPlane;
    namespace(stack: KubeStack): string;
    /** The weighted rule's backendRef weights of a service's HTTPRoute, by Service name. */
    routeWeights(stack: KubeStack, service: string): Promise<Record<string, number>>;
    /** Labels a track's pods with kwok's fault switch (`shipgate.dev/fault: not-ready`). */
    breakPods(stack: KubeStack, deployment: string): Promise<number>;
    stackFile(stack: KubeStack): string;
    shipgate(args: string[], onLine?: (line: string, child: { kill(signal: NodeJS.Signals): void }) => void): Promise<ShipgateRun>;
    cleanup(): Promise<void>;
}

/** The shipped stack file, moved onto the cluster: same services, releases, router and hostnames. */
function onKubernetes(stack: KubeStack, cluster: KubeCluster, prometheusUrl: string, externalUrl?: string, options: KubernetesFixtureOptions = {}): Record<string, any> {
    const config = structuredClone(shippedStackConfig(stack)) as Record<string, any>;
    if (options.service) {
        for (const [name, spec] of Object.entries(config["shipgate:services"] as Record<string, Record<string, any>>)) config["shipgate:services"][name] = options.service(stack, name, spec);
    }
    delete config["shipgate:local"];
    config["shipgate:platform"] = "kubernetes";
    const kube = config["shipgate:kubernetes"];
    kube.router = { ...kube.router, gateway: { ...cluster.gateway }, ...(externalUrl ? { externalUrl } : {}) };
    for (const svc of Object.values(config["shipgate:services"]) as any[]) {
        const r = svc.release;
        r.bakeSeconds = 6;
        if (r.strategy === "canary") r.watchSeconds = 6;
        if (r.strategy === "blueGreen") r.scaleDownDelaySeconds = 3;
        r.analysis = { ...(r.analysis ?? {}), intervalSeconds: 3, minRequests: 10, health: { intervalSeconds: 1, consecutiveFailures: 3, timeoutSeconds: 2 } };
    }
    config["shipgate:promotion"] = {
        // The release engine on Kubernetes is what these tests exercise; the policy pack has its own.
        policy: { packs: [] },
        analysis: { source: "prometheus", prometheus: { url: prometheusUrl } },
        healthTimeoutSeconds: 60,
        approvals: { approvers: ["alice"] },
    };
    return config;
}

export interface KubernetesFixtureOptions {
    /** A service's spec as the test wants it (another strategy, more replicas), from the shipped one. */
    readonly service?: (stack: KubeStack, name: string, spec: Record<string, any>) => Record<string, any>;
}

export async function kubernetesFixture(options: KubernetesFixtureOptions = {}): Promise<KubernetesFixture> {
    const cluster = await startCluster();
    const traffic = await startTrackTraffic(["backend", "frontend"], ["stable", "canary", "blue", "green", "current", "next"]);
    const project = await createTestProject("shipgate-kube-");
    installKubernetesPlugin(project.env);
    const prometheusDir = prometheusPaths(path.join(project.dir, "prometheus"));
    const promPort = await freePort();
    const prometheus: RunningProcess = await startPrometheus(`shipgate-test/prometheus@${project.dir}`, prometheusDir, { port: promPort, scrapeIntervalSeconds: 1 });
    writeTargets(prometheusDir, "traffic", [{ port: Number(new URL(traffic.url).port), labels: {} }]);
    const kubeconfig = readFileSync(cluster.kubeconfigPath, "utf8");
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const namespace = (stack: KubeStack) => onKubernetes(stack, cluster, "")["shipgate:kubernetes"].namespace as string;
    const gateway = await startRouteDataPlane(objects, namespace("production"), "backend", "X-Canary");
    const stacks = {} as Record<KubeStack, Stack>;
    for (const name of ["staging", "production"] as const) {
        stacks[name] = await project.stack(name, onKubernetes(name, cluster, `http://127.0.0.1:${promPort}`, name === "production" ? gateway.url : undefined, options));
        await stacks[name].setConfig("shipgate:kubeconfig", { value: kubeconfig, secret: true });
        await stacks[name].up({ color: "never" });
    }
    // The project is a clone of a bare origin, so promotions write their release state back.
    publishAsOrigin(project.dir, ["prometheus/"]);
    return {
        cluster,
        project,
        stacks,
        traffic,
        objects,
        core,
        gateway,
        namespace,
        async routeWeights(stack, service) {
            const route = (await objects.read({ apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: service, namespace: namespace(stack) } })) as any;
            const rule = [...route.spec.rules].reverse().find((r: any) => !r.matches?.some((m: any) => m.headers?.length));
            return Object.fromEntries(rule.backendRefs.map((b: any) => [b.name, b.weight ?? 1]));
        },
        async breakPods(stack, deployment) {
            const pods = await core.listNamespacedPod({ namespace: namespace(stack) });
            const mine = pods.items.filter((p) => p.metadata?.name?.startsWith(`${deployment}-`));
            for (const pod of mine) {
                await objects.patch(
                    { apiVersion: "v1", kind: "Pod", metadata: { name: pod.metadata!.name!, namespace: namespace(stack), labels: { "shipgate.dev/fault": "not-ready" } } },
                    undefined,
                    undefined,
                    "shipgate-test",
                    undefined,
                    k8s.PatchStrategy.MergePatch,
                );
            }
            return mine.length;
        },
        stackFile: (stack) => readFileSync(path.join(project.dir, `Pulumi.${stack}.yaml`), "utf8"),
        shipgate: (args, onLine) => runShipgate(project.dir, project.env, args, onLine),
        async cleanup() {
            await project.cleanup();
            await stopProcess(prometheus.pid, `shipgate-test/prometheus@${project.dir}`).catch(() => undefined);
            await traffic.close();
            await gateway.close();
            await cluster.stop();
        },
    };
}
