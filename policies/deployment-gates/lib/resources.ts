import { ifKnown } from "./known";

/**
 * How the rules recognise what they check. A shipgate service component (any platform) carries
 * its validated ServiceSpec as the input `service`, known at preview; Kubernetes objects carry
 * their own spec. Raw property bags may be the engine's unknown-checking proxies, so anything a
 * rule only mentions is read through `ifKnown`.
 */

/**
 * A shipgate service component of any platform: `shipgate:kubernetes|local:CanaryService|BlueGreenService|RollingService`,
 * `shipgate:aws:EcsService|EcsNativeService|LambdaService`, `shipgate:azure:ContainerAppService|WebAppService`, …
 * What makes it one for the rules is its `service` input (a ServiceSpec with a release).
 */
export const SERVICE_COMPONENT_TYPE = /^shipgate:([A-Za-z0-9-]+):([A-Za-z0-9]*)Service$/;

/** A service component's inputs, as the rules read them (the shape of components/release ServiceSpec). */
export interface ServiceComponent {
    readonly type: string;
    readonly platform: string;
    readonly name: string;
    /** The component's `service` input: a ServiceSpec with defaults filled in. */
    readonly service: Record<string, any>;
    /** The Kubernetes components' router, when there is one. */
    readonly router?: Record<string, any>;
}

export function serviceComponent(type: string, name: string, props: Record<string, any>): ServiceComponent | undefined {
    const match = SERVICE_COMPONENT_TYPE.exec(type);
    if (!match) return undefined;
    const service = props.service;
    if (!service || typeof service !== "object" || !service.release || typeof service.release !== "object") return undefined;
    const router = props.router;
    return { type, platform: match[1], name, service, ...(router && typeof router === "object" ? { router } : {}) };
}

/** How a message names a service component, e.g. `service "backend" (shipgate:local:CanaryService)`. */
export function serviceSubject(c: ServiceComponent): string {
    return `service "${c.name}" (${c.type})`;
}

/** The config key a user edits for a field of a service, e.g. `shipgate:services.backend.replicas`. */
export function serviceKey(c: ServiceComponent, field: string): string {
    return `shipgate:services.${c.name}.${field}`;
}

/** The artifacts a release declares, by track or color, e.g. {stable: {version}, canary: {version}}. */
export function releaseArtifacts(release: Record<string, any> | undefined): Array<{ track: string; version: string; image?: string }> {
    if (!release) return [];
    const tracks = release.strategy === "canary" ? ["stable", "canary"] : release.strategy === "blueGreen" ? ["blue", "green"] : ["current"];
    const out: Array<{ track: string; version: string; image?: string }> = [];
    for (const track of tracks) {
        const a = release[track];
        if (a === undefined || a === null) continue;
        if (typeof a === "string") out.push({ track, version: a });
        else out.push({ track, version: String(a.version), ...(a.image !== undefined ? { image: String(a.image) } : {}) });
    }
    return out;
}

/**
 * The type tokens of a URN, outermost first: `…::shipgate:kubernetes:CanaryService$kubernetes:apps/v1:Deployment::backend-stable`
 * gives both, so a rule can tell a Deployment a shipgate component rendered from a hand-written one.
 */
export function typeChain(urn: string): string[] {
    const parts = urn.split("::");
    return parts.length >= 4 ? parts[2].split("$") : [];
}

/** The service component type that owns a resource (an ancestor in its URN), if any. */
export function owningServiceComponent(urn: string): string | undefined {
    const chain = typeChain(urn);
    return chain.slice(0, -1).find((t) => SERVICE_COMPONENT_TYPE.test(t));
}

interface WorkloadKind {
    readonly kind: string;
    readonly podSpec: (props: Record<string, any>) => Record<string, any> | undefined;
    /** Long-running pods serve traffic and need probes; Jobs run to completion. */
    readonly serving: boolean;
    /** Runs a replica count (Deployment, StatefulSet, ReplicaSet). */
    readonly scalable: boolean;
}

const templated = (props: Record<string, any>) => props.spec?.template?.spec;

export const WORKLOAD_KINDS: Readonly<Record<string, WorkloadKind>> = {
    "kubernetes:apps/v1:Deployment": { kind: "Deployment", podSpec: templated, serving: true, scalable: true },
    "kubernetes:apps/v1:StatefulSet": { kind: "StatefulSet", podSpec: templated, serving: true, scalable: true },
    "kubernetes:apps/v1:ReplicaSet": { kind: "ReplicaSet", podSpec: templated, serving: true, scalable: true },
    "kubernetes:apps/v1:DaemonSet": { kind: "DaemonSet", podSpec: templated, serving: true, scalable: false },
    "kubernetes:core/v1:Pod": { kind: "Pod", podSpec: (p) => p.spec, serving: true, scalable: false },
    "kubernetes:batch/v1:Job": { kind: "Job", podSpec: templated, serving: false, scalable: false },
    "kubernetes:batch/v1:CronJob": { kind: "CronJob", podSpec: (p) => p.spec?.jobTemplate?.spec?.template?.spec, serving: false, scalable: false },
};

export interface Workload {
    readonly type: string;
    readonly kind: string;
    readonly serving: boolean;
    readonly scalable: boolean;
    /** How messages name it, e.g. `Deployment "shop/backend-stable"`. */
    readonly subject: string;
    readonly props: Record<string, any>;
}

export interface Container {
    readonly name: string;
    readonly init: boolean;
    readonly spec: Record<string, any>;
    /** E.g. `Deployment "shop/backend-stable", container "backend"`. */
    readonly subject: string;
}

export function workload(type: string, name: string, props: Record<string, any>): Workload | undefined {
    const kind = WORKLOAD_KINDS[type];
    if (!kind) return undefined;
    return { type, kind: kind.kind, serving: kind.serving, scalable: kind.scalable, subject: objectSubject(kind.kind, name, props), props };
}

/** `Kind "namespace/name"`: the object's own name when set (and known), else the Pulumi name. */
export function objectSubject(kind: string, pulumiName: string, props: Record<string, any>): string {
    const name = ifKnown(() => props.metadata?.name);
    const namespace = ifKnown(() => props.metadata?.namespace);
    const shown = typeof name === "string" && name ? name : pulumiName;
    return `${kind} "${typeof namespace === "string" && namespace ? `${namespace}/` : ""}${shown}"`;
}

/** Every container (init containers included) of a workload's pod template. */
export function containers(w: Workload): Container[] {
    const spec = WORKLOAD_KINDS[w.type].podSpec(w.props);
    if (!spec) return [];
    const out: Container[] = [];
    for (const [list, init] of [
        [spec.initContainers, true],
        [spec.containers, false],
    ] as const) {
        if (!Array.isArray(list)) continue;
        list.forEach((c: Record<string, any>, i: number) => {
            const name = ifKnown(() => c.name);
            const shown = typeof name === "string" && name ? name : `#${i}`;
            out.push({ name: shown, init, spec: c, subject: `${w.subject}, ${init ? "init container" : "container"} "${shown}"` });
        });
    }
    return out;
}
