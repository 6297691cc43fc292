import type * as k8s from "@kubernetes/client-node";
import { DescriptorOf } from "../../../components/release";
import { KubernetesCluster } from "./kubernetes-cluster";
import { Router, RouterContext, RouterError, RouterReading, TrackWeights, checkWeights } from "./router";

const API = "networking.k8s.io/v1";
const CANARY = "nginx.ingress.kubernetes.io/canary";
const CANARY_WEIGHT = "nginx.ingress.kubernetes.io/canary-weight";

/**
 * ingress-nginx: the main Ingress sends to the primary's Service; the canary Ingress (same host
 * and path, `canary: "true"`) takes `canary-weight` percent for the candidate's. No canary
 * Ingress means the candidate gets nothing.
 */
export class IngressNginxRouter implements Router {
    readonly kind = "ingressNginx";
    readonly switchesByAction = false;
    readonly name: string;
    private readonly cluster: KubernetesCluster;

    constructor(
        private readonly d: DescriptorOf<"ingressNginx">,
        context: RouterContext,
    ) {
        this.name = `Ingress ${d.namespace}/${d.ingress}`;
        this.cluster = new KubernetesCluster(this.name, d.cluster, context);
    }

    async readWeights(): Promise<RouterReading> {
        const main = await this.cluster.read<k8s.V1Ingress>(API, "Ingress", this.d.namespace, this.d.ingress);
        if (!main) throw new RouterError(this.name, "it does not exist: was the stack deployed? (`pulumi up` creates it)");
        const canary = await this.cluster.read<k8s.V1Ingress>(API, "Ingress", this.d.namespace, this.d.canaryIngress);
        const problems: string[] = [];
        const primary = this.trackOf(main, problems);
        const weights: Record<string, number> = Object.fromEntries(Object.keys(this.d.backends).map((t) => [t, 0]));
        let canaryWeight = 0;
        if (canary && canary.metadata?.annotations?.[CANARY] === "true") {
            const candidate = this.trackOf(canary, problems);
            canaryWeight = Number(canary.metadata.annotations[CANARY_WEIGHT] ?? "0");
            if (!Number.isFinite(canaryWeight)) problems.push(`${this.d.canaryIngress} has canary-weight ${canary.metadata.annotations[CANARY_WEIGHT]}`);
            if (candidate) weights[candidate] = canaryWeight;
        }
        if (primary) weights[primary] = 100 - canaryWeight;
        for (const [track, w] of Object.entries(weights)) {
            if (w > 0 && this.d.deployments[track]) {
                const problem = await this.cluster.rolloutProblem(this.d.namespace, this.d.deployments[track], track);
                if (problem) problems.push(problem);
            }
        }
        return { supported: true, weights, problems };
    }

    async setWeights(weights: TrackWeights): Promise<void> {
        checkWeights(this.name, weights, Object.keys(this.d.backends));
        const main = await this.cluster.read<k8s.V1Ingress>(API, "Ingress", this.d.namespace, this.d.ingress);
        if (!main) throw new RouterError(this.name, "it does not exist");
        const primary = this.trackOf(main, []);
        if (!primary) throw new RouterError(this.name, "its backend is no track's Service");
        const candidateShare = 100 - (weights[primary] ?? 0);
        const canary = await this.cluster.read<k8s.V1Ingress>(API, "Ingress", this.d.namespace, this.d.canaryIngress);
        if (!canary) {
            if (candidateShare === 0) return;
            throw new RouterError(this.name, `there is no canary Ingress ${this.d.canaryIngress} to give ${candidateShare}% to: only an up can create it`);
        }
        await this.cluster.mergePatch(API, "Ingress", this.d.namespace, this.d.canaryIngress, canary.metadata?.resourceVersion, {
            metadata: { name: this.d.canaryIngress, namespace: this.d.namespace, resourceVersion: canary.metadata?.resourceVersion, annotations: { [CANARY_WEIGHT]: String(candidateShare) } },
        });
    }

    /** The track whose Service an Ingress's first path sends to. */
    private trackOf(ingress: k8s.V1Ingress, problems: string[]): string | undefined {
        const service = ingress.spec?.rules?.[0]?.http?.paths?.[0]?.backend?.service?.name ?? ingress.spec?.defaultBackend?.service?.name;
        const track = Object.entries(this.d.backends).find(([, s]) => s === service)?.[0];
        if (!track) problems.push(`${ingress.metadata?.name} sends to ${service ?? "nothing"}, no track's Service (${Object.values(this.d.backends).join(", ")})`);
        return track;
    }
}
