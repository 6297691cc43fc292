import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./provider-shim";

const provider = providerShim("../runtime/providers/haproxy-instance-provider");

export interface HaproxyInstanceArgs {
    readonly marker: pulumi.Input<string>;
    readonly dir: pulumi.Input<string>;
    readonly statsPort: pulumi.Input<number>;
}

/** The stack's router: one HAProxy master process, loading one file per service. */
export class HaproxyInstance extends pulumi.dynamic.Resource {
    declare public readonly marker: pulumi.Output<string>;
    declare public readonly pid: pulumi.Output<number>;
    declare public readonly dir: pulumi.Output<string>;
    declare public readonly socketPath: pulumi.Output<string>;
    declare public readonly statsUrl: pulumi.Output<string>;
    declare public readonly statsPort: pulumi.Output<number>;

    constructor(name: string, args: HaproxyInstanceArgs, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, { ...args, pid: undefined, socketPath: undefined, statsUrl: undefined, running: undefined }, opts, "shipgate", "HaproxyInstance");
    }
}
