import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TrafficPlan } from "../release/traffic-plan";
import type { TrackServices } from "./route";
import { GatewayApiRouter } from "./router-spec";

export const HTTP_ROUTE_API_VERSION = "gateway.networking.k8s.io/v1";

/**
 * The HTTPRoute's spec for a plan, each track reaching its Service in `backends`. The header rule comes first and wins over the weighted rule
 * (Gateway API prefers the match with more header matches); the weighted rule has no match, so
 * it takes every other request on the route's hostnames.
 */
export function httpRouteSpec(plan: TrafficPlan, backends: TrackServices, router: GatewayApiRouter, port: number): Record<string, unknown> {
    const parentRef: Record<string, string> = { group: "gateway.networking.k8s.io", kind: "Gateway", name: router.gateway.name };
    if (router.gateway.namespace) {
        parentRef.namespace = router.gateway.namespace;
    }
    if (router.gateway.sectionName) {
        parentRef.sectionName = router.gateway.sectionName;
    }
    const rules: Record<string, unknown>[] = [];
    // Only while the header's track has pods to answer.
    if (plan.header?.answers) {
        rules.push({
            matches: [
                {
                    path: { type: "PathPrefix", value: "/" },
                    headers: [{ type: "Exact", name: router.canaryHeader.name, value: router.canaryHeader.value }],
                },
            ],
            backendRefs: [{ group: "", kind: "Service", name: backends[plan.header.track], port }],
        });
    }
    rules.push({
        backendRefs: plan.tracks.map((t) => ({ group: "", kind: "Service", name: backends[t.name], port, weight: t.weight })),
    });
    return {
        parentRefs: [parentRef],
        ...(router.hostnames?.length ? { hostnames: [...router.hostnames] } : {}),
        rules,
    };
}

export interface HttpRouteArgs {
    readonly namespace: pulumi.Input<string>;
    readonly plan: TrafficPlan;
    readonly backends: TrackServices;
    readonly router: GatewayApiRouter;
    readonly port: number;
    readonly labels: Record<string, string>;
}

/** Gateway API has no typed class in the SDK, so the route is a CustomResource. */
export function createHttpRoute(name: string, args: HttpRouteArgs, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        name,
        {
            apiVersion: HTTP_ROUTE_API_VERSION,
            kind: "HTTPRoute",
            metadata: { name, namespace: args.namespace, labels: args.labels },
            spec: httpRouteSpec(args.plan, args.backends, args.router, args.port),
        },
        opts,
    );
}
