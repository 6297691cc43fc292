import type * as k8s from "@kubernetes/client-node";
import { RouterDescriptor } from "../../../components/release";
import type { KubernetesCluster } from "../routers/kubernetes-cluster";
import { HealthResult } from "./health-check";
import { CheckHealthFn, HealthProbe, TrackReach, httpHealthProbe } from "./health-probe";

/**
 * A Kubernetes track's health as the API server sees it: GREEN when every replica its
 * Deployment wants has a Ready pod, RED otherwise (naming the pods that are not, and why). The
 * signal a CI runner outside the cluster can always read: cluster DNS names do not resolve
 * there, and a Service's `/health` may be out of reach.
 */
export function podReadinessProbe(cluster: KubernetesCluster, namespace: string, deployment: string): HealthProbe {
    const target = `pods of Deployment ${namespace}/${deployment}`;
    return {
        target,
        async check({ signal }): Promise<HealthResult> {
            const at = new Date().toISOString();
            const started = Date.now();
            const red = (reason: string): HealthResult => ({ url: target, at, color: "RED", latencyMs: Date.now() - started, reason });
            signal?.throwIfAborted();
            try {
                const d = await cluster.read<k8s.V1Deployment>("apps/v1", "Deployment", namespace, deployment);
                if (!d) return red("the Deployment does not exist");
                const selector = Object.entries(d.spec?.selector?.matchLabels ?? {})
                    .map(([k, v]) => `${k}=${v}`)
                    .join(",");
                const pods = (await cluster.objects.list<k8s.V1Pod>("v1", "Pod", namespace, undefined, undefined, undefined, undefined, selector)).items.filter(
                    (p) => !p.metadata?.deletionTimestamp,
                );
                signal?.throwIfAborted();
                const want = d.spec?.replicas ?? 1;
                const notReady = pods.filter((p) => !p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
                const ready = pods.length - notReady.length;
                if (ready >= want && want > 0) return { url: target, at, color: "GREEN", latencyMs: Date.now() - started };
                const why = notReady
                    .slice(0, 3)
                    .map((p) => `${p.metadata?.name}: ${notReadyReason(p)}`)
                    .join("; ");
                return red(`${ready} of ${want} pods ready${why ? ` (${why})` : ""}`);
            } catch (err) {
                if (signal?.aborted) throw err;
                return red(`the API server did not answer: ${(err as Error).message}`);
            }
        },
    };
}

/** Why a pod is not Ready, in the words its Ready condition (or its phase) gives. */
function notReadyReason(pod: k8s.V1Pod): string {
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
    if (!ready) return pod.status?.phase ?? "no status yet";
    // The node-lifecycle controller marks pods not Ready with no reason when their node is lost.
    return ready.reason ?? ready.message ?? `${pod.status?.phase ?? "phase unknown"}, Ready ${ready.status}`;
}

export interface ExternalHealthOptions extends TrackReach {
    readonly check?: CheckHealthFn;
}

/**
 * The probes of a service's tracks when its router is on Kubernetes (its endpoints are cluster
 * DNS names a CI runner cannot resolve): each track's pod readiness and, where the router has an
 * `externalUrl`, the header track's `/health` through it with the candidate header (the answer
 * users' requests would get, which ready pods alone do not show). Undefined for any other router.
 */
export function kubernetesTrackProbes(
    descriptor: RouterDescriptor | undefined,
    tracks: readonly string[],
    access: { kubeconfig?: string; env: Readonly<Record<string, string | undefined>> },
    external?: ExternalHealthOptions,
): HealthProbe[] | undefined {
    const d = descriptor;
    if (!d || (d.kind !== "gatewayApi" && d.kind !== "ingressNginx" && d.kind !== "kubernetesReplicas")) return undefined;
    // The cluster client loads only for Kubernetes stacks: it costs a second and a half at every start.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KubernetesCluster } = require("../routers/kubernetes-cluster") as typeof import("../routers/kubernetes-cluster");
    const cluster = new KubernetesCluster(`cluster of ${d.namespace}`, d.cluster, access);
    const probes = tracks.filter((t) => d.deployments[t]).map((t) => podReadinessProbe(cluster, d.namespace, d.deployments[t]));
    if (d.kind !== "kubernetesReplicas" && d.external && external?.headerTrack && tracks.includes(external.headerTrack)) {
        const url = `${d.external.url.replace(/\/$/, "")}${external.healthPath}`;
        probes.push(httpHealthProbe(url, external.check, d.external.header));
    }
    return probes;
}
