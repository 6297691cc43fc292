import { strict as assert } from "node:assert";
import { describeState, parseReleaseState } from "../../../components/release";
import { lastGoodRelease } from "../../../stacks/automation/promotion/manual-rollback";
import { PromotionRecord } from "../../../stacks/automation/records/promotion-record";

function run(kind: "promote" | "rollback", from: string, to: string, result: PromotionRecord["result"] = "succeeded"): PromotionRecord {
    return {
        schemaVersion: 1,
        id: `${kind}-${from}-${to}`,
        kind,
        version: to,
        services: ["backend"],
        stages: ["production"],
        versions: [{ stage: "production", service: "backend", strategy: "canary", from, to, final: result === "succeeded" ? to : from }],
        approvers: [],
        startedAt: "2026-11-17T10:00:00Z",
        result,
        gates: [],
        steps: [],
        health: {},
        healthDetails: {},
        hooks: [],
    };
}

const settled = (version: string) => parseReleaseState({ strategy: "canary", stable: version });
const target = (state: ReturnType<typeof lastGoodRelease>) => (state ? describeState(state) : "none");

describe("the last good release (shipgate rollback's default target)", () => {
    it("is the version the newest successful promotion replaced", () => {
        assert.equal(target(lastGoodRelease("production", "backend", settled("2.0.0"), [run("promote", "1.0.0", "2.0.0")])), "stable 1.0.0 100%, no canary");
        assert.equal(
            target(lastGoodRelease("production", "backend", settled("3.0.0"), [run("promote", "1.0.0", "2.0.0"), run("promote", "2.0.0", "3.0.0")])),
            "stable 2.0.0 100%, no canary",
        );
    });

    it("ignores promotions that were rolled back", () => {
        assert.equal(
            target(lastGoodRelease("production", "backend", settled("2.0.0"), [run("promote", "1.0.0", "2.0.0"), run("promote", "2.0.0", "3.0.0", "rolled-back")])),
            "stable 1.0.0 100%, no canary",
        );
    });

    it("after a rollback, goes further back only if the log knows an earlier good version", () => {
        const history = [run("promote", "1.0.0", "2.0.0"), run("promote", "2.0.0", "3.0.0"), run("rollback", "3.0.0", "2.0.0")];
        assert.equal(target(lastGoodRelease("production", "backend", settled("2.0.0"), history)), "stable 1.0.0 100%, no canary");
        assert.equal(target(lastGoodRelease("production", "backend", settled("1.0.0"), [run("promote", "1.0.0", "2.0.0"), run("rollback", "2.0.0", "1.0.0")])), "none");
    });

    it("for a service left mid-promotion, is the newest good version (or the stable track without history)", () => {
        const midway = parseReleaseState({ strategy: "canary", stable: "2.0.0", canary: "3.0.0", weight: 50 });
        assert.equal(target(lastGoodRelease("production", "backend", midway, [run("promote", "1.0.0", "2.0.0")])), "stable 2.0.0 100%, no canary");
        assert.equal(target(lastGoodRelease("production", "backend", midway, [])), "stable 2.0.0 100%, no canary");
    });

    it("knows nothing for a settled service with no history", () => {
        assert.equal(target(lastGoodRelease("production", "backend", settled("1.0.0"), [])), "none");
    });
});
