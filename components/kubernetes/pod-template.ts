import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Artifact, imageRef } from "../release/artifact";
import { ServiceSpec } from "../release/service-spec";
import { PodGroup, resourceLabels } from "./labels";
import { healthProbes } from "./probes";

export interface PodTemplateArgs {
    /** The service's name: the app label and the container's name. */
    readonly app: string;
    readonly group: PodGroup;
    readonly service: ServiceSpec;
    /** What this track or color runs. */
    readonly artifact: Artifact;
    readonly extraLabels?: Readonly<Record<string, string>>;
    /** Environment variables carrying other services' endpoints (`service.links`, resolved by the stack). */
    readonly links?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * The pod one track or color runs: its image, the service port, plain env, secrets only as
 * `secretKeyRef` (a secret's value never appears in the spec or the Pulumi state), requests and
 * limits, and the three health probes.
 */
export function podTemplate(args: PodTemplateArgs): k8s.types.input.core.v1.PodTemplateSpec {
    const { service, artifact } = args;
    // Sorted so the same spec always renders the same container (no spurious diffs).
    const env: k8s.types.input.core.v1.EnvVar[] = [
        ...Object.entries(service.env).map(([name, value]) => ({ name, value })),
        ...Object.entries(args.links ?? {}).map(([name, value]) => ({ name, value })),
        ...Object.entries(service.secretEnv).map(([name, ref]) => ({
            name,
            valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
        })),
    ].sort((a, b) => a.name.localeCompare(b.name));
    return {
        metadata: { labels: resourceLabels(args.app, args.group, artifact.version, args.extraLabels) },
        spec: {
            containers: [
                {
                    name: args.app,
                    image: imageRef(service.image, artifact),
                    ports: [{ name: "http", containerPort: service.port, protocol: "TCP" }],
                    env,
                    resources: {
                        requests: { ...service.resources.requests },
                        limits: { ...service.resources.limits },
                    },
                    ...healthProbes(service.healthPath, service.port, service.release.analysis.health),
                },
            ],
        },
    };
}
