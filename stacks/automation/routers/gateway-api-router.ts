import type * as k8s from "@kubernetes/client-node";
import { DescriptorOf } from "../../../components/release";
import { KubernetesCluster, percentOf } from "./kubernetes-cluster";
import { Router, RouterContext, RouterError, RouterReading, TrackWeights, checkWeights } from "./router";

const API = "gateway.networking.k8s.io/v1";

interface BackendRef {
    name: string;
    port?: number;
    weight?: number;
    [key: string]: unknown;
}
interface HttpRoute extends k8s.KubernetesObject {
    spec?: { rules?: { matches?: { headers?: unknown[] }[]; backendRefs?: BackendRef[] }[] };
}

/**
 * Gateway API: the HTTPRoute's weighted rule (the one with no header match; a header rule may come
 * before it) splits traffic by backendRef weight, a proportion (Gateway API: weight 0 sends
 * nothing, an omitted weight is 1). The API server stores the spec; with no Gateway controller
 * nobody reports acceptance, so the read-back checks what was stored and the tracks' rollout.
 */
export class GatewayApiRouter implements Router {
    readonly kind = "gatewayApi";
    readonly switchesByAction = false;
    readonly name: string;
    private readonly cluster: KubernetesCluster;

    constructor(
        private readonly d: DescriptorOf<"gatewayApi">,
        context: RouterContext,
    ) {
        this.name = `HTTPRoute ${d.namespace}/${d.httpRoute}`;
        this.cluster = new KubernetesCluster(this.name, d.cluster, context);
    }

    async readWeights(): Promise<RouterReading> {
        const route = await this.route();
        const rule = weightedRule(route);
        const problems: string[] = [];
        const raw: Record<string, number> = Object.fromEntries(Object.keys(this.d.backends).map((t) => [t, 0]));
        for (const ref of rule?.backendRefs ?? []) {
            const track = Object.entries(this.d.backends).find(([, svc]) => svc === ref.name)?.[0];
            if (!track) {
                problems.push(`backendRef ${ref.name} is no track's Service (${Object.values(this.d.backends).join(", ")})`);
                continue;
            }
            raw[track] = ref.weight ?? 1;
        }
        if (!rule) problems.push("it has no weighted rule (a rule without header matches)");
        const weights = percentOf(raw);
        for (const [track, w] of Object.entries(weights)) {
            const deployment = this.d.deployments[track];
            if (w > 0 && deployment) {
                const problem = await this.cluster.rolloutProblem(this.d.namespace, deployment, track);
                if (problem) problems.push(problem);
            }
        }
        return { supported: true, weights, problems };
    }

    async setWeights(weights: TrackWeights): Promise<void> {
        checkWeights(this.name, weights, Object.keys(this.d.backends));
        const route = await this.route();
        const rules = route.spec?.rules ?? [];
        const at = rules.indexOf(weightedRule(route)!);
        if (at < 0) throw new RouterError(this.name, "it has no weighted rule to set");
        const template = rules[at].backendRefs?.[0];
        const refs = Object.entries(weights)
            .filter(([track, w]) => w > 0 || rules[at].backendRefs?.some((r) => r.name === this.d.backends[track]))
            .map(([track, w]) => ({ ...(rules[at].backendRefs?.find((r) => r.name === this.d.backends[track]) ?? { ...template, name: this.d.backends[track] }), weight: w }));
        const next = rules.map((r, i) => (i === at ? { ...r, backendRefs: refs } : r));
        await this.cluster.mergePatch(API, "HTTPRoute", this.d.namespace, this.d.httpRoute, route.metadata?.resourceVersion, { spec: { rules: next } });
    }

    private async route(): Promise<HttpRoute> {
        const route = await this.cluster.read<HttpRoute>(API, "HTTPRoute", this.d.namespace, this.d.httpRoute);
        if (!route) throw new RouterError(this.name, "it does not exist: was the stack deployed? (`pulumi up` creates it)");
        return route;
    }
}

/** The rule without header matches (the API server defaults an omitted match to path prefix "/"). */
function weightedRule(route: HttpRoute) {
    const rules = route.spec?.rules ?? [];
    return [...rules].reverse().find((r) => !r.matches?.some((m) => m.headers?.length));
}
