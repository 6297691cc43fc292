import * as k8s from "@kubernetes/client-node";
import { z } from "zod";
import { ClusterAccessSchema } from "../../../components/release";
import { RouterContext, RouterError } from "./router";

/** The provider's client-side field manager, whose fields its server-side applies take over (pulumi-kubernetes pkg/await). */
const PULUMI_FIELD_MANAGER = "pulumi-kubernetes";

/**
 * A router's way into a cluster: the stack's own kubeconfig (secret config
 * `shipgate:kubeconfig`, as the program's provider uses it), else `$KUBECONFIG` or
 * `~/.kube/config`; at the descriptor's context when it names one.
 */
export class KubernetesCluster {
    readonly objects: k8s.KubernetesObjectApi;

    constructor(
        readonly router: string,
        access: z.output<typeof ClusterAccessSchema>,
        context: RouterContext,
    ) {
        const config = new k8s.KubeConfig();
        try {
            if (context.kubeconfig) config.loadFromString(context.kubeconfig);
            else if (context.env.KUBECONFIG) config.loadFromFile(context.env.KUBECONFIG.split(":")[0]);
            else config.loadFromDefault();
        } catch (err) {
            throw new RouterError(router, `no kubeconfig to reach the cluster (${(err as Error).message}): set the stack's secret config shipgate:kubeconfig or KUBECONFIG`, err);
        }
        if (access.context) {
            if (!config.getContextObject(access.context)) {
                throw new RouterError(router, `the kubeconfig has no context ${access.context} (shipgate:kubernetes.context): use one of ${config.getContexts().map((c) => c.name).join(", ") || "none"}`);
            }
            config.setCurrentContext(access.context);
        }
        if (!config.getCurrentCluster()) {
            throw new RouterError(router, "the kubeconfig names no cluster: set the stack's secret config shipgate:kubeconfig or KUBECONFIG");
        }
        this.objects = k8s.KubernetesObjectApi.makeApiClient(config);
    }

    /** Reads one object; undefined when it does not exist. */
    async read<T extends k8s.KubernetesObject>(apiVersion: string, kind: string, namespace: string, name: string): Promise<T | undefined> {
        try {
            return (await this.objects.read({ apiVersion, kind, metadata: { name, namespace } })) as T;
        } catch (err) {
            if ((err as { code?: number }).code === 404) return undefined;
            throw this.error(`reading ${kind} ${namespace}/${name}`, err);
        }
    }

    /**
     * A JSON merge patch that fails on a concurrent change (resourceVersion). It is written under
     * the field manager "pulumi-kubernetes": the objects are the stack's, the `up` that follows
     * declares the same values, and the provider takes fields of that (client-side) manager over
     * before each server-side apply. Under any other name the next `up` that changes a weight
     * would fail with a field-manager conflict (the provider does not force).
     */
    async mergePatch(apiVersion: string, kind: string, namespace: string, name: string, resourceVersion: string | undefined, patch: Record<string, unknown>): Promise<void> {
        try {
            await this.objects.patch(
                { apiVersion, kind, metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) }, ...patch },
                undefined,
                undefined,
                PULUMI_FIELD_MANAGER,
                undefined,
                k8s.PatchStrategy.MergePatch,
            );
        } catch (err) {
            throw this.error(`patching ${kind} ${namespace}/${name}`, err);
        }
    }

    /**
     * Whether a track's Deployment has rolled out: the controller has seen its latest spec and
     * every replica is updated and available. Returns the problem, or undefined.
     */
    async rolloutProblem(namespace: string, name: string, track: string): Promise<string | undefined> {
        const d = await this.read<k8s.V1Deployment>("apps/v1", "Deployment", namespace, name);
        if (!d) return `Deployment ${namespace}/${name} (track ${track}) does not exist`;
        const want = d.spec?.replicas ?? 1;
        const status = d.status ?? {};
        if ((status.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) return `Deployment ${name} (track ${track}): generation ${d.metadata?.generation} not yet observed`;
        const updated = status.updatedReplicas ?? 0;
        const available = status.availableReplicas ?? 0;
        if (updated < want || available < want) return `Deployment ${name} (track ${track}): ${updated} updated and ${available} available of ${want} replicas`;
        return undefined;
    }

    error(what: string, err: unknown): RouterError {
        const e = err as { code?: number; body?: unknown; message?: string };
        const body = typeof e.body === "string" ? safeMessage(e.body) : ((e.body as { message?: string } | undefined)?.message ?? "");
        const hint = e.code === 403 ? " (the kubeconfig's user may not do this: grant get/patch on it)" : e.code === 401 ? " (the kubeconfig's credentials were refused)" : "";
        return new RouterError(this.router, `${what} failed: ${e.code ? `HTTP ${e.code} ` : ""}${body || e.message || String(err)}${hint}`, err);
    }
}

function safeMessage(body: string): string {
    try {
        return (JSON.parse(body) as { message?: string }).message ?? body.slice(0, 200);
    } catch {
        return body.slice(0, 200);
    }
}

/** Percent per track from relative weights (Gateway API's backendRef weights are proportions). */
export function percentOf(weights: Readonly<Record<string, number>>): Record<string, number> {
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    return Object.fromEntries(Object.entries(weights).map(([t, w]) => [t, total ? Math.round((10_000 * w) / total) / 100 : 0]));
}
