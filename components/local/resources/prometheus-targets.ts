import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./provider-shim";

const provider = providerShim("../runtime/providers/prometheus-targets-provider");

export interface PrometheusTargetsArgs {
    readonly dir: pulumi.Input<string>;
    readonly service: pulumi.Input<string>;
    readonly targets: pulumi.Input<pulumi.Input<{ port: pulumi.Input<number>; labels: Record<string, string> }>[]>;
}

/** The scrape targets of one service, one per running track or color. */
export class PrometheusTargets extends pulumi.dynamic.Resource {
    constructor(name: string, args: PrometheusTargetsArgs, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, args, opts, "shipgate", "PrometheusTargets");
    }
}
