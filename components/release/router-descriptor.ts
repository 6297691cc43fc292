import { z } from "zod";

/**
 * What routes a service's traffic and how to reach it, as every platform's service component
 * exports it (output `router`). The release engine builds its router client from this alone
 * (stacks/automation/routers), never from a platform's internals: one descriptor kind per
 * router kind, as Flagger's `pkg/router` has one router per mesh or ingress.
 *
 * Track names are the release model's (`stable`/`canary`, `blue`/`green`, `current`); each
 * descriptor maps them onto the router's own names.
 */

const TrackMap = z.record(z.string(), z.string());

/** The local platform: HAProxy, reached through its runtime API (admin socket). */
export const HaproxyDescriptorSchema = z.object({
    kind: z.literal("haproxy"),
    /** The runtime API's unix socket. */
    socket: z.string().min(1),
    /** The backend that carries users' traffic. */
    backend: z.string().min(1),
    /** Track → server name in `backend`. */
    servers: TrackMap,
});

/**
 * How the engine reaches a cluster: the kubeconfig in the stack's secret config
 * `shipgate:kubeconfig`, else `$KUBECONFIG` / `~/.kube/config`, at `context` when set.
 */
export const ClusterAccessSchema = z.object({
    context: z.string().min(1).optional(),
});

/**
 * A cluster's router as a CI runner reaches it from outside (`router.externalUrl`): requests
 * there with `header` go to the candidate, so its health is read there, beside its pods.
 */
export const ExternalAccessSchema = z.object({
    url: z.string().min(1),
    header: z.object({ name: z.string().min(1), value: z.string().min(1) }),
});

/** Kubernetes, Gateway API: one HTTPRoute whose first rule's backendRefs carry the weights. */
export const GatewayApiDescriptorSchema = z.object({
    kind: z.literal("gatewayApi"),
    cluster: ClusterAccessSchema,
    namespace: z.string().min(1),
    httpRoute: z.string().min(1),
    /** Track → the Service its backendRef names. */
    backends: TrackMap,
    /** Track → its Deployment, whose rollout the read-back checks too. */
    deployments: TrackMap,
    external: ExternalAccessSchema.optional(),
});

/** Kubernetes, ingress-nginx: the main Ingress to the primary, the canary Ingress's weight annotation to the candidate. */
export const IngressNginxDescriptorSchema = z.object({
    kind: z.literal("ingressNginx"),
    cluster: ClusterAccessSchema,
    namespace: z.string().min(1),
    ingress: z.string().min(1),
    canaryIngress: z.string().min(1),
    /** Track → the Service its Ingress's backend names. */
    backends: TrackMap,
    deployments: TrackMap,
    external: ExternalAccessSchema.optional(),
});

/**
 * Kubernetes with no router: a canary's share is its share of ready replicas behind one
 * Service; blue-green switches `service`'s selector to the active color.
 */
export const KubernetesReplicasDescriptorSchema = z.object({
    kind: z.literal("kubernetesReplicas"),
    cluster: ClusterAccessSchema,
    namespace: z.string().min(1),
    deployments: TrackMap,
    /** Blue-green: the live Service and the selector label whose value names the active track. */
    selector: z.object({ service: z.string().min(1), label: z.string().min(1) }).optional(),
});

/** AWS: an ALB listener rule (or the listener's default action) forwarding to one target group per track, weights 0-999. */
export const AlbDescriptorSchema = z.object({
    kind: z.literal("alb"),
    region: z.string().min(1),
    listenerArn: z.string().min(1),
    /** The rule that splits users' traffic; the listener's default action when absent. */
    ruleArn: z.string().min(1).optional(),
    /** Track → target group ARN. */
    targetGroups: TrackMap,
    /** `ecs`: ECS-native deployments own the weights (read back only; shipgate never sets them). */
    owner: z.enum(["shipgate", "ecs"]).default("shipgate"),
});

/** AWS Lambda: an alias on the primary's version, `routingConfig.additionalVersionWeights` (0-1) for the candidate's. */
export const LambdaAliasDescriptorSchema = z.object({
    kind: z.literal("lambdaAlias"),
    region: z.string().min(1),
    functionName: z.string().min(1),
    alias: z.string().min(1),
    /** Track → the published version number it runs. */
    versions: TrackMap,
});

/** Azure Container Apps: `configuration.ingress.traffic[]` by revision (weights sum to 100). */
export const ContainerAppDescriptorSchema = z.object({
    kind: z.literal("containerApp"),
    /** ARM_SUBSCRIPTION_ID / AZURE_SUBSCRIPTION_ID of the engine's environment when absent. */
    subscriptionId: z.string().min(1).optional(),
    resourceGroup: z.string().min(1),
    app: z.string().min(1),
    /** Track → revision name. */
    revisions: TrackMap,
});

/**
 * Azure App Service: the production slot and one deployment slot. A canary's share is the
 * slot's ramp-up rule; a blue-green switch is a slot swap (an action, not a resource).
 */
export const AppServiceDescriptorSchema = z.object({
    kind: z.literal("appService"),
    subscriptionId: z.string().min(1).optional(),
    resourceGroup: z.string().min(1),
    app: z.string().min(1),
    slot: z.string().min(1),
    /** Track → the slot that runs it (`production` or `slot`'s name). */
    slots: TrackMap,
    /** Track → the version the slot's `SHIPGATE_VERSION` app setting says it runs. */
    versions: TrackMap,
    /** `swap`: blue-green, switched by a slot swap; `rampUp`: canary, the slot's reroute percentage. */
    switching: z.enum(["swap", "rampUp", "none"]),
});

export const RouterDescriptorSchema = z.discriminatedUnion("kind", [
    HaproxyDescriptorSchema,
    GatewayApiDescriptorSchema,
    IngressNginxDescriptorSchema,
    KubernetesReplicasDescriptorSchema,
    AlbDescriptorSchema,
    LambdaAliasDescriptorSchema,
    ContainerAppDescriptorSchema,
    AppServiceDescriptorSchema,
]);

export type RouterDescriptor = z.output<typeof RouterDescriptorSchema>;
export type RouterDescriptorInput = z.input<typeof RouterDescriptorSchema>;
export type RouterKind = RouterDescriptor["kind"];
export type DescriptorOf<K extends RouterKind> = Extract<RouterDescriptor, { kind: K }>;
