import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createClusterService } from "./cluster-service";
import { DeploymentArgs, createDeployment } from "./deployment";
import { createDisruptionBudget } from "./disruption-budget";

/** One track or color: its Deployment, the Service that selects exactly its pods, and its budget. */
export interface Workload {
    readonly deployment: k8s.apps.v1.Deployment;
    readonly service: k8s.core.v1.Service;
    readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
}

/** The three objects share `name`: `kubectl get deploy,svc,pdb <name>` shows the whole track. */
export function createWorkload(name: string, args: DeploymentArgs, parent: pulumi.Resource): Workload {
    const opts = { parent };
    const deployment = createDeployment(name, args, opts);
    const service = createClusterService(
        name,
        { app: args.app, group: args.group, namespace: args.namespace, port: args.service.port, version: args.artifact.version, extraLabels: args.extraLabels },
        opts,
    );
    const disruptionBudget = createDisruptionBudget(
        name,
        { app: args.app, group: args.group, namespace: args.namespace, replicas: args.replicas, extraLabels: args.extraLabels },
        opts,
    );
    return { deployment, service, disruptionBudget };
}
