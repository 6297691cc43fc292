/** A Service the router sends a share of traffic to. */
export interface RouteBackend {
    readonly service: string;
    /** Percent of traffic, 0-100. */
    readonly weight: number;
}

/**
 * What a router must do, whatever the router: split traffic between the primary (stable track,
 * active color) and the candidate (canary track, idle color), and optionally send requests that
 * carry the candidate header to the candidate alone. The weights always sum to 100.
 */
export interface RoutePlan {
    readonly primary: RouteBackend;
    readonly candidate?: RouteBackend & {
        /** Route requests with the candidate header to it (only while it has pods to answer). */
        readonly byHeader: boolean;
    };
}

/** The weights by Service, in the order the router lists them. */
export function planWeights(plan: RoutePlan): RouteBackend[] {
    return plan.candidate ? [plan.primary, { service: plan.candidate.service, weight: plan.candidate.weight }] : [plan.primary];
}
