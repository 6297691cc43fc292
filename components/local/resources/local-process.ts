import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./provider-shim";

const provider = providerShim("../runtime/providers/process-provider");

export interface LocalProcessArgs {
    readonly marker: pulumi.Input<string>;
    readonly command: pulumi.Input<string>;
    readonly args: pulumi.Input<pulumi.Input<string>[]>;
    readonly env: pulumi.Input<Record<string, pulumi.Input<string>>>;
    readonly cwd: pulumi.Input<string>;
    readonly logFile: pulumi.Input<string>;
    readonly healthPath: pulumi.Input<string>;
}

/** One process of one track or color, detached, on a free loopback port; replaced when anything about it changes. */
export class LocalProcess extends pulumi.dynamic.Resource {
    declare public readonly pid: pulumi.Output<number>;
    declare public readonly port: pulumi.Output<number>;
    declare public readonly running: pulumi.Output<boolean>;
    declare public readonly logFile: pulumi.Output<string>;

    constructor(name: string, args: LocalProcessArgs, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, { ...args, pid: undefined, port: undefined, running: undefined, startedAt: undefined }, opts, "shipgate", "LocalProcess");
    }
}
