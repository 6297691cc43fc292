import { strict as assert } from "node:assert";
import pino from "pino";
import { InvalidInputError } from "../../../components/release";
import { createHooks, hooksFromStackConfig, promotionConfig } from "../../../stacks/automation/hooks/configured-hooks";
import { HooksConfigSchema, MigrationConfigSchema, hookTimeoutMs } from "../../../stacks/automation/hooks/hooks-config";
import { LogSink } from "../../../stacks/automation/hooks/log-sink";
import { NotificationsConfigSchema } from "../../../stacks/automation/hooks/notifications-config";
import { configLookup } from "../../../stacks/automation/hooks/secrets";
import { createNotifier } from "../../../stacks/automation/hooks/slack-notifier";

function problems(fn: () => unknown): string[] {
    try {
        fn();
    } catch (err) {
        if (err instanceof InvalidInputError) return err.problems.map((p) => `${p.path}: ${p.message}`);
        throw err;
    }
    assert.fail("expected an InvalidInputError");
}

describe("hooks config", () => {
    it("parses the documented example, with defaults per kind", () => {
        const config = HooksConfigSchema.parse({
            beforeRollout: [{ name: "smoke-db", command: ["./scripts/check-db.sh"], timeoutSeconds: 60 }],
            afterStep: [{ name: "load-test", webhook: { url: "https://ci.example.com/hooks/load", expect: { field: { path: "status", equals: "ok" } } } }],
        });
        assert.deepEqual(config.afterRollout, []);
        assert.equal(hookTimeoutMs(config.beforeRollout[0]), 60_000);
        assert.equal(hookTimeoutMs(config.afterStep[0]), 30_000, "webhooks default to 30 s");
        assert.equal(hookTimeoutMs(HooksConfigSchema.parse({ afterStep: [{ name: "x", command: ["true"] }] }).afterStep[0]), 300_000, "commands default to 300 s");
    });

    it("names the key and the fix for every mistake", () => {
        const found = problems(() =>
            createHooks(
                {
                    hooks: {
                        beforeRolout: [],
                        afterStep: [
                            { name: "both", command: ["x"], webhook: { url: "http://x" } },
                            { name: "neither" },
                            { name: "shell", command: "npm test" },
                            { name: "has/slash", command: ["x"] },
                            { name: "dup", command: ["x"] },
                            { name: "dup", command: ["y"] },
                            { name: "env-on-webhook", webhook: { url: "http://x" }, env: { A: "1" } },
                        ],
                    },
                    migration: { up: ["npm", "run", "migrate"] },
                },
                { projectDir: "/tmp" },
            ),
        );
        const text = found.join("\n");
        assert.match(text, /shipgate:promotion\.hooks: unknown hook point\(s\) beforeRolout: use beforeRollout, afterStep, beforePromotion, afterRollout, onRollback/);
        assert.match(text, /shipgate:promotion\.hooks\.afterStep\[0\]: a hook is either a `command` \(argv array\) or a `webhook` \(\{url\}\), exactly one of them/);
        assert.match(text, /shipgate:promotion\.hooks\.afterStep\[1\]: a hook is either/);
        assert.match(text, /shipgate:promotion\.hooks\.afterStep\[2\]\.command: /);
        assert.match(text, /shipgate:promotion\.hooks\.afterStep\[3\]\.name: letters, digits/);
        assert.match(text, /shipgate:promotion\.hooks\.afterStep\[6\]: `cwd` and `env` apply to command hooks only/);
        assert.match(text, /shipgate:promotion\.migration\.backup: /);
        // Names are checked once every hook at the point is well formed.
        const dup = problems(() => createHooks({ hooks: { afterStep: [{ name: "dup", command: ["x"] }, { name: "dup", command: ["y"] }] } }, { projectDir: "/tmp" }));
        assert.deepEqual(dup, ['shipgate:promotion.hooks.afterStep[1].name: two hooks named "dup" at the same point: names must be unique there']);
    });

    it("a migration needs a backup and an up; the down is optional; 10 minutes per command by default", () => {
        const m = MigrationConfigSchema.parse({ backup: ["./backup.sh"], up: ["npm", "run", "migrate"] });
        assert.equal(m.down, undefined);
        assert.equal(m.timeoutSeconds, 600);
        assert.equal(MigrationConfigSchema.safeParse({ up: ["x"] }).success, false);
        assert.equal(MigrationConfigSchema.safeParse({ backup: [], up: ["x"] }).success, false);
    });

    it("resolves secrets at construction: a missing one is named (never its value) before anything runs", () => {
        const hooks = { afterStep: [{ name: "w", webhook: { url: { fromEnv: "LOAD_URL" }, headers: { Authorization: { fromConfig: "loadToken" } } } }] };
        const missingEnv = problems(() => createHooks({ hooks }, { projectDir: "/tmp", env: {} }));
        assert.deepEqual(missingEnv, ["shipgate:promotion.hooks.afterStep[0].webhook.url: environment variable LOAD_URL is not set (or empty): set it in the CI job's secrets"]);
        const missingConfig = problems(() => createHooks({ hooks }, { projectDir: "/tmp", env: { LOAD_URL: "https://x.example.com/h" }, config: configLookup({}) }));
        assert.match(missingConfig[0], /^shipgate:promotion\.hooks\.afterStep\[0\]\.webhook\.headers\.Authorization: no config key loadToken in the stack/);
        const notUrl = problems(() => createHooks({ hooks }, { projectDir: "/tmp", env: { LOAD_URL: "s3cr3t-not-a-url" }, config: configLookup({ "shipgate:loadToken": { value: "t", secret: true } }) }));
        assert.deepEqual(notUrl, ["shipgate:promotion.hooks.afterStep[0].webhook.url: not an http(s) URL (from env LOAD_URL)"]);
        const ok = createHooks({ hooks }, { projectDir: "/tmp", env: { LOAD_URL: "https://x.example.com/h/abcdef123456" }, config: configLookup({ "shipgate:loadToken": { value: "Bearer t0k3n", secret: true } }) });
        assert.deepEqual(ok.describe(), ["afterStep: w (webhook https://x.example.com/***, timeout 30 s)"]);
    });

    it("an encrypted value read from the file is explained, not silently used", () => {
        const found = problems(() => createHooks({ hooks: { afterStep: [{ name: "w", webhook: { url: { secure: "v1:abc" } } }] } }, { projectDir: "/tmp" }));
        assert.match(found[0], /^shipgate:promotion\.hooks\.afterStep\[0\]\.webhook\.url: .*an encrypted \{secure: …\} value cannot be read from the file/);
    });

    it("reads shipgate:promotion from the stack file's object or from the engine's JSON string", () => {
        const value = { hooks: { afterRollout: [{ name: "done", command: ["true"] }] }, migration: { backup: ["b"], up: ["u"] } };
        assert.deepEqual(promotionConfig({ "shipgate:promotion": value }), value);
        assert.deepEqual(promotionConfig({ "shipgate:promotion": JSON.stringify(value) }), value);
        assert.deepEqual(promotionConfig({ "shipgate:promotion": { value: JSON.stringify(value), secret: true } }), value);
        assert.deepEqual(promotionConfig({}), {});
        assert.throws(() => promotionConfig({ "shipgate:promotion": [1] }), /shipgate:promotion: must be a map/);
        const hooks = hooksFromStackConfig({ "shipgate:promotion": value }, { projectDir: "/tmp" });
        assert.deepEqual(hooks.describe(), [
            "beforeRollout: migration/backup, migration/up (command)",
            "onRollback: migration/down (none configured: the database is not rolled back)",
            "afterRollout: done (command true, timeout 300 s)",
        ]);
        assert.equal(hooksFromStackConfig({}, { projectDir: "/tmp" }).empty, true);
    });
});

describe("notifications config", () => {
    it("defaults to every event and a 5 s timeout; takes one webhook or several", () => {
        const one = NotificationsConfigSchema.parse({ slack: { webhookUrl: { fromConfig: "shipgate:slackWebhookUrl" } } });
        assert.deepEqual(one.slack, {
            webhookUrl: { fromConfig: "shipgate:slackWebhookUrl" },
            events: ["started", "succeeded", "rolled-back", "refused", "failed", "rollback-failed"],
            timeoutSeconds: 5,
        });
        const two = NotificationsConfigSchema.parse({ slack: [{ webhookUrl: "https://a.example" }, { webhookUrl: "https://b.example", events: ["rollback-failed"] }] });
        assert.ok(Array.isArray(two.slack));
        assert.equal(NotificationsConfigSchema.safeParse({ slack: { webhookUrl: "https://a.example", events: ["finished"] } }).success, false);
        assert.equal(NotificationsConfigSchema.safeParse({ teams: {} }).success, false);
    });

    it("builds nothing when nothing is configured, and names a missing secret", () => {
        assert.equal(createNotifier(undefined).notifiers.length, 0);
        const found = problems(() => createNotifier({ slack: [{ webhookUrl: "https://a.example" }, { webhookUrl: { fromEnv: "SLACK_URL" } }] }, { env: {} }));
        assert.deepEqual(found, ["shipgate:promotion.notifications.slack[1].webhookUrl: environment variable SLACK_URL is not set (or empty): set it in the CI job's secrets"]);
    });

    it("takes a pino logger as its log sink", () => {
        const logger: LogSink = pino({ level: "silent" });
        assert.equal(createNotifier({ slack: { webhookUrl: "https://hooks.example.com/x" } }, { logger }).notifiers.length, 1);
    });
});

describe("hooks config, commands", () => {
    it("refuses an empty argv or an empty program, and reports a missing working directory when run", async () => {
        const found = problems(() => createHooks({ hooks: { afterStep: [{ name: "a", command: [] }, { name: "b", command: [" ", "x"] }] } }, { projectDir: "/tmp" }));
        assert.deepEqual(found, [
            "shipgate:promotion.hooks.afterStep[0].command: a command is an argv array with at least the program, e.g. [./smoke.sh, --quick]",
            "shipgate:promotion.hooks.afterStep[1].command: the program (the first element) is empty",
        ]);
        const hooks = createHooks({ hooks: { afterStep: [{ name: "c", command: ["true"], cwd: "no/such/dir" }] } }, { projectDir: "/tmp" });
        await assert.rejects(hooks.run("afterStep", { promotionId: "p", stage: "s", environment: "staging", version: "1" }), /working directory does not exist: \/tmp\/no\/such\/dir/);
    });
});
