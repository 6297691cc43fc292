import * as pulumi from "@pulumi/pulumi";
import { Artifact, imageRef } from "../release/artifact";
import { Resources, ServiceSpec } from "../release/service-spec";

/** Kubernetes CPU quantity ("250m", "1", "1.5") in cores. */
export function cpuCores(quantity: string): number {
    return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

const MEMORY_UNITS: Record<string, number> = { "": 1, K: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** Kubernetes memory quantity ("256Mi", "1Gi", "512M") in MiB, rounded up. */
export function memoryMiB(quantity: string): number {
    const match = /^([0-9]+)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity);
    if (!match) {
        throw new Error(`not a memory quantity: ${quantity}`);
    }
    return Math.ceil((Number(match[1]) * MEMORY_UNITS[match[2] ?? ""]) / 1024 ** 2);
}

/** Fargate's task sizes: CPU units and the memory (MiB) each allows. */
const FARGATE_SIZES: readonly { cpu: number; memory: number[] }[] = [
    { cpu: 256, memory: [512, 1024, 2048] },
    { cpu: 512, memory: range(1024, 4096, 1024) },
    { cpu: 1024, memory: range(2048, 8192, 1024) },
    { cpu: 2048, memory: range(4096, 16384, 1024) },
    { cpu: 4096, memory: range(8192, 30720, 1024) },
    { cpu: 8192, memory: range(16384, 61440, 4096) },
    { cpu: 16384, memory: range(32768, 122880, 8192) },
];

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) {
        out.push(v);
    }
    return out;
}

export interface FargateSize {
    /** Task CPU units (1024 = one vCPU), as the task definition takes it. */
    readonly cpu: string;
    /** Task memory in MiB. */
    readonly memory: string;
}

/**
 * The smallest Fargate task size that holds the service's limits (Fargate accepts only fixed
 * CPU/memory pairs, so "500m"/"256Mi" becomes 512 units / 1024 MiB).
 */
export function fargateSize(resources: Resources): FargateSize {
    const cpu = Math.ceil(cpuCores(resources.limits.cpu) * 1024);
    const memory = memoryMiB(resources.limits.memory);
    for (const size of FARGATE_SIZES) {
        if (size.cpu < cpu) {
            continue;
        }
        const fit = size.memory.find((m) => m >= memory);
        if (fit !== undefined) {
            return { cpu: String(size.cpu), memory: String(fit) };
        }
    }
    throw new Error(`no Fargate task size holds ${resources.limits.cpu} CPU and ${resources.limits.memory} memory (at most 16 vCPU and 120 GiB)`);
}

export interface ContainerArgs {
    readonly name: string;
    readonly service: ServiceSpec;
    readonly artifact: Artifact;
    readonly region: string;
    readonly logGroup: pulumi.Input<string>;
    /** The track or color, for the log stream prefix and SHIPGATE_TRACK. */
    readonly track: string;
    readonly links: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * The task's one container as ECS's JSON: image, the service port, plain env (sorted, so the same
 * spec renders the same JSON), secrets only as Secrets Manager references (`valueFrom`), CPU and
 * memory reservations from the requests and a hard memory limit from the limits, logs to CloudWatch.
 */
export function containerDefinitions(args: ContainerArgs): pulumi.Output<string> {
    const { service, artifact } = args;
    const environment = pulumi
        .all(Object.entries({ ...service.env, ...args.links, SHIPGATE_TRACK: args.track, SHIPGATE_VERSION: artifact.version }).map(([name, value]) => pulumi.all([name, value])))
        .apply((pairs) => pairs.map(([name, value]) => ({ name, value })).sort((a, b) => a.name.localeCompare(b.name)));
    const secrets = Object.entries(service.secretEnv)
        .map(([name, ref]) => ({ name, valueFrom: `${ref.secretName}:${ref.key}::` }))
        .sort((a, b) => a.name.localeCompare(b.name));
    return pulumi.jsonStringify([
        {
            name: args.name,
            image: imageRef(service.image, artifact),
            essential: true,
            portMappings: [{ name: "http", containerPort: service.port, protocol: "tcp" }],
            environment,
            secrets,
            cpu: Math.ceil(cpuCores(service.resources.requests.cpu) * 1024),
            memoryReservation: memoryMiB(service.resources.requests.memory),
            memory: memoryMiB(service.resources.limits.memory),
            logConfiguration: {
                logDriver: "awslogs",
                options: {
                    "awslogs-group": args.logGroup,
                    "awslogs-region": args.region,
                    "awslogs-stream-prefix": args.track,
                },
            },
        },
    ]);
}
