import { strict as assert } from "node:assert";
import type { ServerResponse } from "node:http";
import { AnalysisSchema } from "../../../components/release/analysis";
import { runAnalysis } from "../../../stacks/automation/verify/analysis-run";
import { HttpJsonSource } from "../../../stacks/automation/verify/http-json-source";
import { MetricSourceError } from "../../../stacks/automation/verify/metric-source";
import { startServer } from "./loopback";

// The HTTP JSON source against a loopback server that answers per track, as a platform's own
// metrics API would, including answers that are wrong in each way a real one can be.
describe("http json source over HTTP", () => {
    const PORT = 24300;
    let server: Awaited<ReturnType<typeof startServer>>;
    let answers: Record<string, (res: ServerResponse) => void>;
    const json = (body: unknown, status = 200) => (res: ServerResponse) =>
        res.writeHead(status, { "content-type": "application/json" }).end(typeof body === "string" ? body : JSON.stringify(body));

    before(async () => {
        server = await startServer(PORT, (req, res) => {
            const url = new URL(req.url!, "http://x");
            const track = url.searchParams.get("track") ?? "";
            (answers[track] ?? json({ error: "unknown track" }, 404))(res);
        });
    });
    after(async () => server?.close());

    const source = (timeoutSeconds = 2) =>
        new HttpJsonSource({ url: `http://127.0.0.1:${PORT}/metrics/{service}?track={track}&window={window}`, timeoutSeconds });
    const query = (track: string) => ({ service: "shop api", track, windowSeconds: 60 });

    const rejects = async (track: string, pattern: RegExp, timeoutSeconds?: number) =>
        assert.rejects(source(timeoutSeconds).measure(query(track)), (err: unknown) => {
            assert.ok(err instanceof MetricSourceError, `expected a MetricSourceError, got ${err}`);
            assert.match(err.message, pattern);
            return true;
        });

    it("reads a valid answer, asking with the placeholders filled in", async () => {
        answers = { canary: json({ requests: 420, errors: 3, p95Ms: 41.5, source: "ignored" }) };
        assert.deepEqual(await source().measure(query("canary")), { requests: 420, errors: 3, p95Ms: 41.5 });
        assert.equal(server.requests.at(-1), "/metrics/shop%20api?track=canary&window=60");
    });

    it("reads p95Ms null or absent as no latency", async () => {
        answers = { a: json({ requests: 10, errors: 0, p95Ms: null }), b: json({ requests: 10, errors: 0 }) };
        assert.deepEqual(await source().measure(query("a")), { requests: 10, errors: 0 });
        assert.deepEqual(await source().measure(query("b")), { requests: 10, errors: 0 });
    });

    it("refuses malformed answers with what is wrong", async () => {
        answers = {
            text: json("requests=10 errors=1"),
            truncated: json('{"requests": 10, "err'),
            strings: json({ requests: "10", errors: "1" }),
            missing: json({ requests: 10 }),
            negative: json({ requests: 10, errors: -1 }),
            more: json({ requests: 10, errors: 11 }),
            array: json([10, 1, 40]),
        };
        await rejects("text", /answered something that is not JSON: "requests=10 errors=1"/);
        await rejects("truncated", /answered something that is not JSON/);
        await rejects("strings", /not \{requests, errors, p95Ms\}: requests: requests must be a number; errors: errors must be a number/);
        await rejects("missing", /errors: errors must be a number/);
        await rejects("negative", /errors: errors cannot be negative/);
        await rejects("more", /errors: errors exceed requests/);
        await rejects("array", /\(root\)/);
    });

    it("refuses an HTTP error, a hanging server and a closed port", async () => {
        answers = {
            down: json({ error: "backend unavailable" }, 503),
            hang: () => {
                /* never answers */
            },
        };
        await rejects("down", /answered HTTP 503: "\{\\"error\\":\\"backend unavailable\\"\}"/);
        await rejects("hang", /no answer from .*: no answer within 300 ms/, 0.3);
        const closed = new HttpJsonSource({ url: "http://127.0.0.1:24399/{service}/{track}" });
        await assert.rejects(closed.measure(query("canary")), /connection refused: nothing listens on 127\.0\.0\.1:24399/);
    });

    it("drives an analysis run: a bad canary fails, a source gone silent is inconclusive then fails", async function () {
        this.timeout(20_000);
        const analysis = AnalysisSchema.parse({ judge: "thresholds", intervalSeconds: 1, inconclusiveLimit: 2 });
        const common = { analysis, bakeSeconds: 2, service: "shop api", baseline: { track: "stable" }, source: source(0.5) };

        answers = { stable: json({ requests: 900, errors: 9, p95Ms: 40 }), canary: json({ requests: 300, errors: 45, p95Ms: 42 }) };
        const bad = await runAnalysis({ ...common, candidateTrack: "canary" });
        assert.equal(bad.outcome, "fail");
        assert.match(bad.reason, /^canary failed the analysis: error rate 15\.0% > 5\.0%/);

        answers = { stable: json({ requests: 900, errors: 9, p95Ms: 40 }), canary: json("<html>maintenance</html>") };
        const silent = await runAnalysis({ ...common, candidateTrack: "canary" });
        assert.equal(silent.outcome, "fail");
        assert.deepEqual(silent.causes, ["inconclusive"]);
        assert.match(silent.reason, /not JSON: "<html>maintenance<\/html>"/);
    });

    it("an interrupted run stops promptly with the request in flight, and records nothing of it", async () => {
        answers = {
            stable: json({ requests: 900, errors: 9, p95Ms: 40 }),
            canary: () => {
                /* never answers */
            },
        };
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error("SIGINT")), 1_200);
        const started = Date.now();
        const result = await runAnalysis({
            analysis: AnalysisSchema.parse({ intervalSeconds: 1 }),
            bakeSeconds: 300,
            service: "shop api",
            candidateTrack: "canary",
            baseline: { track: "stable" },
            source: source(30),
            signal: controller.signal,
        });
        const took = Date.now() - started;
        assert.equal(result.outcome, "aborted");
        assert.equal(result.reason, "aborted: SIGINT");
        assert.equal(result.measurements.length, 0, "the measurement in flight at the interruption is not evidence");
        assert.ok(took >= 1_200 && took < 2_500, `took ${took} ms`);
    });
});
