import * as pulumi from "@pulumi/pulumi";
import { RouteSpec } from "../runtime/haproxy-config";
import { LiveRoute } from "../runtime/haproxy-route";
import { providerShim } from "./provider-shim";

const provider = providerShim("../runtime/providers/haproxy-route-provider");

export interface HaproxyRouteArgs {
    readonly dir: pulumi.Input<string>;
    readonly master: pulumi.Input<{ pid: pulumi.Input<number>; id: pulumi.Input<string> }>;
    readonly spec: pulumi.Input<RouteSpec>;
}

/** A service's frontend in the stack's router; weights move through HAProxy's runtime API. */
export class HaproxyRoute extends pulumi.dynamic.Resource {
    /** Weights and ports as HAProxy reports them after the change. */
    declare public readonly live: pulumi.Output<LiveRoute>;

    constructor(name: string, args: HaproxyRouteArgs, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, { ...args, live: undefined }, opts, "shipgate", "HaproxyRoute");
    }
}
