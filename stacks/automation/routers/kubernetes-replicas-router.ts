import type * as k8s from "@kubernetes/client-node";
import { DescriptorOf } from "../../../components/release";
import { KubernetesCluster, percentOf } from "./kubernetes-cluster";
import { Router, RouterContext, RouterError, RouterReading, TrackWeights } from "./router";

/**
 * Kubernetes with no router: behind one Service a canary's share is its share of the ready
 * replicas; a blue-green Service's selector names the active color. Setting weights directly is
 * the selector switch (blue-green); a replica ratio can only change with the Deployments' scale,
 * which the `up` declares.
 */
export class KubernetesReplicasRouter implements Router {
    readonly kind = "kubernetesReplicas";
    readonly switchesByAction = false;
    readonly name: string;
    private readonly cluster: KubernetesCluster;

    constructor(
        private readonly d: DescriptorOf<"kubernetesReplicas">,
        context: RouterContext,
    ) {
        this.name = d.selector ? `Service ${d.namespace}/${d.selector.service}` : `Deployments in ${d.namespace} (${Object.values(d.deployments).join(", ")})`;
        this.cluster = new KubernetesCluster(this.name, d.cluster, context);
    }

    async readWeights(): Promise<RouterReading> {
        const problems: string[] = [];
        if (this.d.selector) {
            const service = await this.cluster.read<k8s.V1Service>("v1", "Service", this.d.namespace, this.d.selector.service);
            if (!service) throw new RouterError(this.name, "it does not exist: was the stack deployed? (`pulumi up` creates it)");
            const active = service.spec?.selector?.[this.d.selector.label];
            if (!active || !(active in this.d.deployments)) problems.push(`its selector ${this.d.selector.label}=${active ?? "(none)"} names no track (${Object.keys(this.d.deployments).join(", ")})`);
            const weights = Object.fromEntries(Object.keys(this.d.deployments).map((t) => [t, t === active ? 100 : 0]));
            if (active && this.d.deployments[active]) {
                const problem = await this.cluster.rolloutProblem(this.d.namespace, this.d.deployments[active], active);
                if (problem) problems.push(problem);
            }
            return { supported: true, weights, problems };
        }
        const ready: Record<string, number> = {};
        for (const [track, name] of Object.entries(this.d.deployments)) {
            const d = await this.cluster.read<k8s.V1Deployment>("apps/v1", "Deployment", this.d.namespace, name);
            ready[track] = d?.status?.readyReplicas ?? 0;
            const want = d?.spec?.replicas ?? 0;
            if (d && ready[track] < want) problems.push(`Deployment ${name} (track ${track}): ${ready[track]} of ${want} replicas ready`);
        }
        return { supported: true, weights: percentOf(ready), problems };
    }

    async setWeights(weights: TrackWeights): Promise<void> {
        const selector = this.d.selector;
        const active = Object.entries(weights).find(([, w]) => w === 100)?.[0];
        if (!selector || !active) {
            throw new RouterError(this.name, "with no router a split is the replicas' ratio, which only an up changes (scale); a blue-green selector switch is the one direct move");
        }
        const service = await this.cluster.read<k8s.V1Service>("v1", "Service", this.d.namespace, selector.service);
        if (!service) throw new RouterError(this.name, "it does not exist");
        await this.cluster.mergePatch("v1", "Service", this.d.namespace, selector.service, service.metadata?.resourceVersion, {
            spec: { selector: { ...service.spec?.selector, [selector.label]: active } },
        });
    }
}
