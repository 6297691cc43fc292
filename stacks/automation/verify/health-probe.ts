import { HealthResult, checkHealth } from "./health-check";

/**
 * One thing whose health a step watches: a service's `/health` over HTTP, or a signal of its
 * own where no HTTP answer can reach the engine (a Kubernetes track's pod readiness, read from
 * the API server, for a CI runner outside the cluster).
 */
export interface HealthProbe {
    /** Names what is checked in reports: a URL, "pods of Deployment shop/backend-canary". */
    readonly target: string;
    /** Never rejects for a bad answer (that is a RED result); rejects only when `signal` aborts. */
    check(options: { timeoutMs: number; signal?: AbortSignal }): Promise<HealthResult>;
}

/** What a platform probe needs to reach a track through its router from outside the cluster. */
export interface TrackReach {
    readonly healthPath: string;
    /** The track the candidate header goes to in this step's state (the canary; the idle color while previewed). */
    readonly headerTrack?: string;
}

export type CheckHealthFn = (url: string, options: { timeoutMs: number; signal?: AbortSignal; headers?: Readonly<Record<string, string>> }) => Promise<HealthResult>;

/**
 * `url`'s health; with `header`, the health of what the router sends that header to (the
 * candidate, through a Gateway a CI runner can reach), named with the header in reports.
 */
export function httpHealthProbe(url: string, check: CheckHealthFn = checkHealth, header?: { readonly name: string; readonly value: string }): HealthProbe {
    if (!header) return { target: url, check: (options) => check(url, options) };
    const target = `${url} (${header.name}: ${header.value})`;
    return {
        target,
        async check(options) {
            const result = await check(url, { ...options, headers: { [header.name]: header.value } });
            return { ...result, url: target };
        },
    };
}
