// The contract every platform's service component fulfils (Kubernetes, AWS, Azure, local). No platform code here.
import * as pulumi from "@pulumi/pulumi";
import { Strategy } from "./release/release-state";
import type { RouterDescriptorInput } from "./release/router-descriptor";

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
     * What routes this service's traffic and how to reach it: the release engine reads the live
     * weights back (and sets them in an emergency) through this alone (components/release/router-descriptor.ts).
     */
    readonly router: pulumi.Output<RouterDescriptorInput>;
}
