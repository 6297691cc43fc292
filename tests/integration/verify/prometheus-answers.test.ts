import { strict as assert } from "node:assert";
import type { IncomingMessage, ServerResponse } from "node:http";
import { MetricSourceError } from "../../../stacks/automation/verify/metric-source";
import { PrometheusSource } from "../../../stacks/automation/verify/prometheus-source";
import { startServer } from "./loopback";

// Answers a real Prometheus gives only in rare states (NaN, +Inf, scalars, errors, a proxy's HTML),
// served from loopback in Prometheus' exact envelope, through the source's real HTTP client.
describe("prometheus source on Prometheus' edge-case answers", () => {
    const PORT = 24250;
    let server: Awaited<ReturnType<typeof startServer>>;
    /** What the fake answers per query kind, keyed by the query text's shape. */
    let script: (kind: "requests" | "errors" | "p95", res: ServerResponse, req: IncomingMessage) => void;
    const query = { service: "backend", track: "canary", windowSeconds: 60 };
    const vector = (value?: string) => ({
        status: "success",
        data: { resultType: "vector", result: value === undefined ? [] : [{ metric: {}, value: [1763800000.123, value] }] },
    });
    const json = (res: ServerResponse, body: unknown, status = 200) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const kindOf = (q: string) => (q.includes("histogram_quantile") ? "p95" : q.includes('code=~"5.."') ? "errors" : "requests");

    before(async () => {
        server = await startServer(PORT, (req, res) => {
            const q = new URL(req.url!, "http://x").searchParams.get("query") ?? "";
            script(kindOf(q), res, req);
        });
    });
    after(async () => server?.close());

    const source = (timeoutSeconds = 2) => new PrometheusSource({ url: server.url, timeoutSeconds });

    it("reads string values, and sends the three queries for one instant", async () => {
        script = (kind, res) => json(res, vector(kind === "requests" ? "1234.5" : kind === "errors" ? "12" : "87.25"));
        const before = server.requests.length;
        assert.deepEqual(await source().measure(query), { requests: 1234.5, errors: 12, p95Ms: 87.25 });
        const sent = server.requests.slice(before).map((u) => new URL(u, "http://x"));
        assert.equal(sent.length, 3);
        assert.ok(sent.every((u) => u.pathname === "/api/v1/query"));
        assert.ok(sent.every((u) => u.searchParams.get("time") === sent[0].searchParams.get("time")), "one evaluation time for all three");
    });

    it("reads an empty vector as no traffic: 0 requests, 0 errors, no P95", async () => {
        script = (_kind, res) => json(res, vector());
        assert.deepEqual(await source().measure(query), { requests: 0, errors: 0 });
    });

    it("reads an empty error vector as 0 errors (prom-client creates code=\"500\" on the first 500)", async () => {
        script = (kind, res) => json(res, kind === "requests" ? vector("400") : kind === "errors" ? vector() : vector("20"));
        assert.deepEqual(await source().measure(query), { requests: 400, errors: 0, p95Ms: 20 });
    });

    it("reads a NaN P95 (a window with no requests) as no P95, and +Inf as above every bucket", async () => {
        script = (kind, res) => json(res, vector(kind === "p95" ? "NaN" : kind === "requests" ? "50" : "0"));
        assert.deepEqual(await source().measure(query), { requests: 50, errors: 0 });
        script = (kind, res) => json(res, vector(kind === "p95" ? "+Inf" : kind === "requests" ? "50" : "0"));
        assert.equal((await source().measure(query)).p95Ms, Infinity);
    });

    it("accepts a scalar answer", async () => {
        script = (kind, res) => json(res, { status: "success", data: { resultType: "scalar", result: [1763800000, kind === "requests" ? "10" : "1"] } });
        assert.deepEqual(await source().measure(query), { requests: 10, errors: 1, p95Ms: 1 });
    });

    const rejects = async (pattern: RegExp, timeoutSeconds?: number) =>
        assert.rejects(source(timeoutSeconds).measure(query), (err: unknown) => {
            assert.ok(err instanceof MetricSourceError, `expected a MetricSourceError, got ${err}`);
            assert.match(err.message, pattern);
            return true;
        });

    it("refuses a NaN or negative count", async () => {
        script = (kind, res) => json(res, vector(kind === "requests" ? "NaN" : "0"));
        await rejects(/requests query answered NaN, not a count/);
        script = (kind, res) => json(res, vector(kind === "errors" ? "-3" : "10"));
        await rejects(/errors query answered -3, not a count/);
    });

    it("refuses more errors than requests", async () => {
        script = (kind, res) => json(res, vector(kind === "requests" ? "10" : kind === "errors" ? "25" : "5"));
        await rejects(/errors \(25\) exceed requests \(10\)/);
    });

    it("turns status error into a MetricSourceError with Prometheus' type and message", async () => {
        script = (_kind, res) => json(res, { status: "error", errorType: "execution", error: "query timed out in expression evaluation" }, 503);
        await rejects(/query failed: HTTP 503 execution: query timed out in expression evaluation/);
    });

    it("turns a proxy's HTML error page into a MetricSourceError that says it is not Prometheus", async () => {
        script = (_kind, res) => res.writeHead(502, { "content-type": "text/html" }).end("<html><body>502 Bad Gateway</body></html>");
        await rejects(/query failed: HTTP 502 \(not Prometheus' API answer: "<html><body>502 Bad Gateway/);
    });

    it("refuses a 200 that is not the query API's envelope, and a matrix", async () => {
        script = (_kind, res) => json(res, { hello: "world" });
        await rejects(/got an answer that is not Prometheus' query API/);
        script = (_kind, res) => json(res, { status: "success", data: { resultType: "matrix", result: [] } });
        await rejects(/answered a matrix, expected one sample/);
    });

    it("gives up after its timeout", async () => {
        script = () => {
            /* never answers */
        };
        const started = Date.now();
        await rejects(/query got no answer: no answer within 300 ms/, 0.3);
        assert.ok(Date.now() - started < 2_000);
    });

    it("passes an interruption through as itself, not as a source failure", async () => {
        script = () => {
            /* never answers */
        };
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error("SIGTERM")), 50);
        await assert.rejects(source(10).measure(query, controller.signal), (err: unknown) => {
            assert.ok(!(err instanceof MetricSourceError));
            assert.match(String(err), /SIGTERM/);
            return true;
        });
    });
});
