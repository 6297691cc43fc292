import { strict as assert } from "node:assert";
import {
    InvalidInputError,
    ReleaseStateSchema,
    ServiceSpecSchema,
    parseReleaseState,
} from "../../../components/release";

/** Parses and returns the problems' text, so a test reads like the error a user sees. */
function problemsOf(input: unknown): string[] {
    try {
        parseReleaseState(input);
    } catch (err) {
        assert.ok(err instanceof InvalidInputError, `expected InvalidInputError, got ${err}`);
        return err.problems.map((p) => `${p.path}: ${p.message}`);
    }
    assert.fail(`expected ${JSON.stringify(input)} to be rejected`);
}

describe("release state schemas", () => {
    it("fills the protocol's defaults into a minimal canary", () => {
        const state = parseReleaseState({ strategy: "canary", stable: "1.0.0" });
        assert.equal(state.strategy, "canary");
        if (state.strategy !== "canary") return;
        assert.deepEqual(state.steps, [25, 50, 100]);
        assert.equal(state.weight, 0);
        assert.equal(state.bakeSeconds, 300);
        assert.equal(state.watchSeconds, 900);
        assert.equal(state.analysis.errorRate.max, 0.05);
        assert.equal(state.analysis.errorRate.maxIncreaseOverBaseline, 0.5);
        assert.equal(state.analysis.latency.p95MaxFactor, 2);
        assert.equal(state.analysis.health.consecutiveFailures, 3);
    });

    it("accepts a version shorthand and an explicit image", () => {
        const state = parseReleaseState({
            strategy: "canary",
            stable: { version: "1.0.0", image: "ghcr.io/acme/api@sha256:abc" },
            canary: "1.1.0",
            weight: 25,
        });
        assert.ok(state.strategy === "canary");
        assert.deepEqual(state.stable, { version: "1.0.0", image: "ghcr.io/acme/api@sha256:abc" });
        assert.deepEqual(state.canary, { version: "1.1.0" });
    });

    it("rejects steps that do not increase, naming the step and the fix", () => {
        const [problem] = problemsOf({ strategy: "canary", stable: "1", steps: [25, 25, 100] });
        assert.match(problem, /^release\.steps\[1\]: steps must be strictly increasing/);
        assert.match(problem, /e\.g\. \[25, 50, 100\]/);
    });

    it("rejects a step list that does not end at 100", () => {
        const [problem] = problemsOf({ strategy: "canary", stable: "1", steps: [10, 50] });
        assert.match(problem, /^release\.steps\[1\]: the last step must be 100/);
        assert.match(problem, /append 100, e\.g\. \[10, 50, 100\]/);
    });

    it("rejects weights outside 0-100 and weights that are not a step", () => {
        assert.match(problemsOf({ strategy: "canary", stable: "1", canary: "2", weight: 150 })[0], /^release\.weight: .*between 0 and 100/);
        assert.match(problemsOf({ strategy: "canary", stable: "1", canary: "2", weight: -1 })[0], /^release\.weight: .*between 0 and 100/);
        assert.match(problemsOf({ strategy: "canary", stable: "1", canary: "2", weight: 30 })[0], /^release\.weight: weight 30 is not one of the steps \[25, 50, 100\]/);
    });

    it("rejects a canary weight with no canary version", () => {
        assert.match(problemsOf({ strategy: "canary", stable: "1", weight: 25 })[0], /^release\.canary: canary is missing while weight is 25/);
    });

    it("rejects a missing or malformed version", () => {
        assert.match(problemsOf({ strategy: "canary" })[0], /^release\.stable: /);
        assert.match(problemsOf({ strategy: "rolling", current: "" })[0], /^release\.current\.version: version is empty/);
        assert.match(problemsOf({ strategy: "rolling", current: "1.0 beta" })[0], /^release\.current\.version: version must be/);
    });

    it("rejects an unknown color and an active color with no version", () => {
        assert.match(problemsOf({ strategy: "blueGreen", blue: "1", active: "red" })[0], /^release\.active: unknown color "red": use "blue" or "green"/);
        assert.match(problemsOf({ strategy: "blueGreen", blue: "1", active: "green" })[0], /^release\.green: the active color green has no version/);
    });

    it("rejects an unknown strategy", () => {
        assert.match(problemsOf({ strategy: "linear", stable: "1" })[0], /^release\.strategy: unknown strategy "linear": use one of canary, blueGreen, rolling/);
    });

    it("rejects a rolling update that could never progress", () => {
        assert.match(problemsOf({ strategy: "rolling", current: "1", maxSurge: 0, maxUnavailable: "0%" })[0], /^release\.maxUnavailable: maxSurge and maxUnavailable are both 0/);
    });

    it("rejects a rolling batch that names no next artifact, runs current's, or claims every replica", () => {
        assert.match(problemsOf({ strategy: "rolling", current: "1", weight: 50 })[0], /^release\.next: next is missing while weight is 50/);
        assert.match(problemsOf({ strategy: "rolling", current: "1", next: "1", weight: 50 })[0], /^release\.next: next runs the same artifact as current: remove next/);
        assert.match(problemsOf({ strategy: "rolling", current: "1", next: "2", weight: 100 })[0], /^release\.weight: weight is below 100 .* set current to next's artifact and remove next/);
        assert.equal(parseReleaseState({ strategy: "rolling", current: "1", next: "2", weight: 0 }).strategy, "rolling", "weight 0 is a rollback's first state: all traffic back on current");
    });

    it("rejects unknown keys instead of ignoring a typo", () => {
        const result = ReleaseStateSchema.safeParse({ strategy: "canary", stable: "1", stpes: [10, 100] });
        assert.equal(result.success, false);
        assert.deepEqual(result.error?.issues[0].path, []);
        assert.match(result.error!.issues[0].message, /stpes/);
    });

    it("reports every bad field of a service at once", () => {
        const result = ServiceSpecSchema.safeParse({
            image: "",
            port: 70000,
            healthPath: "health",
            release: { strategy: "canary", stable: "1" },
        });
        assert.equal(result.success, false);
        const paths = result.error!.issues.map((i) => i.path.join("."));
        assert.deepEqual(paths.sort(), ["healthPath", "image", "port"]);
    });
});
