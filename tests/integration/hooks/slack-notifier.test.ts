import { strict as assert } from "node:assert";
import pino from "pino";
import { Notifiers, createNotifier } from "../../../stacks/automation/hooks/slack-notifier";
import { configLookup } from "../../../stacks/automation/hooks/secrets";
import { PromotionRecordSchema } from "../../../stacks/automation/records/promotion-record";
import { rollbackRecord, successRecord } from "../../unit/records/fixtures";
import { CapturedLog, Loopback, closedPort, startServer } from "./loopback";

/** The Slack notifier against real HTTP servers on loopback. */

const success = PromotionRecordSchema.parse(successRecord());
const rolledBack = PromotionRecordSchema.parse(rollbackRecord());
const SECRET_PATH = "/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx";

describe("Slack notifier (real HTTP servers)", function () {
    this.timeout(30_000);
    const servers: Loopback[] = [];
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    async function server(status: number, delayMs = 0): Promise<Loopback> {
        const s = await startServer((_req, res) => {
            setTimeout(() => {
                res.writeHead(status, { "content-type": "text/plain" });
                res.end(status === 200 ? "ok" : "invalid_token");
            }, delayMs);
        });
        servers.push(s);
        return s;
    }

    it("posts Slack's {text, blocks} as JSON for the configured events only", async () => {
        const s = await server(200);
        const captured = new CapturedLog();
        const notifier = createNotifier(
            { slack: { webhookUrl: { fromEnv: "SLACK_WEBHOOK_URL" }, events: ["succeeded", "rolled-back"] } },
            { env: { SLACK_WEBHOOK_URL: `${s.url}${SECRET_PATH}`, GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: "9" }, logger: pino({}, captured) },
        );
        await notifier.notify("started", success); // not configured: not sent
        await notifier.notify("succeeded", success);
        await notifier.notify("rolled-back", rolledBack);
        assert.equal(s.received.length, 2);
        assert.equal(s.received[0].url, SECRET_PATH);
        assert.equal(s.received[0].headers["content-type"], "application/json");
        const payload = JSON.parse(s.received[0].body);
        assert.deepEqual(Object.keys(payload), ["text", "blocks"]);
        assert.equal(payload.text, "shipgate: backend 1.3.0 is live in staging → production.");
        assert.deepEqual(payload.blocks.map((b: { type: string }) => b.type), ["header", "section", "section", "context"]);
        assert.match(payload.blocks[3].elements[0].text, /<https:\/\/github\.com\/acme\/shop\/actions\/runs\/9\|CI run>/);
        assert.match(JSON.parse(s.received[1].body).text, /rolled back in production: error rate 12\.0% &gt; 5\.0%/);
        const sent = JSON.parse(captured.lines[0]);
        assert.equal(sent.msg, "notification succeeded sent");
        assert.equal(sent.webhook, `http://127.0.0.1:${s.port}/***`);
    });

    it("posts once to a webhook that two stages both configure, and to each channel of its own", async () => {
        const s = await server(200);
        const stage = (channel?: string) => createNotifier({ slack: [{ webhookUrl: `${s.url}${SECRET_PATH}` }, ...(channel ? [{ webhookUrl: `${s.url}${SECRET_PATH}`, channel }] : [])] });
        await Notifiers.distinct([stage(), stage()]).notify("rolled-back", rolledBack);
        assert.equal(s.received.length, 1, "staging and production name the same webhook: one message");
        await Notifiers.distinct([stage(), stage("#prod")]).notify("rolled-back", rolledBack);
        assert.equal(s.received.length, 3, "a second channel on the same webhook is a destination of its own");
        assert.deepEqual(s.received.slice(1).map((r) => (JSON.parse(r.body) as { channel?: string }).channel), [undefined, "#prod"]);
    });

    it("a failing server does not throw: a warning is logged, and the URL never appears in it", async () => {
        const s = await server(500);
        const captured = new CapturedLog();
        const notifier = createNotifier(
            { slack: { webhookUrl: { fromConfig: "shipgate:slackWebhookUrl" } } },
            { config: configLookup({ "shipgate:slackWebhookUrl": { value: `${s.url}${SECRET_PATH}`, secret: true } }), logger: pino({}, captured) },
        );
        await notifier.notify("rollback-failed", rolledBack);
        assert.equal(s.received.length, 1);
        const warning = JSON.parse(captured.lines[0]);
        assert.equal(warning.level, 40);
        assert.equal(warning.msg, "notification rollback-failed not delivered (the release goes on)");
        assert.equal(warning.error, "HTTP 500: invalid_token");
        for (const secret of ["T0123ABCD", "B0456EFGH", "abcdefghijklmnopqrstuvwx", SECRET_PATH]) assert.ok(!captured.text.includes(secret), `${secret} leaked`);
    });

    it("a server that hangs costs at most the timeout; one that is gone costs nothing; neither throws", async () => {
        const slow = await server(200, 10_000);
        const gone = await closedPort();
        const captured = new CapturedLog();
        const notifier = createNotifier(
            { slack: [{ webhookUrl: `${slow.url}${SECRET_PATH}`, timeoutSeconds: 1 }, { webhookUrl: `http://127.0.0.1:${gone}${SECRET_PATH}` }] },
            { logger: pino({}, captured) },
        );
        const started = Date.now();
        await notifier.notify("started", success);
        const took = Date.now() - started;
        assert.ok(took < 3000, `took ${took} ms`);
        const errors = captured.lines.map((l) => JSON.parse(l).error).sort();
        assert.deepEqual(errors, [`connection refused: nothing listens on 127.0.0.1:${gone}`, "no answer within 1 s"]);
        for (const secret of ["T0123ABCD", "abcdefghijklmnopqrstuvwx"]) assert.ok(!captured.text.includes(secret), `${secret} leaked`);
    });

    it("a logger that throws and a record that is not one still do not throw", async () => {
        const s = await server(500);
        const angry = { info: () => {}, warn: () => { throw new Error("log sink down"); }, error: () => {} };
        const notifier = createNotifier({ slack: { webhookUrl: s.url } }, { logger: angry });
        await notifier.notify("failed", success);
        await notifier.notify("failed", {} as never);
    });
});
