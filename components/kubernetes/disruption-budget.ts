import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PodGroup, resourceLabels, selectorLabels } from "./labels";

export interface DisruptionBudgetArgs {
    readonly app: string;
    readonly group: PodGroup;
    readonly namespace: pulumi.Input<string>;
    /** The replicas of the Deployment it protects. */
    readonly replicas: number;
    readonly extraLabels?: Readonly<Record<string, string>>;
}

/**
 * Lets node drains take one pod of a track at a time. Only for more than one replica: with a
 * single pod (or none) a budget of one unavailable would block drains forever or guard nothing.
 */
export function createDisruptionBudget(
    name: string,
    args: DisruptionBudgetArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.policy.v1.PodDisruptionBudget | undefined {
    if (args.replicas <= 1) {
        return undefined;
    }
    return new k8s.policy.v1.PodDisruptionBudget(
        name,
        {
            metadata: { name, namespace: args.namespace, labels: resourceLabels(args.app, args.group, undefined, args.extraLabels) },
            spec: {
                maxUnavailable: 1,
                selector: { matchLabels: selectorLabels(args.app, args.group) },
            },
        },
        opts,
    );
}
