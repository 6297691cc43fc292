import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readLog } from "../../stacks/automation/records/deployment-log";
import { Traffic } from "../../stacks/demo/traffic";
import { PromotionFixture, promotionFixture, usersOf } from "../helpers/promotion-fixture";
import { widerThan120 } from "../helpers/shipgate-cli";
import { Loopback, startServer } from "./hooks/loopback";

// Hooks at every point and notifications, inside a real `shipgate promote`: command hooks (a
// real process per call, told the context in its environment), a webhook hook and a Slack-style
// notifier, both posting to a receiver on loopback. A release that passes staging and fails its
// production canary walks every hook point once.
describe("hooks and notifications inside shipgate promote", function () {
    this.timeout(600_000);
    let fx: PromotionFixture;
    let users: Traffic[];
    let receiver: Loopback;
    let dir: string;
    let hookLog: string;

    // One line per call: point, stage, service, step, version, the reason on a rollback.
    const recorder = () => [
        process.execPath,
        "-e",
        "const e = process.env; require('node:fs').appendFileSync(process.argv[1], [e.SHIPGATE_HOOK_POINT, e.SHIPGATE_STAGE, e.SHIPGATE_SERVICE ?? '-', e.SHIPGATE_STEP_INDEX ?? '-', e.SHIPGATE_VERSION, e.SHIPGATE_PROMOTION_ID, e.SHIPGATE_REASON ?? ''].join(' | ') + '\\n')",
        hookLog,
    ];
    const calls = () =>
        readFileSync(hookLog, "utf8")
            .trim()
            .split("\n")
            .map((l) => l.split(" | "))
            .map(([point, stage, service, step, version, id, reason]) => ({ point, stage, service, step, version, id, reason }));
    const posts = (prefix: string) => receiver.received.filter((r) => r.url.startsWith(prefix)).map((r) => JSON.parse(r.body) as Record<string, unknown>);

    before(async function () {
        this.timeout(300_000);
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-hooks-"));
        hookLog = path.join(dir, "hooks.log");
        // Slack's incoming webhook answers 200 "ok"; so does this one, to hooks and notifications alike.
        receiver = await startServer((_req, res) => {
            res.writeHead(200, { "content-type": "text/plain" });
            res.end("ok");
        });
        fx = await promotionFixture(20000, {}, {
            promotion: () => ({
                hooks: {
                    beforeRollout: [{ name: "record", command: recorder() }],
                    afterStep: [
                        { name: "record", command: recorder() },
                        { name: "smoke", webhook: { url: `${receiver.url}/smoke`, expect: { bodyContains: "ok" } } },
                    ],
                    beforePromotion: [{ name: "record", command: recorder() }],
                    afterRollout: [{ name: "record", command: recorder() }],
                    onRollback: [{ name: "record", command: recorder() }],
                },
                notifications: { slack: { webhookUrl: `${receiver.url}/slack` } },
            }),
        });
        users = usersOf(fx);
    });

    after(async function () {
        this.timeout(300_000);
        await Promise.all((users ?? []).map((u) => u.stop()));
        await fx?.cleanup();
        await receiver?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("calls every hook point in order, posts the webhook and the notifications, and reports each hook", async () => {
        fx.setFaults({ "2.1.0": { errorRate: 0.3 } }, ["production"]);
        let run;
        try {
            run = await fx.shipgate(["promote", "2.1.0", "--service", "backend", "--approver", "alice"]);
        } finally {
            fx.setFaults({});
        }
        assert.equal(run.code, 1, run.output);
        assert.match(run.flat, /ROLLED-BACK: backend step 1 \(send 25% of traffic to 2\.1\.0/);
        assert.deepEqual(widerThan120(run.output), []);
        const record = readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl")).records.at(-1)!;

        // Each call was a process of its own, told the run's context.
        const seen = calls();
        assert.ok(seen.every((c) => c.id === record.id && c.version === "2.1.0"), JSON.stringify(seen));
        const at = (stage: string) => seen.filter((c) => c.stage === stage).map((c) => c.point);
        // Staging (blue-green): before the first step, after each verified step, before the
        // step that makes 2.1.0 the active color, after the last step; never a rollback.
        const staging = at("staging");
        assert.equal(staging[0], "beforeRollout");
        assert.equal(staging.at(-1), "afterRollout");
        assert.ok(staging.includes("beforePromotion"), staging.join(", "));
        assert.ok(staging.filter((p) => p === "afterStep").length >= 2, staging.join(", "));
        assert.ok(!staging.includes("onRollback"));
        const stagingSteps = record.steps.filter((s) => s.stage === "staging" && s.service === "backend").length;
        assert.equal(staging.filter((p) => p === "afterStep").length, stagingSteps, "afterStep once per staging step");
        // Production: its canary failed at step 1, so no afterStep, no promotion, no afterRollout;
        // onRollback is told why.
        assert.deepEqual(at("production"), ["beforeRollout", "onRollback"]);
        // onRollback is the stage's: no service, and the reason.
        const rollback = seen.find((c) => c.point === "onRollback")!;
        assert.equal(rollback.service, "-");
        assert.match(rollback.reason, /error rate/);

        // The webhook hook was POSTed the same context, once per verified step.
        const smoke = posts("/smoke");
        assert.equal(smoke.length, stagingSteps);
        assert.ok(smoke.every((b) => b.point === "afterStep" && b.hook === "smoke" && b.promotionId === record.id && b.stage === "staging"));

        // Notifications: the start and the rollback, as Slack messages.
        const slack = posts("/slack");
        const texts = slack.map((b) => String(b.text));
        assert.equal(slack.length, 2, texts.join("\n"));
        assert.match(texts[0], /2\.1\.0/);
        assert.match(texts[0], /start/i);
        assert.match(texts[1], /roll(ed)?[- ]back/i);
        assert.match(texts[1], /production/);
        assert.ok(slack.every((b) => Array.isArray(b.blocks)), "Slack's blocks are sent beside the text");

        // The record and the report list every hook that ran, with its outcome.
        assert.equal(record.hooks.filter((h) => h.name === "record").length, seen.length);
        assert.ok(record.hooks.every((h) => h.outcome === "pass"), JSON.stringify(record.hooks.filter((h) => h.outcome !== "pass")));
        const report = readFileSync(/report: (\S+\.md)/.exec(run.flat)![1], "utf8");
        assert.match(report, /\| onRollback \| record \| production \|[^\n]*pass/);
        assert.match(report, /\| afterStep \| smoke \| staging \|[^\n]*pass/);
    });

    it("a refusal in pre-flight changed nothing, so it runs no hook and posts nothing", async () => {
        const before = receiver.received.length;
        const lines = readFileSync(hookLog, { encoding: "utf8", flag: "a+" });
        const run = await fx.shipgate(["promote", "2.2.0", "--service", "backend"]);
        assert.equal(run.code, 3, run.output);
        assert.match(run.flat, /production needs 1 named approver/);
        assert.equal(receiver.received.length, before, "nothing posted");
        assert.equal(readFileSync(hookLog, { encoding: "utf8", flag: "a+" }), lines, "no hook ran");
    });
});
