import { strict as assert } from "node:assert";
import pino from "pino";
import { createHooks } from "../../../stacks/automation/hooks/configured-hooks";
import { HookContext, HookFailure } from "../../../stacks/automation/hooks/hook-types";
import { configLookup } from "../../../stacks/automation/hooks/secrets";
import { CapturedLog, Loopback, closedPort, startServer } from "./loopback";

/** Webhook hooks against real HTTP servers on loopback. */

const context: HookContext = { promotionId: "p-7", stage: "staging", environment: "staging", version: "2.0.0", service: "frontend", step: { index: 0, kind: "switch", summary: "switch to green" } };

async function failure(p: Promise<unknown>): Promise<HookFailure> {
    try {
        await p;
    } catch (err) {
        assert.ok(err instanceof HookFailure, String(err));
        return err;
    }
    assert.fail("expected a HookFailure");
}

describe("webhook hooks (real HTTP servers)", function () {
    this.timeout(30_000);
    const servers: Loopback[] = [];
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    async function server(status: number, body = "", delayMs = 0): Promise<Loopback> {
        const s = await startServer((_req, res) => {
            setTimeout(() => {
                res.writeHead(status, { "content-type": "application/json" });
                res.end(body);
            }, delayMs);
        });
        servers.push(s);
        return s;
    }

    it("POSTs the context as JSON, with configured headers; a 2xx passes", async () => {
        const s = await server(200, '{"status":"ok"}');
        const hooks = createHooks(
            { hooks: { afterStep: [{ name: "smoke", webhook: { url: `${s.url}/smoke`, headers: { "X-Team": "shop" } } }] } },
            { projectDir: "/tmp" },
        );
        const [outcome] = await hooks.run("afterStep", context);
        assert.equal(outcome.outcome, "pass");
        assert.match(outcome.detail, new RegExp(`^HTTP 200 from ${s.url}/smoke in [\\d.]+ s$`));
        assert.equal(s.received.length, 1);
        const req = s.received[0];
        assert.equal(req.method, "POST");
        assert.equal(req.url, "/smoke");
        assert.equal(req.headers["content-type"], "application/json");
        assert.equal(req.headers["x-team"], "shop");
        assert.deepEqual(JSON.parse(req.body), { point: "afterStep", hook: "smoke", ...context });
    });

    it("a 500 fails the step, with the status and the answer", async () => {
        const s = await server(500, '{"error":"smoke tests: 3 of 14 failed"}');
        const hooks = createHooks({ hooks: { afterStep: [{ name: "smoke", webhook: { url: s.url } }] } }, { projectDir: "/tmp" });
        const err = await failure(hooks.run("afterStep", context));
        assert.equal(err.outcomes[0].detail, `HTTP 500 from ${s.url}: "{\\"error\\":\\"smoke tests: 3 of 14 failed\\"}"`);
    });

    it("a server that does not answer in time fails after the timeout, not later", async () => {
        const s = await server(200, "late", 10_000);
        const hooks = createHooks({ hooks: { beforePromotion: [{ name: "slow", webhook: { url: s.url, timeoutSeconds: 1 } }] } }, { projectDir: "/tmp" });
        const started = Date.now();
        const err = await failure(hooks.run("beforePromotion", context));
        const took = Date.now() - started;
        assert.ok(took >= 900 && took < 3000, `took ${took} ms`);
        assert.equal(err.outcomes[0].detail, `${s.url}: no answer within 1 s`);
    });

    it("nothing listening fails with 'connection refused'", async () => {
        const port = await closedPort();
        const hooks = createHooks({ hooks: { afterStep: [{ name: "gone", webhook: { url: `http://127.0.0.1:${port}/x` } }] } }, { projectDir: "/tmp" });
        const err = await failure(hooks.run("afterStep", context));
        assert.equal(err.outcomes[0].detail, `http://127.0.0.1:${port}/x: connection refused: nothing listens on 127.0.0.1:${port}`);
    });

    it("checks an expected field or text in a 2xx answer", async () => {
        const s = await server(200, '{"checks":{"status":"degraded"}}');
        const field = createHooks({ hooks: { afterStep: [{ name: "f", webhook: { url: s.url, expect: { field: { path: "checks.status", equals: "ok" } } } }] } }, { projectDir: "/tmp" });
        assert.equal((await failure(field.run("afterStep", context))).outcomes[0].detail, `HTTP 200 from ${s.url}, but checks.status is "degraded", expected "ok"`);
        const text = createHooks({ hooks: { afterStep: [{ name: "t", webhook: { url: s.url, expect: { bodyContains: "degraded" } } }] } }, { projectDir: "/tmp" });
        assert.equal((await text.run("afterStep", context))[0].outcome, "pass");
    });

    it("a redirect is not followed and does not pass", async () => {
        const s = await startServer((_req, res) => {
            res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" });
            res.end();
        });
        servers.push(s);
        const hooks = createHooks({ hooks: { afterStep: [{ name: "r", webhook: { url: s.url } }] } }, { projectDir: "/tmp" });
        assert.match((await failure(hooks.run("afterStep", context))).outcomes[0].detail, /^HTTP 302 from .* \(redirects are not followed\)/);
    });

    it("a webhook URL from a secret never appears in outcomes or logs; its token still reaches the server", async () => {
        const s = await server(503, "maintenance");
        const secretUrl = `${s.url}/hooks/T0KEN5ECRET42/run?sig=abcdef0123456789`;
        const captured = new CapturedLog();
        const hooks = createHooks(
            { hooks: { afterStep: [{ name: "secret", webhook: { url: { fromConfig: "shipgate:smokeHook" }, headers: { Authorization: { fromEnv: "SMOKE_TOKEN" } } } }] } },
            {
                projectDir: "/tmp",
                env: { SMOKE_TOKEN: "Bearer very-secret-token" },
                config: configLookup({ "shipgate:smokeHook": { value: secretUrl, secret: true } }),
                logger: pino({ level: "info" }, captured),
            },
        );
        const err = await failure(hooks.run("afterStep", context));
        assert.equal(s.received[0].url, "/hooks/T0KEN5ECRET42/run?sig=abcdef0123456789");
        assert.equal(s.received[0].headers.authorization, "Bearer very-secret-token");
        const everything = [err.message, ...err.outcomes.map((o) => o.detail), captured.text, ...hooks.describe()].join("\n");
        assert.equal(err.outcomes[0].detail, `HTTP 503 from http://127.0.0.1:${s.port}/***: "maintenance"`);
        for (const secret of ["T0KEN5ECRET42", "abcdef0123456789", "very-secret-token", secretUrl]) {
            assert.ok(!everything.includes(secret), `${secret} leaked into:\n${everything}`);
        }
        assert.ok(captured.lines.length > 0, "the failure was logged");
    });
});
