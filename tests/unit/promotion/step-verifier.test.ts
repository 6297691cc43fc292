import { strict as assert } from "node:assert";
import { parseReleaseState, planRelease } from "../../../components/release";
import { EngineStepVerifier } from "../../../stacks/automation/promotion/step-verifier";
import { StackOutputs } from "../../../stacks/automation/stack-outputs";
import { HealthResult, MetricSource } from "../../../stacks/automation/verify";

const outputs: StackOutputs = {
    environment: "production",
    platform: "local",
    deployOrder: ["backend"],
    metrics: {},
    services: {
        backend: {
            strategy: "canary",
            version: "1.0.0",
            endpoint: "http://live",
            previewEndpoint: "http://preview",
            tracks: {
                stable: { version: "1.0.0", image: "x", replicas: 1, weight: 75, endpoint: "http://stable" },
                canary: { version: "2.0.0", image: "x", replicas: 1, weight: 25, endpoint: "http://canary" },
            },
        },
    },
};

function health(colors: Record<string, ("GREEN" | "YELLOW" | "RED")[]>) {
    const seen: string[] = [];
    return {
        seen,
        check: async (url: string): Promise<HealthResult> => {
            seen.push(url);
            const host = new URL(url).host;
            const color = colors[host]?.shift() ?? "GREEN";
            const reason = color === "RED" ? "HTTP 503" : color === "YELLOW" ? "status warning: errors: cache miss storm" : undefined;
            return { url, at: new Date().toISOString(), color, latencyMs: 1, ...(reason ? { reason } : {}) };
        },
    };
}

const canarySteps = planRelease(parseReleaseState({ strategy: "canary", stable: "1.0.0", analysis: { health: { intervalSeconds: 1 } } }), { version: "2.0.0" }).steps;

describe("the step verifier", () => {
    it("checks the live endpoint and the stable track after the promote step, until GREEN", async () => {
        const h = health({ stable: ["RED", "GREEN"] });
        const verifier = new EngineStepVerifier({ sourceFor: () => undefined, healthTimeoutSeconds: () => 60, checkHealth: h.check, sleep: async () => undefined });
        const promoteStep = canarySteps.find((s) => s.kind === "canary-promote")!;
        const result = await verifier.verify({ stage: "production", service: "backend", step: promoteStep, healthPath: "/health", outputs });
        assert.equal(result.outcome, "pass");
        assert.deepEqual([...new Set(h.seen)].sort(), ["http://live/health", "http://stable/health"]);
        assert.equal(result.healthChecks, 2, "one RED round, then GREEN");
    });

    it("fails after the protocol's 3 consecutive failed health checks, naming the endpoint", async () => {
        const h = health({ live: ["RED", "RED", "RED", "GREEN"] });
        const verifier = new EngineStepVerifier({ sourceFor: () => undefined, healthTimeoutSeconds: () => 60, checkHealth: h.check, sleep: async () => undefined });
        const finalize = canarySteps.find((s) => s.kind === "canary-finalize")!;
        const result = await verifier.verify({ stage: "production", service: "backend", step: finalize, healthPath: "/health", outputs });
        assert.equal(result.outcome, "fail");
        assert.match(result.reason, /^3 consecutive failed health checks: http:\/\/live\/health HTTP 503/);
    });

    it("fails when health does not come within the stage's timeout", async () => {
        const h = health({ live: Array(1000).fill("RED") });
        const verifier = new EngineStepVerifier({
            sourceFor: () => undefined,
            healthTimeoutSeconds: () => 0,
            checkHealth: h.check,
            sleep: () => new Promise((r) => setTimeout(r, 5)),
        });
        const step = { ...canarySteps[4], state: parseReleaseState({ strategy: "canary", stable: "2.0.0", analysis: { health: { consecutiveFailures: 100 } } }) };
        const result = await verifier.verify({ stage: "production", service: "backend", step, healthPath: "/health", outputs });
        assert.equal(result.outcome, "fail");
        assert.match(result.reason, /not healthy within 0s/);
    });

    it("does not proceed on YELLOW: waits for GREEN, and fails at the timeout naming the yellow check", async () => {
        const h = health({ live: Array(1000).fill("YELLOW") });
        const verifier = new EngineStepVerifier({ sourceFor: () => undefined, healthTimeoutSeconds: () => 0, checkHealth: h.check, sleep: () => new Promise((r) => setTimeout(r, 5)) });
        const finalize = canarySteps.find((s) => s.kind === "canary-finalize")!;
        const result = await verifier.verify({ stage: "production", service: "backend", step: finalize, healthPath: "/health", outputs });
        assert.equal(result.outcome, "fail");
        assert.equal(result.healthColor, "YELLOW");
        assert.match(result.reason, /^still YELLOW after 0s, not GREEN \(health\.allowYellow lets YELLOW pass\): http:\/\/live\/health status warning: errors: cache miss storm$/);
        assert.equal(result.healthDetail?.color, "YELLOW");
    });

    it("proceeds once YELLOW turns GREEN, and on YELLOW where health.allowYellow is set", async () => {
        const finalize = canarySteps.find((s) => s.kind === "canary-finalize")!;
        const strict = health({ live: ["YELLOW", "YELLOW", "GREEN"] });
        const waits = new EngineStepVerifier({ sourceFor: () => undefined, healthTimeoutSeconds: () => 60, checkHealth: strict.check, sleep: async () => undefined });
        const waited = await waits.verify({ stage: "production", service: "backend", step: finalize, healthPath: "/health", outputs });
        assert.equal(waited.outcome, "pass");
        assert.equal(waited.healthChecks, 3);

        const lenient = health({ live: ["YELLOW", "GREEN"] });
        const allows = new EngineStepVerifier({ sourceFor: () => undefined, healthTimeoutSeconds: () => 60, checkHealth: lenient.check, sleep: async () => undefined });
        const step = { ...finalize, state: parseReleaseState({ strategy: "canary", stable: "2.0.0", analysis: { health: { allowYellow: true } } }) };
        const allowed = await allows.verify({ stage: "production", service: "backend", step, healthPath: "/health", outputs });
        assert.equal(allowed.outcome, "pass");
        assert.equal(allowed.healthChecks, 1);
        assert.match(allowed.reason, /^YELLOW \(allowed by health\.allowYellow\): http:\/\/live\/health status warning/);
    });

    it("analyses a canary step against the stable track with the stage's metric source", async () => {
        const queried: string[] = [];
        const source: MetricSource = {
            name: "fake",
            measure: async (q) => (queried.push(q.track), { requests: 100, errors: q.track === "canary" ? 20 : 0, p95Ms: 10 }),
        };
        let now = 0;
        const verifier = new EngineStepVerifier({
            sourceFor: () => source,
            healthTimeoutSeconds: () => 60,
            checkHealth: health({}).check,
            clock: { now: () => now },
            sleep: async (ms) => void (now += ms),
        });
        const result = await verifier.verify({ stage: "production", service: "backend", step: canarySteps[0], healthPath: "/health", outputs });
        assert.equal(result.outcome, "fail");
        // The default judge is the sequential one: the reason carries its evidence.
        assert.match(result.reason, /error rate 20\.0% above the 5\.0% ceiling: e = [\d,]+ ≥ 300 \(3\/α\), 100 requests/);
        assert.match(result.judge ?? "", /^sequential: alpha 0\.01 over 3 tests/);
        assert.ok(result.checks.some((c) => c.evidence && c.evidence.value >= c.evidence.bound));
        assert.deepEqual([...new Set(queried)].sort(), ["canary", "stable"]);
        assert.equal(result.candidate?.errorRate, 0.2);
    });
});
