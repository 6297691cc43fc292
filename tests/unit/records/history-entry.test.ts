import { strict as assert } from "node:assert";
import { historyEntry, historyMarkdown } from "../../../stacks/automation/records/deployment-log-markdown";
import { PromotionRecordSchema } from "../../../stacks/automation/records/promotion-record";
import { refusedRecord, rollbackRecord, successRecord } from "./fixtures";

describe("deployment log entry (seed 001's format)", () => {
    it("a success: heading, deployer, changes, status, issues and before → after figures", () => {
        assert.equal(
            historyEntry(successRecord()),
            [
                "## 2026-11-23 10:00 - Version 1.3.0",
                "",
                "**Deployer**: ci-bot (approved by alice)",
                "**Changes**: Faster checkout (#412) (commit abc1234def56)",
                "**Status**: Success",
                "**Issues**: None",
                "**Metrics**:",
                "- Deployment time: 23 min 20 s",
                "- Error rate: 0.4% -> 0.5%",
                "- Response time (P95): 120 ms -> 118 ms",
                "",
            ].join("\n"),
        );
    });

    it("a rollback: Status Rollback, the reason under Issues, the figure that failed as 'after'", () => {
        const entry = historyEntry(rollbackRecord());
        const lines = entry.split("\n");
        assert.equal(lines[0], "## 2026-11-23 10:00 - Version 1.3.1");
        assert.ok(lines.includes("**Status**: Rollback"));
        assert.ok(lines.includes("**Issues**: rolled back in production: error rate 12.0% > 5.0%"));
        assert.ok(lines.includes("- Error rate: 0.4% -> 12.0%"));
        assert.ok(lines.includes("- Response time (P95): 120 ms -> 131 ms"));
    });

    it("a refusal: the gates under Issues, no figures (n/a, not zeros)", () => {
        const lines = historyEntry(refusedRecord()).split("\n");
        assert.ok(lines.includes("**Status**: Refused (nothing changed)"));
        assert.ok(lines.includes("**Deployer**: ci-bot"));
        assert.ok(
            lines.includes(
                "**Issues**: gate change-window failed: Friday 15:00 UTC is a Friday afternoon: outside the change window (use --emergency with a hotfix reason); gate approvals failed: production needs an approver: pass --approver",
            ),
        );
        assert.ok(lines.includes("- Error rate: n/a -> n/a"));
        assert.ok(lines.includes("- Deployment time: 4.0 s"));
    });

    it("several services: one figure per service; nothing recorded: 'not recorded'", () => {
        const r = successRecord();
        r.services = ["backend", "frontend"];
        r.steps = [...r.steps!, { ...r.steps![3], service: "frontend", verification: { ...r.steps![3].verification!, baseline: { label: "stable", requests: 100, errors: 1, p95Ms: 80 } } }];
        delete r.deployer;
        delete r.changes;
        delete r.gitCommit;
        r.approvers = [];
        const lines = historyEntry(r).split("\n");
        assert.ok(lines.includes("- Error rate: backend 0.4% -> 0.5%, frontend 1.0% -> 0.5%"), lines.join("\n"));
        assert.ok(lines.includes("**Deployer**: not recorded"));
        assert.ok(lines.includes("**Changes**: not recorded"));
    });

    it("YELLOW health and failed hooks are issues; a manual rollback says so in its heading", () => {
        const r = successRecord();
        r.kind = "rollback";
        r.health = { "production/backend": "YELLOW" };
        r.healthDetails = { "production/backend": { color: "YELLOW", reason: "status warning: errors: slow db" } };
        const lines = historyEntry(r).split("\n");
        assert.equal(lines[0], "## 2026-11-23 10:00 - Version 1.3.0 (rollback)");
        assert.ok(lines.includes("**Issues**: production/backend YELLOW: status warning: errors: slow db"));
    });

    it("the history lists entries newest first", () => {
        const records = [successRecord(), refusedRecord(), rollbackRecord()].map((r) => PromotionRecordSchema.parse(r));
        const headings = historyMarkdown(records)
            .split("\n")
            .filter((l) => l.startsWith("## "));
        assert.deepEqual(headings, ["## 2026-11-27 15:00 - Version 1.3.0", "## 2026-11-23 10:00 - Version 1.3.0", "## 2026-11-23 10:00 - Version 1.3.1"]);
        assert.equal(historyMarkdown([]), "No deployments recorded yet.\n");
    });
});
