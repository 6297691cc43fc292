import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PromotionRecordInput } from "../../../stacks/automation/records/promotion-record";
import { buildReport, reportMarkdown, writeReports } from "../../../stacks/automation/records/report";
import { refusedRecord, rollbackRecord, successRecord } from "./fixtures";

const md = (r: PromotionRecordInput) => reportMarkdown(buildReport(r));
const lines = (text: string) => text.split("\n");
/** The one line that starts with `prefix` (fails when there is none or several). */
function line(text: string, prefix: string): string {
    const found = lines(text).filter((l) => l.startsWith(prefix));
    assert.equal(found.length, 1, `expected one line starting with ${JSON.stringify(prefix)}, got ${found.length}:\n${text}`);
    return found[0];
}

describe("run report, Markdown", () => {
    it("a success: GREEN per service, database and integrations, gates, figures against thresholds, timings, approver and commit", () => {
        const text = md(successRecord());
        assert.equal(lines(text)[0], "# shipgate promote 1.3.0: 🟢 GREEN");
        assert.equal(line(text, "> "), "> 🟢 Version 1.3.0 of backend released to staging → production");
        assert.equal(line(text, "| production | backend |"), "| production | backend | 🟢 GREEN | 1.2.0 → 1.3.0 | ✅ | ✅ | ✅ | pioneer ✅ |");
        assert.equal(line(text, "| staging | backend |"), "| staging | backend | 🟢 GREEN | 1.2.0 → 1.3.0 | ✅ | — | ✅ | — |");
        assert.equal(line(text, "| production | policy-pack"), "| production | policy-pack | ✅ pass | 12 policies, no violation |");
        assert.equal(line(text, "| 2 | production"), "| 2 | production | backend | canary 50% | ✅ succeeded | canary 50% · stable 50% | canary 50 · stable 50 | ✅ pass | 9.4 s | 1.3 s | 5 min |");
        assert.ok(lines(text).includes("  - ✅ error rate 0.5% ≤ 5.0% (max)"));
        assert.ok(lines(text).includes("  - ✅ P95 118 ms ≤ 240 ms (2× stable 120 ms)"));
        assert.ok(lines(text).includes("- stable: 3600 requests, 14 errors, error rate 0.4%, P95 120 ms"));
        assert.equal(line(text, "| approved by"), "| approved by | alice |");
        assert.equal(line(text, "| commit"), "| commit | abc1234def5678 (committed 2026-11-23 07:00:00 UTC) |");
        assert.equal(line(text, "| engine"), "| engine (`pulumi up`) | 36 s |");
        assert.equal(line(text, "| automation overhead"), "| automation overhead | 4.7 s |");
        assert.equal(line(text, "| bake and verification"), "| bake and verification | 20 min |");
        assert.equal(line(text, "| total"), "| total | 23 min 20 s |");
        assert.ok(!text.includes("## Incident") && !text.includes("## Rollback") && !text.includes("## Refused"));
    });

    it("a rollback: RED, with an incident that says what failed, why, when traffic was restored and what to do next", () => {
        const text = md(rollbackRecord());
        assert.equal(lines(text)[0], "# shipgate promote 1.3.1: 🔴 RED");
        assert.match(line(text, "> "), /^> 🔴 Version 1\.3\.1 rolled back in production: error rate 12\.0% > 5\.0%\./);
        const incident = text.slice(text.indexOf("## Incident"), text.indexOf("## Status"));
        assert.ok(incident.length > 0, "an incident section before the status");
        assert.equal(line(incident, "- **What failed**"), "- **What failed**: production / backend, step 2 (canary 50%): error rate 12.0% > 5.0% (max)");
        assert.equal(line(incident, "- **Detected**"), "- **Detected**: 2026-11-23 10:16:02 UTC");
        assert.equal(line(incident, "- **Traffic restored**"), "- **Traffic restored**: 2026-11-23 10:16:44 UTC, 42 s after the failed check (target < 10 min: ✅ met)");
        assert.equal(line(incident, "- **Now serving in production**"), "- **Now serving in production**: backend 1.2.0 (last good release)");
        assert.equal(line(incident, "- **Database**"), "- **Database**: the down migration ran: exit 0 after 1.5 s");
        assert.match(line(incident, "- **Why it was not caught earlier**"), /it passed staging first/);
        assert.match(incident, /### What to do next\n\n1\. production is back on the last good release/);
        assert.match(incident, /Post-mortem \(seed 001\): what went wrong, why it was not caught, how to prevent it\./);
        assert.ok(lines(text).includes("  - ❌ error rate 12.0% > 5.0% (max)"));
        assert.equal(line(text, "- traffic restored"), "- traffic restored: 2026-11-23 10:16:44 UTC");
        assert.equal(line(text, "| rollback |"), "| rollback | 2 min 7 s |");
        // The services are shown on what they serve now.
        assert.equal(line(text, "| production | backend |"), "| production | backend | 🟢 GREEN | 1.2.0 → 1.3.1 (serving 1.2.0) | ✅ | ✅ | ✅ | — |");
    });

    it("a rollback that failed: says loudly that a person must act, and what to do first", () => {
        const r = rollbackRecord();
        r.result = "rollback-failed";
        r.rollback = { ...r.rollback!, result: "failed", trafficRestoredAt: undefined, error: "engine: up failed: timeout waiting for the router" };
        r.versions = r.versions.map((v) => ({ ...v, final: undefined }));
        const text = md(r);
        assert.match(line(text, "> "), /ROLLBACK FAILED in production.*a person must act now/);
        assert.equal(line(text, "- **Traffic restored**"), "- **Traffic restored**: ❌ NOT restored: the rollback failed");
        assert.equal(line(text, "- **Rollback**"), "- **Rollback**: ❌ FAILED: engine: up failed: timeout waiting for the router");
        assert.match(text, /1\. NOW: restore production by hand\. The rollback stopped with: engine: up failed/);
        assert.equal(line(text, "- **Now serving in production**"), "- **Now serving in production**: backend unknown");
    });

    it("a rollback with no down migration says the database was not rolled back", () => {
        const r = rollbackRecord();
        r.hooks = [
            ...r.hooks!.slice(0, 2),
            { point: "onRollback", name: "migration/down", stage: "production", outcome: "pass", durationMs: 0, detail: "NOT RUN: no down migration is configured (shipgate:promotion.migration.down), so the database in production keeps the schema migrated for 1.3.1." },
        ];
        assert.match(line(md(r), "- **Database**"), /^- \*\*Database\*\*: NOT RUN: no down migration is configured/);
    });

    it("a sequential verdict: the judge named, each e-value next to its bound, whole requests, nothing appended", () => {
        const record = rollbackRecord();
        const failed = record.steps!.find((s) => s.verification?.outcome === "fail")!;
        const detail = "error rate more than 50.0% above stable: 12.0% vs stable 0.4%, e = 4,210 ≥ 300 (3/α), 1,200 requests";
        failed.verification = {
            ...failed.verification!,
            judge: "sequential: alpha 0.01 over 3 tests, each fails at e ≥ 300",
            checks: [{ name: "error-rate-vs-baseline", outcome: "fail", value: "0.12", threshold: "0.0058", detail, evidence: { statistic: "e-value", value: 4210, bound: 300, requests: 1200, baselineRequests: 3600 } }],
        } as typeof failed.verification;
        const text = md(record);
        assert.ok(lines(text).includes("- judge: sequential: alpha 0.01 over 3 tests, each fails at e ≥ 300"), text);
        assert.ok(lines(text).includes(`  - ❌ ${detail}`), "the line as the judge wrote it, no (value vs threshold), no (max)");
    });

    it("a refusal: nothing changed, each failed gate with its reason, no steps", () => {
        const text = md(refusedRecord());
        assert.equal(lines(text)[0], "# shipgate promote 1.3.0: 🟡 YELLOW");
        assert.equal(line(text, "> "), "> ⛔ Version 1.3.0 refused by a gate: nothing was changed.");
        assert.ok(text.includes("## Refused\n\nNothing was changed: no stack was updated and no traffic moved."));
        assert.equal(
            line(text, "- ❌ production: change-window"),
            "- ❌ production: change-window: Friday 15:00 UTC is a Friday afternoon: outside the change window (use --emergency with a hotfix reason)",
        );
        assert.equal(line(text, "- ❌ production: approvals"), "- ❌ production: approvals: production needs an approver: pass --approver");
        assert.equal(line(text, "| approved by"), "| approved by | no approver recorded |");
        assert.equal(line(text, "| production | backend |"), "| production | backend | ⚪ not checked | 1.2.0 → 1.3.0 (serving 1.2.0) | — | — | — | — |");
        assert.ok(!text.includes("## Steps") && !text.includes("## Incident"));
        assert.equal(line(text, "| engine"), "| engine (`pulumi up`) | n/a |");
    });

    it("never shows GREEN without a health answer, and YELLOW when a service warns", () => {
        const none = successRecord();
        none.health = {};
        none.healthDetails = {};
        assert.equal(lines(md(none))[0], "# shipgate promote 1.3.0: ⚪ not checked");

        const warn = successRecord();
        warn.health = { ...warn.health, "production/backend": "YELLOW" };
        warn.healthDetails = {
            "production/backend": { color: "YELLOW", status: "warning", checks: { database: true, websocket: false, pioneer: false }, errors: ["pioneer: 503 from api.pioneer"], reason: "status warning" },
        };
        const text = md(warn);
        assert.equal(lines(text)[0], "# shipgate promote 1.3.0: 🟡 YELLOW");
        assert.equal(line(text, "| production | backend |"), "| production | backend | 🟡 YELLOW | 1.2.0 → 1.3.0 | ✅ | ❌ | — | pioneer ❌ |");
        assert.equal(line(text, "- production/backend:"), "- production/backend: status warning; error: pioneer: 503 from api.pioneer");
    });

    it("flags router weights that are not the planned split, and escapes table cells", () => {
        const r = successRecord();
        r.steps![1] = { ...r.steps![1], routerWeights: { canary: 0, stable: 100 } };
        r.gates = [{ gate: "checklist", outcome: "warn", detail: "coverage 78% | needs 80%\nsee CI" }];
        const text = md(r);
        assert.match(line(text, "| 1 | production"), /\| canary 0 · stable 100 ⚠️ \|/);
        assert.ok(lines(text).includes("- router weights read back: canary 0 · stable 100 ⚠️ not the planned split"));
        assert.equal(line(text, "| — | checklist"), "| — | checklist | ⚠️ warn | coverage 78% \\| needs 80% see CI |");
    });

    it("says when a hotfix's review is due", () => {
        const r = successRecord();
        r.hotfixReason = "checkout down for EU users";
        assert.equal(line(md(r), "| hotfix"), "| hotfix | checkout down for EU users (expedited path: review due within 24 h) |");
    });
});

describe("run report, JSON and files", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-report-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("writes <dir>/<id>.md and .json: the JSON has the derived report and the record", () => {
        const written = writeReports(rollbackRecord(), path.join(dir, "reports"), { env: {} });
        assert.equal(written.markdownPath, path.join(dir, "reports", "p-20261123-100000-1.3.1.md"));
        assert.equal(written.jsonPath, path.join(dir, "reports", "p-20261123-100000-1.3.1.json"));
        assert.equal(written.stepSummaryPath, undefined);
        assert.equal(readFileSync(written.markdownPath, "utf8"), md(rollbackRecord()));
        const json = JSON.parse(readFileSync(written.jsonPath, "utf8"));
        assert.equal(json.reportVersion, 1);
        assert.equal(json.result, "rolled-back");
        assert.equal(json.color, "RED");
        assert.equal(json.incident.timeToRestoreMs, 42_000);
        assert.equal(json.incident.whatFailed, "production / backend, step 2 (canary 50%): error rate 12.0% > 5.0% (max)");
        assert.deepEqual(json.services.map((s: { stage: string; color: string }) => [s.stage, s.color]), [
            ["staging", "GREEN"],
            ["production", "GREEN"],
        ]);
        assert.equal(json.steps[2].verification.figures[1].text, "error rate 12.0% > 5.0% (max)");
        assert.equal(json.rollback.steps[0].summary, "route all traffic to stable 1.2.0");
        assert.equal(json.record.rollback.trafficRestoredAt, "2026-11-23T10:16:44.000Z");
        assert.equal(json.timings.engineMs, 26_800); // the promotion's ups; the rollback is timed on its own
        assert.deepEqual(readdirSync(path.join(dir, "reports")).sort(), ["p-20261123-100000-1.3.1.json", "p-20261123-100000-1.3.1.md"]);
    });

    it("the refusal's JSON lists the failed gates", () => {
        const { jsonPath } = writeReports(refusedRecord(), dir, { env: {} });
        const json = JSON.parse(readFileSync(jsonPath, "utf8"));
        assert.deepEqual(json.refusal.failedGates.map((g: { gate: string }) => g.gate), ["change-window", "approvals"]);
        assert.equal(json.incident, undefined);
    });

    it("appends the Markdown to $GITHUB_STEP_SUMMARY when set, keeping what is there", () => {
        const summary = path.join(dir, "step_summary.md");
        writeFileSync(summary, "## Build\n\nok\n");
        const env = { GITHUB_STEP_SUMMARY: summary };
        writeReports(successRecord(), path.join(dir, "r"), { env });
        const written = writeReports(rollbackRecord(), path.join(dir, "r"), { env });
        assert.equal(written.stepSummaryPath, summary);
        const text = readFileSync(summary, "utf8");
        assert.ok(text.startsWith("## Build\n\nok\n# shipgate promote 1.3.0: 🟢 GREEN"));
        assert.ok(text.includes("\n# shipgate promote 1.3.1: 🔴 RED"));
        assert.equal(text, `## Build\n\nok\n${md(successRecord())}\n${md(rollbackRecord())}\n`);
    });

    it("does not create a step summary when the variable is unset or empty", () => {
        const summary = path.join(dir, "step_summary.md");
        writeReports(successRecord(), dir, { env: { GITHUB_STEP_SUMMARY: "" } });
        assert.equal(existsSync(summary), false);
    });

    it("makes a safe file name of any run id", () => {
        const r = successRecord();
        r.id = "../../etc/promo 1";
        const { markdownPath } = writeReports(r, dir, { env: {} });
        assert.equal(path.dirname(markdownPath), dir);
        assert.equal(path.basename(markdownPath), "__.._etc_promo_1.md");
    });

    it("refuses a record that is not one", () => {
        assert.throws(() => writeReports({ ...successRecord(), result: "meh" } as unknown as PromotionRecordInput, dir, { env: {} }));
        assert.deepEqual(readdirSync(dir), []);
    });
});
