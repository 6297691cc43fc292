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

export type Handler = (req: http.IncomingMessage) => Promise<{ status: number; type: string; body: string }>;

/**
 * The HTTP server both tiers share: routes, `/health`, `/metrics`, request logging, and the
 * release's faults applied to application routes (never to /metrics, so a bad release stays
 * measurable).
 */
export function serve(identity: Identity, currentFaults: () => Faults, routes: Record<string, Handler>, checks: () => Promise<Record<string, boolean>>) {
    const metrics = createMetrics(identity);
    const recentErrors: { at: number; message: string }[] = [];

    async function health(): Promise<HealthReport> {
        const results = await checks();
        const memoryOk = process.memoryUsage().heapUsed < 512 * 1024 * 1024;
        const cutoff = Date.now() - 60_000;
        while (recentErrors.length && recentErrors[0].at < cutoff) recentErrors.shift();
        const errors = recentErrors.slice(-5).map((e) => e.message);
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
            body = JSON.stringify({ error: (err as Error).message });
            recentErrors.push({ at: Date.now(), message: (err as Error).message });
            log("error", "request failed", { route, error: (err as Error).message, stack: (err as Error).stack });
        }
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
