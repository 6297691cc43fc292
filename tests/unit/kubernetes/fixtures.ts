import type * as kubernetes from "../../../components/kubernetes";
import type { KubernetesRouterInput } from "../../../components/kubernetes/router-spec";
import type { ReleaseStateInput } from "../../../components/release/release-state";
import type { ServiceSpecInput } from "../../../components/release/service-spec";
import { RecordedResource, findResource, findResources, installMocks } from "../helpers/pulumi-mocks";
export { build } from "../helpers/pulumi-mocks";

/** Type tokens of the objects the Kubernetes components create. */
export const T = {
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    canaryService: "shipgate:kubernetes:CanaryService",
    blueGreenService: "shipgate:kubernetes:BlueGreenService",
    rollingService: "shipgate:kubernetes:RollingService",
} as const;

export const NAMESPACE = "shop";

export const GATEWAY: KubernetesRouterInput = {
    kind: "gatewayApi",
    gateway: { name: "public", namespace: "gateway-system" },
    hostnames: ["shop.example.com"],
};
export const NGINX: KubernetesRouterInput = { kind: "ingressNginx", host: "shop.example.com", tlsSecretName: "shop-tls" };
export const NO_ROUTER: KubernetesRouterInput = { kind: "none" };

/** A service as a user would configure it, with one plain and one secret variable. */
export function serviceSpec<R extends ReleaseStateInput>(release: R, overrides: Partial<ServiceSpecInput> = {}): Omit<ServiceSpecInput, "release"> & { release: R } {
    return {
        image: "ghcr.io/acme/backend",
        port: 8080,
        replicas: 4,
        healthPath: "/health",
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        env: { LOG_FORMAT: "json" },
        secretEnv: { DATABASE_URL: { secretName: "backend-db", key: "url" } },
        ...overrides,
        release,
    };
}

let components: typeof kubernetes | undefined;

/** Installs the mocks, then loads the components (so they are created against the mocks). */
export async function loadComponents(): Promise<typeof kubernetes> {
    await installMocks();
    components ??= await import("../../../components/kubernetes");
    return components;
}

/** The single container of a recorded Deployment. */
export function containerOf(deployment: RecordedResource): Record<string, any> {
    const containers = deployment.inputs.spec.template.spec.containers;
    if (containers.length !== 1) {
        throw new Error(`expected one container in ${deployment.name}, found ${containers.length}`);
    }
    return containers[0];
}

/** The weighted (last) rule's backendRefs as {Service name: weight}. */
export function routeWeights(route: RecordedResource): Record<string, number> {
    const rules = route.inputs.spec.rules;
    const weighted = rules[rules.length - 1];
    return Object.fromEntries(weighted.backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight]));
}

/** The Service a header rule sends to, or undefined when the route has no header rule. */
export function headerTarget(route: RecordedResource): string | undefined {
    const rule = route.inputs.spec.rules.find((r: { matches?: { headers?: unknown[] }[] }) => r.matches?.some((m) => m.headers?.length));
    return rule?.backendRefs[0].name;
}

/** Replicas by Deployment name. */
export function replicasByDeployment(): Record<string, number> {
    return Object.fromEntries(findResources(T.deployment).map((d) => [d.name, d.inputs.spec.replicas]));
}

export function selectorOf(type: string, name: string): Record<string, string> {
    const r = findResource(type, name);
    return r.type === T.service ? r.inputs.spec.selector : r.inputs.spec.selector.matchLabels;
}
