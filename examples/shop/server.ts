import * as http from "node:http";
import type { Faults } from "./faults.ts";
import type { Identity } from "./identity.ts";
import { log } from "./log.ts";
import { createMetrics } from "./metrics.ts";

export interface HealthReport {
    status: "ok" | "warning" | "error";
    checks: Record<string, boolean | string[] | undefined> & { errors: string[] };
    timestamp: string;
    service: string;
    version: string;
    track: string;
}

/**
 * How far back the health report looks at requests, and what of them failing is a warning: the
 * protocol's 5% error ceiling, and more than a single failure (one failed request of a handful
 * is not a degraded service).
 */
const WINDOW_MS = 30_000;
const WARNING_ERROR_SHARE = 0.05;
const WARNING_MIN_ERRORS = 2;

export type Handler = (req: http.IncomingMessage) => Promise<{ status: number; type: string; body: string }>;

/**
 * The HTTP server both tiers share: routes, `/health`, `/metrics`, request logging, and the
 * release's faults applied to application routes (never to /metrics, so a bad release stays
 * measurable).
 */
export function serve(identity: Identity, currentFaults: () => Faults, routes: Record<string, Handler>, checks: () => Promise<Record<string, boolean>>) {
    const metrics = createMetrics(identity);
    metrics.init(Object.keys(routes));
    // Requests of the last WINDOW_MS: the health's errors are a share of them, not a count, so
    // one failed request in a busy minute is not a warning, and a failing release is one at once.
    const recent: { at: number; error?: string }[] = [];

    async function health(): Promise<HealthReport> {
        const results = await checks();
        const memoryOk = process.memoryUsage().heapUsed < 512 * 1024 * 1024;
        const cutoff = Date.now() - WINDOW_MS;
        while (recent.length && recent[0].at < cutoff) recent.shift();
        const failed = recent.filter((r) => r.error !== undefined);
        const erring = failed.length >= WARNING_MIN_ERRORS && failed.length >= recent.length * WARNING_ERROR_SHARE;
        const errors = erring ? failed.slice(-5).map((r) => r.error!) : [];
        const failing = Object.values(results).some((ok) => !ok) || !memoryOk;
        let status: HealthReport["status"] = failing ? "error" : errors.length ? "warning" : "ok";
        const faults = currentFaults();
        if (faults.health !== "ok") status = faults.health;
        return {
            status,
            checks: { ...results, memory: memoryOk, errors },
            timestamp: new Date().toISOString(),
            service: identity.service,
            version: identity.version,
            track: identity.track,
        };
    }

    const server = http.createServer(async (req, res) => {
        const started = process.hrtime.bigint();
        const route = (req.url ?? "/").split("?")[0];
        let status = 200;
        let type = "application/json";
        let body = "";
        let errorText = "";
        try {
            if (route === "/metrics") {
                type = metrics.registry.contentType;
                body = await metrics.registry.metrics();
            } else if (route === "/health") {
                const report = await health();
                status = report.status === "error" ? 503 : 200;
                body = JSON.stringify(report);
            } else if (routes[route]) {
                const faults = currentFaults();
                if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
                if (Math.random() < faults.errorRate) {
                    throw new Error(`injected fault of ${identity.version}`);
                }
                ({ status, type, body } = await routes[route](req));
            } else {
                status = 404;
                body = JSON.stringify({ error: `no route ${route}` });
            }
        } catch (err) {
            status = 500;
            errorText = (err as Error).message;
            body = JSON.stringify({ error: (err as Error).message });
            log("error", "request failed", { route, error: (err as Error).message, stack: (err as Error).stack });
        }
        if (routes[route]) recent.push({ at: Date.now(), ...(status >= 500 ? { error: errorText || `HTTP ${status}` } : {}) });
        res.writeHead(status, { "content-type": type, "x-served-by": `${identity.service}@${identity.version}/${identity.track}` });
        res.end(body);
        if (route !== "/metrics") {
            metrics.observe(routes[route] || route === "/health" ? route : "other", req.method ?? "GET", status, Number(process.hrtime.bigint() - started) / 1e9);
        }
    });
    server.keepAliveTimeout = 5_000;
    server.listen(identity.port, "127.0.0.1", () => {
        log("info", "listening", { ...identity, faults: currentFaults() });
    });
    const stop = (signal: string) => {
        log("info", "stopping", { signal });
        server.close(() => process.exit(0));
        setTimeout(() => process.exit(0), 3_000).unref();
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    return server;
}
