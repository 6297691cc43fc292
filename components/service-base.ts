import * as pulumi from "@pulumi/pulumi";
import type { ShipgateService, Tracks } from "./contract";
import type { Strategy } from "./release/release-state";
import type { RouterDescriptorInput } from "./release/router-descriptor";

/** The contract's outputs as a service class computes them. */
export interface ServiceOutputs<S extends Strategy = Strategy, T extends Tracks = Tracks> {
    readonly strategy: pulumi.Output<S>;
    readonly tracks: pulumi.Output<T>;
    readonly endpoint: pulumi.Output<string>;
    readonly version: pulumi.Output<string>;
    readonly previewEndpoint: pulumi.Output<string | undefined>;
    readonly router: pulumi.Output<RouterDescriptorInput>;
}

/**
 * The base of every platform's service component: declares the contract's outputs once
 * (components/contract.ts) and publishes them with the class's own in one `registerOutputs`.
 */
export abstract class ShipgateServiceBase<S extends Strategy = Strategy, T extends Tracks = Tracks>
    extends pulumi.ComponentResource
    implements ShipgateService
{
    public readonly strategy!: pulumi.Output<S>;
    public readonly tracks!: pulumi.Output<T>;
    /** The live endpoint: where users' traffic enters, split as the release state says. */
    public readonly endpoint!: pulumi.Output<string>;
    /** The version that carries the majority of traffic. */
    public readonly version!: pulumi.Output<string>;
    /** Where to reach the candidate alone while there is one to verify; undefined otherwise. */
    public readonly previewEndpoint!: pulumi.Output<string | undefined>;
    /** What routes the service's traffic and how the release engine reaches it. */
    public readonly router!: pulumi.Output<RouterDescriptorInput>;

    /**
     * Sets the contract's outputs and registers them with `own` (the class's extra outputs,
     * already assigned): the last call of a subclass's constructor. The fields stay readonly
     * for everyone else, hence the one assignment here.
     */
    protected publish(outputs: ServiceOutputs<S, T>, own: Readonly<Record<string, pulumi.Output<unknown>>> = {}): void {
        Object.assign(this, outputs);
        this.registerOutputs({ ...outputs, ...own });
    }
}
