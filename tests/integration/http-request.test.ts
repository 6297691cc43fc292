import { strict as assert } from "node:assert";
import { NoAnswer, httpRequest } from "../../stacks/automation/http-request";
import { runSmokeChecks } from "../../stacks/automation/promotion/smoke";
import { StackOutputs } from "../../stacks/automation/stack-outputs";
import { startServer } from "./verify/loopback";

// The one HTTP request helper every check, source and hook goes through, and the smoke checks
// built on it, against real servers on loopback (ports chosen by the system).
describe("httpRequest and smoke checks (real HTTP servers)", function () {
    this.timeout(30_000);
    const servers: { close(): Promise<void> }[] = [];
    const serve = async (handler: Parameters<typeof startServer>[1]) => {
        const s = await startServer(0, handler);
        servers.push(s);
        return s;
    };
    after(async () => Promise.all(servers.map((s) => s.close())));

    it("answers with the status and text, whatever the status", async () => {
        const s = await serve((req, res) => {
            res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "text/plain" });
            res.end(`you asked ${req.method} ${req.url}`);
        });
        assert.deepEqual(await httpRequest(`${s.url}/a`, { timeoutMs: 2_000 }), { status: 200, text: "you asked GET /a" });
        assert.deepEqual(await httpRequest(`${s.url}/missing`, { timeoutMs: 2_000, method: "POST", body: "{}" }), { status: 404, text: "you asked POST /missing" });
    });

    it("keeps at most maxBodyBytes of an endless answer", async () => {
        const s = await serve((_req, res) => {
            res.writeHead(200);
            const chunk = "x".repeat(64 * 1024);
            const write = () => {
                while (res.write(chunk));
                res.once("drain", write);
            };
            write();
        });
        const answer = await httpRequest(s.url, { timeoutMs: 5_000, maxBodyBytes: 100_000 });
        assert.equal(answer.text.length, 100_000);
    });

    it("a server that does not answer in time is a NoAnswer that says so, after the deadline and not much later", async () => {
        const s = await serve(() => undefined);
        const started = Date.now();
        const err = await httpRequest(s.url, { timeoutMs: 300 }).then(
            () => assert.fail("answered"),
            (e: unknown) => e,
        );
        assert.ok(err instanceof NoAnswer);
        assert.equal(err.timedOut, true);
        assert.equal(err.message, "no answer within 300 ms");
        assert.ok(Date.now() - started < 3_000, `gave up after ${Date.now() - started} ms`);
    });

    it("nothing listening is a NoAnswer naming the host; a bad URL names the URL", async () => {
        const s = await serve((_req, res) => res.end());
        const gone = s.url;
        await s.close();
        await assert.rejects(httpRequest(gone, { timeoutMs: 2_000 }), (e: unknown) => {
            assert.ok(e instanceof NoAnswer);
            assert.equal(e.message, `connection refused: nothing listens on ${new URL(gone).host}`);
            assert.equal(e.timedOut, false);
            return true;
        });
        await assert.rejects(httpRequest("not a url", { timeoutMs: 2_000 }), /invalid URL "not a url"/);
    });

    it("a redirect is not followed when asked not to", async () => {
        const target = await serve((_req, res) => res.end("elsewhere"));
        const s = await serve((_req, res) => {
            res.writeHead(302, { location: target.url });
            res.end();
        });
        assert.equal((await httpRequest(s.url, { timeoutMs: 2_000, redirect: "manual" })).status, 302);
        assert.deepEqual(await httpRequest(s.url, { timeoutMs: 2_000 }), { status: 200, text: "elsewhere" });
    });

    it("the caller's interruption rejects with its own reason, not a NoAnswer", async () => {
        const s = await serve(() => undefined);
        const interrupt = new AbortController();
        setTimeout(() => interrupt.abort(new Error("SIGINT")), 100);
        await assert.rejects(httpRequest(s.url, { timeoutMs: 5_000, signal: interrupt.signal }), (e: unknown) => {
            assert.ok(!(e instanceof NoAnswer));
            assert.equal((e as Error).message, "SIGINT");
            return true;
        });
    });

    it("smoke checks pass on the expected status and fail with why on another status, no answer or no endpoint", async () => {
        const app = await serve((req, res) => {
            if (req.url === "/slow") return;
            res.writeHead(req.url === "/" ? 200 : 500);
            res.end();
        });
        const outputs = {
            environment: "staging",
            platform: "local",
            deployOrder: ["web"],
            metrics: {},
            services: { web: { strategy: "rolling", version: "1.0.0", tracks: {}, endpoint: `${app.url}/`, previewEndpoint: null } },
        } as StackOutputs;
        const check = (service: string, path: string, timeoutSeconds = 2) => ({ service, path, expectStatus: 200, timeoutSeconds });
        const { ok, results } = await runSmokeChecks([check("web", "/"), check("web", "/broken"), check("web", "/slow", 0.3), check("api", "/")], outputs);
        assert.equal(ok, false);
        assert.deepEqual(
            results.map((r) => [r.name, r.ok]),
            [["web/", true], ["web/broken", false], ["web/slow", false], ["api/", false]],
        );
        assert.match(results[1].detail, /→ 500 \(expected 200\)/);
        assert.match(results[2].detail, /failed: no answer within 300 ms/);
        assert.equal(results[3].detail, "no endpoint for api in the stack's outputs");
        assert.equal((await runSmokeChecks([check("web", "/")], outputs)).ok, true);
    });
});
