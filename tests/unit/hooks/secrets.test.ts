import { strict as assert } from "node:assert";
import { Redactor, configLookup, displayUrl, resolveSecret } from "../../../stacks/automation/hooks/secrets";

const SLACK = "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx";

describe("secrets", () => {
    it("shows a secret URL only as where it goes", () => {
        assert.equal(displayUrl(SLACK, true), "https://hooks.slack.com/***");
        assert.equal(displayUrl("https://hooks.example.com", true), "https://hooks.example.com");
    });

    it("shows a plain URL's path but not its query, credentials or token-like segments", () => {
        assert.equal(displayUrl("http://127.0.0.1:26001/smoke/check?token=abc123", false), "http://127.0.0.1:26001/smoke/check?***");
        assert.equal(displayUrl("https://user:pass@ci.example.com/hooks/9f8e7d6c5b4a/run", false), "https://ci.example.com/hooks/***/run");
        assert.equal(displayUrl(SLACK, false), "https://hooks.slack.com/services/***/***/***");
        assert.equal(displayUrl("not a url", false), "(invalid URL)");
    });

    it("redacts every known secret in any text, the whole URL before its parts", () => {
        const r = new Redactor().addUrl(SLACK, true).add("Bearer t0k3n-value");
        assert.equal(r.redact(`POST ${SLACK} failed: fetch ${SLACK}/x`), "POST *** failed: fetch ***/x");
        assert.equal(r.redact("path /services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx"), "path ***");
        assert.equal(r.redact("segment abcdefghijklmnopqrstuvwx alone"), "segment *** alone");
        assert.equal(r.redact("auth: Bearer t0k3n-value"), "auth: ***");
        const plain = new Redactor().addUrl("http://127.0.0.1:26001/smoke?token=hunter22", false);
        assert.equal(plain.redact("GET http://127.0.0.1:26001/smoke?token=hunter22"), "GET http://127.0.0.1:26001/smoke?***");
        assert.equal(plain.redact("token hunter22"), "token ***");
        // Short values are not secrets worth masking innocent text for.
        assert.equal(new Redactor().add("ok").redact("ok"), "ok");
    });

    it("resolves values from the environment and the stack's decrypted config", () => {
        assert.deepEqual(resolveSecret("https://a.example", "k", {}), { value: "https://a.example", secret: false, source: "config file" });
        assert.deepEqual(resolveSecret({ fromEnv: "HOOK" }, "k", { env: { HOOK: "v" } }), { value: "v", secret: true, source: "env HOOK" });
        const lookup = configLookup({ "shipgate:slackWebhookUrl": { value: SLACK, secret: true } });
        assert.equal(resolveSecret({ fromConfig: "slackWebhookUrl" }, "k", { config: lookup }).value, SLACK, "bare keys are looked up in the shipgate namespace");
        assert.equal(resolveSecret({ fromConfig: "shipgate:slackWebhookUrl" }, "k", { config: lookup }).source, "config shipgate:slackWebhookUrl");
        assert.throws(() => resolveSecret({ fromConfig: "other:key" }, "k", { config: lookup }), /no config key other:key/);
    });
});
