import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TrafficPlan } from "../release/traffic-plan";
import type { TrackServices } from "./route";
import { IngressNginxRouter } from "./router-spec";

const CANARY = "nginx.ingress.kubernetes.io/canary";
const CANARY_WEIGHT = "nginx.ingress.kubernetes.io/canary-weight";
const CANARY_BY_HEADER = "nginx.ingress.kubernetes.io/canary-by-header";

export const NGINX_ANNOTATIONS = { canary: CANARY, canaryWeight: CANARY_WEIGHT, canaryByHeader: CANARY_BY_HEADER } as const;

type IngressSpec = k8s.types.input.networking.v1.IngressSpec;

export interface NginxIngressSpecs {
    readonly main: { readonly spec: IngressSpec };
    /** ingress-nginx takes one canary Ingress per host and path: present while the candidate gets traffic or the header. */
    readonly canary?: { readonly spec: IngressSpec; readonly annotations: Record<string, string> };
}

function ingressSpec(router: IngressNginxRouter, service: string, port: number): IngressSpec {
    return {
        ingressClassName: router.ingressClassName,
        ...(router.tlsSecretName ? { tls: [{ hosts: [router.host], secretName: router.tlsSecretName }] } : {}),
        rules: [
            {
                host: router.host,
                http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service, port: { number: port } } } }] },
            },
        ],
    };
}

/** The main Ingress to the primary, and the canary Ingress (same host and path) to the candidate, each track reaching its Service in `backends`. */
export function nginxIngressSpecs(plan: TrafficPlan, backends: TrackServices, router: IngressNginxRouter, port: number): NginxIngressSpecs {
    const main = { spec: ingressSpec(router, backends[plan.primary.name], port) };
    const candidate = plan.candidate;
    // The header goes to the candidate only while it has pods to answer.
    const byHeader = plan.header?.answers === true;
    if (!candidate || (candidate.weight === 0 && !byHeader)) {
        return { main };
    }
    const annotations: Record<string, string> = { [CANARY]: "true", [CANARY_WEIGHT]: String(candidate.weight) };
    if (byHeader) {
        // The header set to "always" sends a request to the canary, "never" keeps it off.
        annotations[CANARY_BY_HEADER] = router.canaryHeader;
    }
    return { main, canary: { spec: ingressSpec(router, backends[candidate.name], port), annotations } };
}

export interface NginxIngressArgs {
    readonly namespace: pulumi.Input<string>;
    readonly plan: TrafficPlan;
    readonly backends: TrackServices;
    readonly router: IngressNginxRouter;
    readonly port: number;
    readonly labels: Record<string, string>;
}

export interface NginxIngresses {
    readonly main: k8s.networking.v1.Ingress;
    readonly canary?: k8s.networking.v1.Ingress;
}

export const canaryIngressName = (name: string) => `${name}-canary`;

/** `${name}` for the primary, `${name}-canary` for the candidate. */
export function createNginxIngresses(name: string, args: NginxIngressArgs, opts: pulumi.CustomResourceOptions): NginxIngresses {
    const specs = nginxIngressSpecs(args.plan, args.backends, args.router, args.port);
    const main = new k8s.networking.v1.Ingress(
        name,
        { metadata: { name, namespace: args.namespace, labels: args.labels }, spec: specs.main.spec },
        opts,
    );
    const canaryName = canaryIngressName(name);
    const canary = specs.canary
        ? new k8s.networking.v1.Ingress(
              canaryName,
              {
                  metadata: { name: canaryName, namespace: args.namespace, labels: args.labels, annotations: specs.canary.annotations },
                  spec: specs.canary.spec,
              },
              opts,
          )
        : undefined;
    return { main, canary };
}
