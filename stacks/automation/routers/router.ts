// The release engine's one seam to a live router, in the manner of Flagger's `pkg/router`
// (SetRoutes/GetRoutes) and Argo Rollouts' TrafficRoutingReconciler (SetWeight/VerifyWeight):
// after each step the engine reads the weights back and checks them; in an emergency it sets
// them directly, before the `up` that declares the same state. One file per router kind
// beside this one; `createRouter` (router-factory.ts) picks it from the service's descriptor.
import type { TokenCredential } from "@azure/core-auth";
import { RouterKind } from "../../../components/release";

/** Percent of a service's traffic per track (`stable`/`canary`, `blue`/`green`, `current`). */
export type TrackWeights = Readonly<Record<string, number>>;

/** What a router reports, or why it cannot. */
export type RouterReading =
    | {
          readonly supported: true;
          /** Percent per track, as the router holds it (tracks it does not route to are 0). */
          readonly weights: TrackWeights;
          /**
           * What else is wrong with the route that the step relies on (a Deployment not rolled
           * out, a track's target missing); empty when all is well.
           */
          readonly problems: readonly string[];
      }
    | { readonly supported: false; readonly reason: string };

export interface Router {
    readonly kind: RouterKind;
    /** Names the router in records and errors, e.g. "haproxy be_backend", "HTTPRoute shop/backend". */
    readonly name: string;
    /**
     * True where moving traffic is an action rather than a declared resource (an App Service
     * slot swap): the engine calls `setWeights` right before the `up` of every step that
     * changes the traffic, so the `up` only declares what the action already did.
     */
    readonly switchesByAction: boolean;
    /** Reads the live weights. Throws RouterError when the router cannot be reached or read. */
    readWeights(signal?: AbortSignal): Promise<RouterReading>;
    /**
     * Sets the weights directly (the emergency path), the rising weight before the falling
     * one so no moment has no backend. Throws RouterError when the router refuses; routers
     * whose weights another system owns throw RouterError saying so.
     */
    setWeights(weights: TrackWeights, signal?: AbortSignal): Promise<void>;
}

/** How routers reach what they route: credentials and, in tests, loopback endpoints. */
export interface RouterContext {
    /** The stack's kubeconfig (its secret config `shipgate:kubeconfig`), when it has one. */
    readonly kubeconfig?: string;
    /** The environment credentials and defaults come from (AWS_REGION, ARM_SUBSCRIPTION_ID, KUBECONFIG…). */
    readonly env: Readonly<Record<string, string | undefined>>;
    /** AWS SDK endpoint override (tests on loopback); the SDK's own resolution when absent. */
    readonly awsEndpoint?: string;
    /** ARM endpoint override (tests on loopback, sovereign clouds); https://management.azure.com when absent. */
    readonly azureEndpoint?: string;
    /** Azure credential; DefaultAzureCredential when absent. */
    readonly azureCredential?: TokenCredential;
    /** Extra SDK client options (TLS for loopback tests, retries). */
    readonly clientOptions?: Readonly<Record<string, unknown>>;
}

/** The router could not be reached, read or changed. */
export class RouterError extends Error {
    constructor(
        readonly router: string,
        message: string,
        readonly cause?: unknown,
    ) {
        super(`${router}: ${message}`);
        this.name = "RouterError";
    }
}

/** Sorts a change so weights that rise are applied before weights that fall. */
export function risingFirst(current: TrackWeights, wanted: TrackWeights): [string, number][] {
    return Object.entries(wanted).sort(([a, wa], [b, wb]) => wb - (current[b] ?? 0) - (wa - (current[a] ?? 0)));
}

/** Checks that weights name known tracks and sum to 100, so a bad call never reaches a router. */
export function checkWeights(router: string, weights: TrackWeights, tracks: readonly string[]): void {
    const unknown = Object.keys(weights).filter((t) => !tracks.includes(t));
    if (unknown.length) throw new RouterError(router, `no track ${unknown.join(", ")} (it routes ${tracks.join(", ")})`);
    const bad = Object.entries(weights).filter(([, w]) => !Number.isInteger(w) || w < 0 || w > 100);
    if (bad.length) throw new RouterError(router, `weights are whole percents 0-100, got ${bad.map(([t, w]) => `${t}=${w}`).join(", ")}`);
    const sum = Object.values(weights).reduce((a, b) => a + b, 0);
    if (sum !== 100) throw new RouterError(router, `weights must sum to 100, got ${sum}`);
}
