import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkHealth } from "../../../stacks/automation/verify/health-check";
import { Processes, drive, startServer, startShop } from "./loopback";

// Health checks against real HTTP servers on loopback: the shop app with each fault, and servers
// that answer garbage, hang, or are not there.
describe("health checks over HTTP", function () {
    const BASE = 24100;
    const processes = new Processes();
    const servers: { close(): Promise<void> }[] = [];
    let dir: string;
    const shop = (offset: number) => `http://127.0.0.1:${BASE + offset}/health`;

    before(async function () {
        this.timeout(60_000);
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-verify-health-"));
        const spec = (offset: number, faults?: Record<string, unknown>) => ({
            id: `verify-it/health/${offset}`,
            port: BASE + offset,
            track: "canary",
            version: `2.0.${offset}`,
            dir,
            faults,
        });
        await Promise.all([
            startShop(processes, spec(1)),
            startShop(processes, spec(2, { health: "warning" })),
            startShop(processes, spec(3, { health: "error" })),
            startShop(processes, spec(4, { errorRate: 1 })),
            startShop(processes, spec(5, { latencyMs: 300 })),
        ]);
    });

    after(async function () {
        this.timeout(30_000);
        await processes.stopAll();
        await Promise.all(servers.map((s) => s.close()));
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function server(offset: number, handler: Parameters<typeof startServer>[1]) {
        const s = await startServer(BASE + offset, handler);
        servers.push(s);
        return `${s.url}/health`;
    }

    describe("the shop app", () => {
        it("healthy → GREEN, with its report", async () => {
            const r = await checkHealth(shop(1), { timeoutMs: 2_000 });
            assert.equal(r.color, "GREEN", r.reason);
            assert.equal(r.status, "ok");
            assert.equal(r.httpStatus, 200);
            assert.equal(r.report?.checks.database, true);
            assert.equal(r.report?.version, "2.0.1");
            assert.ok(r.latencyMs > 0 && r.latencyMs < 2_000);
        });

        it("health fault warning → YELLOW", async () => {
            const r = await checkHealth(shop(2), { timeoutMs: 2_000 });
            assert.equal(r.color, "YELLOW");
            assert.equal(r.reason, "status warning");
        });

        it("health fault error → RED with HTTP 503", async () => {
            const r = await checkHealth(shop(3), { timeoutMs: 2_000 });
            assert.equal(r.color, "RED");
            assert.equal(r.httpStatus, 503);
            assert.equal(r.status, "error");
            assert.match(r.reason!, /^HTTP 503 \(the service reports a failure\), status error/);
        });

        it("error-rate fault → YELLOW once requests fail, listing the logged errors", async () => {
            assert.equal((await checkHealth(shop(4), { timeoutMs: 2_000 })).color, "GREEN", "nothing has failed yet");
            const codes = await drive(`http://127.0.0.1:${BASE + 4}/api/items`, 5, 1);
            assert.deepEqual(codes, { 500: 5 });
            const r = await checkHealth(shop(4), { timeoutMs: 2_000 });
            assert.equal(r.color, "YELLOW");
            assert.match(r.reason!, /^status warning: errors: injected fault of 2\.0\.4; injected fault of 2\.0\.4; injected fault of 2\.0\.4 \(\+2 more\)$/);
        });

        it("latency fault → still GREEN and fast: /health does not see it (the metrics do)", async () => {
            const r = await checkHealth(shop(5), { timeoutMs: 2_000 });
            assert.equal(r.color, "GREEN");
            assert.ok(r.latencyMs < 300, `health took ${r.latencyMs} ms`);
            const started = Date.now();
            await drive(`http://127.0.0.1:${BASE + 5}/api/items`, 1, 1);
            assert.ok(Date.now() - started >= 300, "the fault is real on the application's routes");
        });
    });

    describe("servers that are not healthy services", () => {
        it("an HTML page → RED: not JSON", async () => {
            const url = await server(10, (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Welcome to nginx!</body></html>"));
            const r = await checkHealth(url, { timeoutMs: 2_000 });
            assert.equal(r.color, "RED");
            assert.equal(r.httpStatus, 200);
            assert.match(r.reason!, /^answer is not JSON \(starts with "<html><body>Welcome to nginx!/);
        });

        it("JSON of another shape → RED: not a HealthCheck", async () => {
            const url = await server(11, (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"UP","components":{}}'));
            const r = await checkHealth(url, { timeoutMs: 2_000 });
            assert.equal(r.color, "RED");
            assert.match(r.reason!, /^answer is not a HealthCheck: status: /);
        });

        it("HTTP 500 with a text body → RED", async () => {
            const url = await server(12, (_req, res) => res.writeHead(500).end("Internal Server Error"));
            const r = await checkHealth(url, { timeoutMs: 2_000 });
            assert.equal(r.color, "RED");
            assert.equal(r.reason, "HTTP 500 (the service reports a failure)");
        });

        it("HTTP 404 → RED: no health endpoint", async () => {
            const url = await server(13, (_req, res) => res.writeHead(404).end());
            assert.equal((await checkHealth(url, { timeoutMs: 2_000 })).reason, "HTTP 404 (no health endpoint at this URL)");
        });

        it("a server that never answers → RED after the timeout, not later", async () => {
            const url = await server(14, () => {
                /* holds the request open */
            });
            const started = Date.now();
            const r = await checkHealth(url, { timeoutMs: 300 });
            const took = Date.now() - started;
            assert.equal(r.color, "RED");
            assert.equal(r.reason, "no answer within 300 ms");
            assert.ok(took >= 290 && took < 1_500, `took ${took} ms`);
        });

        it("a server that sends headers then stalls the body → RED after the timeout", async () => {
            const url = await server(15, (_req, res) => {
                res.writeHead(200, { "content-type": "application/json" });
                res.write('{"status":"ok",');
            });
            const r = await checkHealth(url, { timeoutMs: 300 });
            assert.equal(r.color, "RED");
            assert.equal(r.reason, "no answer within 300 ms");
        });

        it("a server that drops the connection → RED: closed before an answer", async () => {
            const url = await server(16, (req) => req.socket.destroy());
            const r = await checkHealth(url, { timeoutMs: 2_000 });
            assert.equal(r.color, "RED");
            assert.equal(r.reason, `connection to 127.0.0.1:${BASE + 16} closed before a complete answer`);
        });

        it("nothing listening → RED: connection refused", async () => {
            const r = await checkHealth(`http://127.0.0.1:${BASE + 99}/health`, { timeoutMs: 2_000 });
            assert.equal(r.color, "RED");
            assert.equal(r.reason, `connection refused: nothing listens on 127.0.0.1:${BASE + 99}`);
            assert.equal(r.httpStatus, undefined);
        });

        it("an interruption rejects instead of counting as RED", async () => {
            const url = await server(17, () => {
                /* holds the request open */
            });
            const controller = new AbortController();
            setTimeout(() => controller.abort(new Error("SIGINT")), 50);
            const started = Date.now();
            await assert.rejects(checkHealth(url, { timeoutMs: 5_000, signal: controller.signal }), /SIGINT/);
            assert.ok(Date.now() - started < 1_000);
        });
    });
});
