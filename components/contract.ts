// The contract every platform's service component fulfils (Kubernetes, AWS, Azure, local). No platform code here.
import * as pulumi from "@pulumi/pulumi";
import { Strategy } from "./release/release-state";

/** What one track (canary `stable`/`canary`, rolling `current`) or color (`blue`/`green`) runs and serves. */
export interface TrackStatus {
    readonly version: string;
    readonly image: string;
    readonly replicas: number;
    /** Percent of the service's traffic it gets. */
    readonly weight: number;
    /** Where to reach this track alone (health checks, analysis). */
    readonly endpoint: string;
}

/** Tracks or colors by name. Components narrow it (`{stable, canary?}`, `{blue?, green?}`, `{current}`). */
export type Tracks = { readonly [track: string]: TrackStatus | undefined };

/**
 * What every platform's service component exposes, so the stack program and the automation
 * read a service the same way on Kubernetes, AWS, Azure or the local platform. It is a
 * component resource, so another service can `dependsOn` it (backend before frontend).
 */
export interface ShipgateService extends pulumi.ComponentResource {
    readonly strategy: pulumi.Output<Strategy>;
    readonly tracks: pulumi.Output<Tracks>;
    /** The live endpoint: where users' traffic enters, split as the release state says. */
    readonly endpoint: pulumi.Output<string>;
    /** The version that carries the majority of traffic. */
    readonly version: pulumi.Output<string>;
    /**
     * Where to reach the candidate alone (the canary track, the idle color) while there is one
     * to verify before it gets traffic; undefined otherwise.
     */
    readonly previewEndpoint: pulumi.Output<string | undefined>;
    /**
     * The weights the platform's router reports after the update, read back from it (as Argo
     * Rollouts' VerifyWeight), where the platform can tell; the release engine compares them
     * with the step's traffic split.
     */
    readonly routerWeights?: pulumi.Output<Record<string, number> | undefined>;
    /**
     * Where the platform switches blue-green traffic with an action rather than a resource (an
     * App Service slot swap): the release engine performs it right before the `up` that declares
     * the switched state, and again when a rollback switches back.
     */
    readonly switchAction?: pulumi.Output<SwitchAction | undefined>;
}

/** A traffic switch the release engine performs through the cloud's API. */
export interface SwitchAction {
    readonly kind: "azureSlotSwap";
    readonly resourceGroup: string;
    readonly app: string;
    readonly slot: string;
    /** ARM_SUBSCRIPTION_ID (or AZURE_SUBSCRIPTION_ID) of the engine's environment when absent. */
    readonly subscriptionId?: string;
}
