import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Artifact } from "../release/artifact";
import { ServiceSpec } from "../release/service-spec";
import { PodGroup, resourceLabels, selectorLabels } from "./labels";
import { podTemplate } from "./pod-template";

/** A count or a percentage of replicas, as a Deployment's rolling update takes it. */
export type Surge = number | string;

export interface RollingUpdate {
    readonly maxSurge: Surge;
    readonly maxUnavailable: Surge;
}

/**
 * A canary track or blue-green color is updated in place only while it carries little or no
 * traffic, but it must never lose capacity doing so: surge, never go below the replica count.
 */
export const NO_CAPACITY_LOSS: RollingUpdate = { maxSurge: "25%", maxUnavailable: 0 };

/** Matches the provider's default await (10 minutes), so Kubernetes and Pulumi give up together. */
export const PROGRESS_DEADLINE_SECONDS = 600;

export interface DeploymentArgs {
    readonly app: string;
    readonly group: PodGroup;
    readonly namespace: pulumi.Input<string>;
    readonly service: ServiceSpec;
    readonly artifact: Artifact;
    readonly replicas: number;
    readonly rollingUpdate?: RollingUpdate;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly extraLabels?: Readonly<Record<string, string>>;
    readonly links?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * One Deployment per track or color, named as its Pulumi resource. `pulumi.com/skipAwait` is
 * deliberately absent: the provider waits until the pods are ready, so a step's `up` only
 * succeeds once the new track can take its share.
 */
export function createDeployment(name: string, args: DeploymentArgs, opts: pulumi.CustomResourceOptions): k8s.apps.v1.Deployment {
    const rollingUpdate = args.rollingUpdate ?? NO_CAPACITY_LOSS;
    return new k8s.apps.v1.Deployment(
        name,
        {
            metadata: {
                name,
                namespace: args.namespace,
                labels: resourceLabels(args.app, args.group, args.artifact.version, args.extraLabels),
                ...(args.annotations && Object.keys(args.annotations).length ? { annotations: { ...args.annotations } } : {}),
            },
            spec: {
                replicas: args.replicas,
                selector: { matchLabels: selectorLabels(args.app, args.group) },
                strategy: {
                    type: "RollingUpdate",
                    rollingUpdate: { maxSurge: rollingUpdate.maxSurge, maxUnavailable: rollingUpdate.maxUnavailable },
                },
                progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
                template: podTemplate({
                    app: args.app,
                    group: args.group,
                    service: args.service,
                    artifact: args.artifact,
                    extraLabels: args.extraLabels,
                    links: args.links,
                }),
            },
        },
        opts,
    );
}
