import * as pulumi from "@pulumi/pulumi";
import { createHttpRoute } from "./http-route";
import { createNginxIngresses } from "./nginx-ingress";
import { RoutePlan } from "./route-plan";
import { KubernetesRouter } from "./router-spec";

export interface RouteArgs {
    readonly namespace: pulumi.Input<string>;
    readonly router: KubernetesRouter;
    readonly plan: RoutePlan;
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
