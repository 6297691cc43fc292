// kwok pods run no processes, so nothing in a test cluster serves a request. This stands in for
// the traffic a Gateway would send them: per service and track, a steady request rate with an
// error share and latencies, exposed as the metrics shipgate's Prometheus source reads
// (http_requests_total, http_request_duration_seconds), scraped by a real Prometheus.
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { Counter, Histogram, Registry } from "prom-client";

export interface TrackTraffic {
    readonly url: string;
    /** Sets a track's error share (0-1) and typical latency from now on. */
    set(service: string, track: string, figures: { errorRate?: number; latencyMs?: number }): void;
    close(): Promise<void>;
}

/** Every `tracks` of every `services` gets `perSecond` requests a second until close(). */
export async function startTrackTraffic(services: readonly string[], tracks: readonly string[], perSecond = 20): Promise<TrackTraffic> {
    const registry = new Registry();
    const requests = new Counter({ name: "http_requests_total", help: "requests", labelNames: ["service", "track", "code", "route"], registers: [registry] });
    const duration = new Histogram({
        name: "http_request_duration_seconds",
        help: "latency",
        labelNames: ["service", "track", "code", "route"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        registers: [registry],
    });
    const figures = new Map<string, { errorRate: number; latencyMs: number }>();
    const key = (service: string, track: string) => `${service}/${track}`;
    let n = 0;
    const tick = setInterval(() => {
        n++;
        for (const service of services) {
            for (const track of tracks) {
                const f = figures.get(key(service, track)) ?? { errorRate: 0, latencyMs: 20 };
                const per = Math.round(perSecond / 10);
                for (let i = 0; i < per; i++) {
                    // Deterministic spread: every 1/errorRate-th request fails, latencies vary ±50%.
                    const failed = f.errorRate > 0 && (n * per + i) % Math.max(1, Math.round(1 / f.errorRate)) === 0;
                    const code = failed ? "500" : "200";
                    requests.inc({ service, track, code, route: "/api" });
                    duration.observe({ service, track, code, route: "/api" }, (f.latencyMs * (0.5 + ((n + i) % 10) / 10)) / 1000);
                }
            }
        }
    }, 100);
    const server = http.createServer(async (_req, res) => {
        res.setHeader("content-type", registry.contentType);
        res.end(await registry.metrics());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        set(service, track, f) {
            const now = figures.get(key(service, track)) ?? { errorRate: 0, latencyMs: 20 };
            figures.set(key(service, track), { ...now, ...f });
        },
        async close() {
            clearInterval(tick);
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
