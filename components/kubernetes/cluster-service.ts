import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PodGroup, resourceLabels, selectorLabels } from "./labels";

export interface ClusterServiceArgs {
    readonly app: string;
    /** The pods it selects: one track, one color, or (`{}`) every pod of the service. */
    readonly group: PodGroup;
    readonly namespace: pulumi.Input<string>;
    readonly port: number;
    readonly version?: string;
    readonly extraLabels?: Readonly<Record<string, string>>;
}

/** A ClusterIP Service on the service's own port, named as its Pulumi resource so its DNS name is predictable. */
export function createClusterService(name: string, args: ClusterServiceArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
        name,
        {
            metadata: { name, namespace: args.namespace, labels: resourceLabels(args.app, args.group, args.version, args.extraLabels) },
            spec: {
                type: "ClusterIP",
                selector: selectorLabels(args.app, args.group),
                ports: [{ name: "http", port: args.port, targetPort: "http", protocol: "TCP" }],
            },
        },
        opts,
    );
}
