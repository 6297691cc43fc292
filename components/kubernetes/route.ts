import * as pulumi from "@pulumi/pulumi";
import type { RouterDescriptorInput } from "../release/router-descriptor";
import type { TrafficPlan } from "../release/traffic-plan";
import { createHttpRoute } from "./http-route";
import { canaryIngressName, createNginxIngresses } from "./nginx-ingress";
import { KubernetesRouter } from "./router-spec";

/** Track → the Service that selects exactly its pods (what a route's backend names). */
export type TrackServices = Readonly<Record<string, string>>;

export interface RouteArgs {
    readonly namespace: pulumi.Input<string>;
    readonly router: KubernetesRouter;
    readonly plan: TrafficPlan;
    readonly backends: TrackServices;
    readonly port: number;
    readonly labels: Record<string, string>;
}

/**
 * Applies a plan with the configured router: an HTTPRoute `${name}`, or ingress-nginx Ingresses
 * `${name}` and `${name}-canary`. Nothing for `none` (the component's Services do the work).
 * `dependsOn` should hold the Deployments, so traffic moves only once the pods it moves to are ready.
 */
export function createRoute(name: string, args: RouteArgs, opts: pulumi.CustomResourceOptions): pulumi.CustomResource[] {
    switch (args.router.kind) {
        case "gatewayApi":
            return [createHttpRoute(name, { ...args, router: args.router }, opts)];
        case "ingressNginx": {
            const { main, canary } = createNginxIngresses(name, { ...args, router: args.router }, opts);
            return canary ? [main, canary] : [main];
        }
        case "none":
            return [];
    }
}

export interface RouteDescriptorArgs {
    readonly router: KubernetesRouter;
    /** The kubeconfig context the stack's provider uses; the engine reaches the cluster the same way. */
    readonly context?: string;
    readonly namespace: pulumi.Input<string>;
    readonly backends: TrackServices;
    /** Track → its Deployment. */
    readonly deployments: Readonly<Record<string, string>>;
    /** No router, blue-green: the Service whose selector switches colors, and the label it switches on. */
    readonly selector?: { readonly service: string; readonly label: string };
}

/**
 * The router descriptor of the route `createRoute(name, …)` makes: the same names. The canary
 * Ingress is named even while it does not exist (no candidate weight nor header): its absence means weight 0.
 */
export function routeDescriptor(name: string, args: RouteDescriptorArgs): pulumi.Output<RouterDescriptorInput> {
    const cluster = args.context ? { context: args.context } : {};
    const { backends, deployments } = args;
    const r = args.router;
    const external = (header: { name: string; value: string }) => (r.kind !== "none" && r.externalUrl ? { external: { url: r.externalUrl, header } } : {});
    return pulumi.output(args.namespace).apply((namespace): RouterDescriptorInput => {
        switch (r.kind) {
            case "gatewayApi":
                return { kind: "gatewayApi", cluster, namespace, httpRoute: name, backends, deployments, ...external(r.canaryHeader) };
            case "ingressNginx":
                // ingress-nginx sends a request to the canary when its canary-by-header is "always".
                return { kind: "ingressNginx", cluster, namespace, ingress: name, canaryIngress: canaryIngressName(name), backends, deployments, ...external({ name: r.canaryHeader, value: "always" }) };
            case "none":
                return { kind: "kubernetesReplicas", cluster, namespace, deployments, ...(args.selector ? { selector: args.selector } : {}) };
        }
    });
}
