import client from "prom-client";
import type { Identity } from "./identity.ts";

/** Request counters and latency histograms, labelled by service, version and track. */
export function createMetrics(identity: Identity) {
    const registry = new client.Registry();
    registry.setDefaultLabels({ service: identity.service, version: identity.version, track: identity.track });
    client.collectDefaultMetrics({ register: registry });
    const requests = new client.Counter({
        name: "http_requests_total",
        help: "HTTP requests served, by route and status code.",
        labelNames: ["route", "method", "code"] as const,
        registers: [registry],
    });
    const duration = new client.Histogram({
        name: "http_request_duration_seconds",
        help: "HTTP request latency.",
        labelNames: ["route", "method", "code"] as const,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5],
        registers: [registry],
    });
    return {
        registry,
        /**
         * Creates each route's series at zero before any request. Prometheus' increase() cannot
         * count a series' first sample: without this, the first errors of a new code="500" series
         * (and a new process's first requests) vanish from the analysis, which then under-counts
         * exactly the errors it is there to see. Prometheus' advice: initialise your metrics.
         */
        init(routes: readonly string[], codes: readonly number[] = [200, 500]) {
            for (const route of routes) {
                for (const code of codes) {
                    const labels = { route, method: "GET", code: String(code) };
                    requests.inc(labels, 0);
                    duration.zero(labels);
                }
            }
        },
        observe(route: string, method: string, code: number, seconds: number) {
            const labels = { route, method, code: String(code) };
            requests.inc(labels);
            duration.observe(labels, seconds);
        },
    };
}
