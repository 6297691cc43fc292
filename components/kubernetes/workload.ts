import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createClusterService } from "./cluster-service";
import { DeploymentArgs, createDeployment } from "./deployment";
import { createDisruptionBudget } from "./disruption-budget";
import { PodGroup } from "./labels";

/** One track or color: its Deployment, the Service that selects exactly its pods, and its budget. */
export interface Workload {
    readonly deployment: k8s.apps.v1.Deployment;
    readonly service: k8s.core.v1.Service;
    readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
}

export interface WorkloadOptions {
    /** The pods the Service selects, when not just this track's (a rolling service with no router: every pod of the app). */
    readonly serviceGroup?: PodGroup;
    /** What the Deployment waits for (a rolling batch: the next track ready before current scales down). */
    readonly dependsOn?: pulumi.Resource[];
}

/** The three objects share `name`: `kubectl get deploy,svc,pdb <name>` shows the whole track. */
export function createWorkload(name: string, args: DeploymentArgs, parent: pulumi.Resource, options: WorkloadOptions = {}): Workload {
    const opts = { parent };
    const deployment = createDeployment(name, args, { parent, ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}) });
    const group = options.serviceGroup ?? args.group;
    const service = createClusterService(
        name,
        { app: args.app, group, namespace: args.namespace, port: args.service.port, version: "track" in group || "color" in group ? args.artifact.version : undefined, extraLabels: args.extraLabels },
        opts,
    );
    const disruptionBudget = createDisruptionBudget(
        name,
        { app: args.app, group: args.group, namespace: args.namespace, replicas: args.replicas, extraLabels: args.extraLabels },
        opts,
    );
    return { deployment, service, disruptionBudget };
}
