import { strict as assert } from "node:assert";
import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import type { PromotionEvent } from "../../../stacks/automation/promotion/promotion-events";
import { fitWidth } from "../../../stacks/cli/output/fit-width";
import { liveView } from "../../../stacks/cli/output/live-view";
import { plainView } from "../../../stacks/cli/output/plain-view";

const LONG_REASON =
    "backend step 2 (send 50% of traffic to 2.1.0 (stable 2.0.0 keeps 50%)) failed its checks: canary failed the analysis: error rate 28.3% above the 5.0% ceiling: e = 5.3e6 ≥ 300 (3/α), 60 requests";

describe("what a person reads fits 120 columns", () => {
    it("wraps a long line at words, keeps its indent and indents its continuations, and drops no word", () => {
        const line = `  ✘ ${LONG_REASON}`;
        const out = fitWidth(line).split("\n");
        assert.ok(out.length > 1);
        assert.ok(out.every((l) => [...l].length <= 120), out.join("\n"));
        assert.ok(out[0].startsWith("  ✘ backend step 2"));
        assert.ok(out.slice(1).every((l) => l.startsWith("      ") && !l.startsWith("       ")), "continuations 4 deeper than the line");
        assert.equal(out.map((l) => l.trim()).join(" "), line.trim(), "every word kept, in order");
    });

    it("leaves lines that fit alone, and keeps a word longer than the room (a path) whole, to copy", () => {
        assert.equal(fitWidth("  applied in 6488 ms: green 100% / blue 0%"), "  applied in 6488 ms: green 100% / blue 0%");
        const file = `/tmp/${"x".repeat(130)}/report.md`;
        assert.deepEqual(fitWidth(`report: ${file}`).split("\n"), ["report:", `    ${file}`]);
    });

    it("the plain view (CI) wraps events and final lines", () => {
        let out = "";
        const view = plainView((t) => (out += t));
        view.event({ type: "rollback-start", stage: "production", reason: LONG_REASON } as PromotionEvent);
        view.line(`ROLLED-BACK: ${LONG_REASON}`);
        const lines = out.trimEnd().split("\n");
        assert.ok(lines.every((l) => [...l].length <= 120), out);
        assert.match(lines.find((l) => l.startsWith("ROLLED-BACK"))!, /^ROLLED-BACK: backend step 2 \(send 50% of traffic/);
    });

    it("the live view prints each step's header above that step's lines", () => {
        const stream = Object.assign(new PassThrough(), { columns: 200, isTTY: true }) as unknown as NodeJS.WriteStream;
        let written = "";
        (stream as unknown as PassThrough).on("data", (chunk: Buffer) => (written += chunk.toString()));
        const view = liveView(stream);
        view.event({ type: "step-start", stage: "production", service: "backend", index: 1, total: 5, summary: "send 25% of traffic to 2.1.0" } as PromotionEvent);
        view.event({ type: "step-applied", stage: "production", service: "backend", engineMs: 6049, traffic: { stable: 75, canary: 25 } } as unknown as PromotionEvent);
        view.event({ type: "step-done", stage: "production", service: "backend", verification: { outcome: "pass", reason: "passed after 6 s" } } as unknown as PromotionEvent);
        view.close();
        const text = stripVTControlCharacters(written);
        const header = text.indexOf("production/backend step 1/5: send 25% of traffic to 2.1.0");
        const applied = text.indexOf("applied in 6049 ms");
        assert.ok(header >= 0 && applied > header, text);
        assert.ok(text.indexOf("✔ passed after 6 s") > applied);
    });
});
