import * as k8s from "@pulumi/kubernetes";
import { AnalysisConfig } from "../release/analysis";

type Probe = k8s.types.input.core.v1.Probe;

export interface HealthProbes {
    readonly startupProbe: Probe;
    readonly readinessProbe: Probe;
    readonly livenessProbe: Probe;
}

/** Gives a slow starter five minutes (60 × 5 s) before liveness may restart it. */
const STARTUP_PERIOD_SECONDS = 5;
const STARTUP_FAILURES = 60;
/** Readiness reacts fast, so a failing pod leaves the Service (and the canary's share) within seconds. */
const READINESS_PERIOD_SECONDS = 5;
/** Liveness is slower and more tolerant: a restart is costlier than a pod briefly out of rotation. */
const LIVENESS_PERIOD_SECONDS = 10;
const LIVENESS_MIN_FAILURES = 3;

/**
 * Startup, readiness and liveness probes, all HTTP GET on the service's health endpoint. The
 * timeout and the failure count come from the release's health analysis (the protocol's
 * "3 consecutive failed health checks"), so the cluster and the automation judge alike.
 */
export function healthProbes(path: string, port: number, health: AnalysisConfig["health"]): HealthProbes {
    const httpGet = { path, port, scheme: "HTTP" };
    return {
        startupProbe: {
            httpGet,
            periodSeconds: STARTUP_PERIOD_SECONDS,
            timeoutSeconds: health.timeoutSeconds,
            failureThreshold: STARTUP_FAILURES,
        },
        readinessProbe: {
            httpGet,
            periodSeconds: READINESS_PERIOD_SECONDS,
            timeoutSeconds: health.timeoutSeconds,
            successThreshold: 1,
            failureThreshold: health.consecutiveFailures,
        },
        livenessProbe: {
            httpGet,
            periodSeconds: LIVENESS_PERIOD_SECONDS,
            timeoutSeconds: health.timeoutSeconds,
            failureThreshold: Math.max(LIVENESS_MIN_FAILURES, health.consecutiveFailures),
        },
    };
}
