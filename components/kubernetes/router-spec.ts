import { z } from "zod";
import { InvalidInputError, parseOrThrow } from "../release/errors";
import { DEFAULT_CANARY_HEADER } from "../release/traffic-plan";

// Kubernetes and Gateway API name rules, so a bad value fails at preview and not in the cluster.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

function hostnameSchema(field: string) {
    return z
        .string({ error: `${field} is missing: set it to the hostname users reach the service on, e.g. "shop.example.com"` })
        .max(253, { error: `${field} is at most 253 characters` })
        .regex(HOSTNAME, {
            error: `${field} is a hostname: lower-case letters, digits, "-" and "." (optionally starting with "*."), with no scheme, port or path, e.g. "shop.example.com"`,
        });
}

/**
 * Where a CI runner outside the cluster reaches the service through its router (cluster DNS
 * names do not resolve there): the candidate's health is read there with the candidate header.
 */
function externalUrlSchema(router: string) {
    return z
        .url({
            protocol: /^https?$/,
            error: `externalUrl is the service's address through the ${router} as a CI runner reaches it, an http(s) URL such as "https://shop.example.com"`,
        })
        .refine((u) => !URL.canParse(u) || (!new URL(u).search && !new URL(u).hash), { error: 'externalUrl takes no query or fragment: the service\'s healthPath is added to it, e.g. "https://shop.example.com"' })
        .optional();
}

const HeaderNameSchema = z
    .string({ error: 'the header name is a string such as "X-Canary"' })
    .min(1, { error: 'the header name is empty: use e.g. "X-Canary"' })
    .max(256, { error: "the header name is at most 256 characters" })
    .regex(HEADER_NAME, { error: 'the header name is an HTTP token (letters, digits, "-", no spaces or ":"), e.g. "X-Canary"' });

/** Gateway API: an HTTPRoute attached to an existing Gateway splits traffic by backendRef weight. */
export const GatewayApiRouterSchema = z
    .object({
        kind: z.literal("gatewayApi"),
        gateway: z
            .object(
                {
                    name: z
                        .string({ error: 'gateway.name is missing: set it to the name of the Gateway the route attaches to, e.g. "public"' })
                        .max(253, { error: "gateway.name is at most 253 characters" })
                        .regex(DNS_SUBDOMAIN, { error: 'gateway.name must be a Kubernetes object name (lower-case letters, digits, "-", "."), e.g. "public"' }),
                    /** The Gateway's namespace; the route's own namespace when omitted. */
                    namespace: z
                        .string()
                        .max(63, { error: "gateway.namespace is at most 63 characters" })
                        .regex(DNS_LABEL, { error: 'gateway.namespace must be a namespace name (lower-case letters, digits, "-"), e.g. "gateway-system"' })
                        .optional(),
                    /** A listener of the Gateway (e.g. "https"); every listener that accepts the route when omitted. */
                    sectionName: z
                        .string()
                        .max(253)
                        .regex(DNS_LABEL, { error: 'gateway.sectionName must be a listener name (lower-case letters, digits, "-"), e.g. "https"' })
                        .optional(),
                },
                { error: 'gateway is missing: set router.gateway.name to the Gateway the route attaches to, e.g. {name: "public", namespace: "gateway-system"}' },
            )
            .strict(),
        hostnames: z.array(hostnameSchema("the hostname"), { error: 'hostnames is a list such as ["shop.example.com"]' }).max(16, { error: "an HTTPRoute takes at most 16 hostnames" }).optional(),
        canaryHeader: z
            .object({
                name: HeaderNameSchema.default(DEFAULT_CANARY_HEADER.name),
                value: z
                    .string()
                    .min(1, { error: 'canaryHeader.value is empty: use e.g. "always"' })
                    .max(4096, { error: "canaryHeader.value is at most 4096 characters" })
                    .default(DEFAULT_CANARY_HEADER.value),
            })
            .strict()
            .prefault({}),
        externalUrl: externalUrlSchema("Gateway"),
    })
    .strict();

/** ingress-nginx canary annotations (the controller is retired, so Gateway API is the default). */
export const IngressNginxRouterSchema = z
    .object({
        kind: z.literal("ingressNginx"),
        host: hostnameSchema("host").refine((h) => !h.startsWith("*."), {
            error: 'host must be a single host, not a wildcard: ingress-nginx matches canary Ingresses by host, e.g. "shop.example.com"',
        }),
        ingressClassName: z
            .string()
            .max(253)
            .regex(DNS_SUBDOMAIN, { error: 'ingressClassName must be an IngressClass name, e.g. "nginx"' })
            .default("nginx"),
        /** A TLS Secret in the service's namespace; plain HTTP when omitted. */
        tlsSecretName: z
            .string()
            .max(253)
            .regex(DNS_SUBDOMAIN, { error: 'tlsSecretName must be a Secret name (lower-case letters, digits, "-", "."), e.g. "shop-tls"' })
            .optional(),
        /** Requests with this header set to "always" go to the candidate (ingress-nginx `canary-by-header`). */
        canaryHeader: HeaderNameSchema.default(DEFAULT_CANARY_HEADER.name),
        externalUrl: externalUrlSchema("Ingress"),
    })
    .strict();

/** No router: a canary's share is its share of the replicas behind one Service; blue-green switches a Service selector. */
export const NoRouterSchema = z.object({ kind: z.literal("none") }).strict();

export const ROUTER_KINDS = ["gatewayApi", "ingressNginx", "none"] as const;

export const KubernetesRouterSchema = z.discriminatedUnion("kind", [GatewayApiRouterSchema, IngressNginxRouterSchema, NoRouterSchema], {
    error: (issue) =>
        issue.code === "invalid_union"
            ? `unknown router kind ${JSON.stringify((issue.input as { kind?: unknown } | undefined)?.kind)}: use one of ${ROUTER_KINDS.join(", ")}`
            : undefined,
});

export type KubernetesRouter = z.output<typeof KubernetesRouterSchema>;
export type KubernetesRouterInput = z.input<typeof KubernetesRouterSchema>;
export type GatewayApiRouter = z.output<typeof GatewayApiRouterSchema>;
export type IngressNginxRouter = z.output<typeof IngressNginxRouterSchema>;

/**
 * Parses a router. Omitting it means Gateway API, which cannot guess the Gateway, so the
 * error says what to set (or how to opt out of a router).
 */
export function parseRouter(input: KubernetesRouterInput | undefined, prefix = "router"): KubernetesRouter {
    if (input === undefined) {
        throw new InvalidInputError("router", [
            {
                path: prefix,
                message:
                    'router is missing: the default router is Gateway API, which needs the Gateway to attach to: set router to {kind: "gatewayApi", gateway: {name: "<gateway>"}}, or to {kind: "none"} to split by replica ratio without a router',
            },
        ]);
    }
    return parseOrThrow(KubernetesRouterSchema, input, "router", prefix);
}
