import * as pulumi from "@pulumi/pulumi";
import type { ShipgateService } from "../../../components/contract";
import { ServiceSpec } from "../../../components/release";

/** What the program needs from a platform: one service component per spec. */
export interface ServicePlatform {
    readonly name: string;
    /** Where the platform's own metrics answer, for the release engine's analysis (if it has any). */
    readonly metrics?: {
        readonly prometheusUrl?: pulumi.Output<string>;
        readonly routerStatsUrl?: pulumi.Output<string>;
        /** AWS: the region and each service's tracks' CloudWatch dimensions (stacks/automation/verify/cloudwatch-source.ts). */
        readonly cloudwatch?: pulumi.Output<unknown>;
        /** Azure: the metrics endpoint, the workspace and each track's resource and revision (…/azure-monitor-source.ts). */
        readonly azureMonitor?: pulumi.Output<unknown>;
    };
    createService(name: string, spec: ServiceSpec, opts: pulumi.ComponentResourceOptions): ShipgateService;
}
