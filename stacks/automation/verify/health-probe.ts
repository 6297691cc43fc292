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

export type CheckHealthFn = (url: string, options: { timeoutMs: number; signal?: AbortSignal }) => Promise<HealthResult>;

export function httpHealthProbe(url: string, check: CheckHealthFn = checkHealth): HealthProbe {
    return { target: url, check: (options) => check(url, options) };
}
