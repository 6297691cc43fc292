import { strict as assert } from "node:assert";
import { ciRunUrl } from "../../../stacks/automation/hooks/ci-run-url";
import { slackMessage } from "../../../stacks/automation/hooks/slack-message";
import { PromotionRecordSchema } from "../../../stacks/automation/records/promotion-record";
import { refusedRecord, rollbackRecord, successRecord } from "../records/fixtures";

const success = PromotionRecordSchema.parse(successRecord());
const rolledBack = PromotionRecordSchema.parse(rollbackRecord());
const refused = PromotionRecordSchema.parse(refusedRecord());

type Block = { type: string; text?: { type: string; text: string }; fields?: { text: string }[]; elements?: { text: string }[] };

describe("Slack message", () => {
    it("has a one-line text and header, section, fields and context blocks", () => {
        const m = slackMessage("succeeded", success, { runUrl: "https://github.com/acme/shop/actions/runs/42" });
        assert.equal(m.text, "shipgate: backend 1.3.0 is live in staging → production.");
        const blocks = m.blocks as Block[];
        assert.deepEqual(blocks.map((b) => b.type), ["header", "section", "section", "context"]);
        assert.equal(blocks[0].text!.text, "🟢 Released backend 1.3.0");
        assert.equal(blocks[0].text!.type, "plain_text");
        assert.deepEqual(blocks[2].fields!.map((f) => f.text.split("\n")[0]), ["*Version*", "*Stages*", "*Approved by*", "*Deployer*", "*Commit*", "*Duration*"]);
        assert.equal(blocks[3].elements![0].text, "run `p-20261123-100000-1.3.0` · <https://github.com/acme/shop/actions/runs/42|CI run>");
    });

    it("a rollback says where, why, and how fast traffic came back", () => {
        const m = slackMessage("rolled-back", rolledBack);
        assert.equal(m.text, "shipgate: backend 1.3.1 was rolled back in production: error rate 12.0% &gt; 5.0%. It is back on the last good release.");
        const fields = (m.blocks[2] as Block).fields!.map((f) => f.text);
        assert.ok(fields.includes("*Traffic restored*\n42 s after the failed check"));
    });

    it("a refusal names the gate; a failed rollback pages with the mention, and only then", () => {
        assert.match(slackMessage("refused", refused).text, /refused by change-window: Friday 15:00 UTC .* Nothing was changed\.$/);
        const failed = { ...rolledBack, result: "rollback-failed" as const, rollback: { ...rolledBack.rollback!, result: "failed" as const, error: "up failed" } };
        const m = slackMessage("rollback-failed", failed, { mention: "<!here>" });
        assert.ok(m.text.startsWith("<!here> shipgate: The rollback of backend 1.3.1 in production FAILED"));
        assert.equal((m.blocks[0] as Block).text!.text, "🚨 ROLLBACK FAILED: backend 1.3.1");
        assert.ok(!slackMessage("rolled-back", rolledBack, { mention: "<!here>" }).text.includes("<!here>"));
    });

    it("escapes Slack's control characters from record text and keeps Slack's length limits", () => {
        const r = { ...success, services: ["<!channel>"], version: "1.0.0&" + "x".repeat(300) };
        const m = slackMessage("started", r);
        assert.ok(!m.text.includes("<!channel>"));
        assert.ok(m.text.includes("&lt;!channel&gt;"));
        assert.ok((m.blocks[0] as Block).text!.text.length <= 150);
    });

    it("links the CI run on GitHub Actions and Azure Pipelines", () => {
        assert.equal(ciRunUrl({ GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: "42" }), "https://github.com/acme/shop/actions/runs/42");
        assert.equal(
            ciRunUrl({ SYSTEM_COLLECTIONURI: "https://dev.azure.com/acme/", SYSTEM_TEAMPROJECT: "shop app", BUILD_BUILDID: "7" }),
            "https://dev.azure.com/acme/shop%20app/_build/results?buildId=7",
        );
        assert.equal(ciRunUrl({}), undefined);
    });
});
