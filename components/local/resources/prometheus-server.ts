import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./provider-shim";

const provider = providerShim("../runtime/providers/prometheus-server-provider");

export interface PrometheusServerArgs {
    readonly marker: pulumi.Input<string>;
    readonly dir: pulumi.Input<string>;
    readonly port: pulumi.Input<number>;
    readonly scrapeIntervalSeconds: pulumi.Input<number>;
    readonly routerMetrics?: pulumi.Input<string>;
}

/** The stack's Prometheus, so the release engine's Prometheus analysis runs unchanged on a laptop. */
export class PrometheusServer extends pulumi.dynamic.Resource {
    declare public readonly url: pulumi.Output<string>;
    declare public readonly pid: pulumi.Output<number>;
    declare public readonly dir: pulumi.Output<string>;

    constructor(name: string, args: PrometheusServerArgs, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, { ...args, url: undefined, pid: undefined, running: undefined }, opts, "shipgate", "PrometheusServer");
    }
}
