import { strict as assert } from "node:assert";
import { HealthCheckSchema, HealthResult, classifyHealth } from "../../../stacks/automation/verify/health-check";
import { HealthMonitor, describeHealthTrip, worstHealth } from "../../../stacks/automation/verify/health-monitor";

const at = "2026-11-23T10:00:00.000Z";
const body = (value: unknown) => JSON.stringify(value);
const report = (status: string, checks: Record<string, unknown> = { database: true, memory: true, errors: [] }) => ({ status, checks, timestamp: at });

describe("health schema", () => {
    it("accepts the seed's HealthCheck, extra boolean checks and extra top-level fields", () => {
        const parsed = HealthCheckSchema.parse({
            status: "ok",
            checks: { database: true, pioneer: true, websocket: true, memory: true, errors: [], backend: true },
            timestamp: at,
            service: "backend",
            version: "1.2.0",
        });
        assert.equal(parsed.checks.backend, true);
        assert.equal(parsed.version, "1.2.0");
    });

    it("accepts a report with no checks at all beyond an empty object", () => {
        assert.ok(HealthCheckSchema.safeParse({ status: "warning", checks: {}, timestamp: at }).success);
    });

    it("rejects an unknown status, a non-boolean check, errors that are not strings, a missing timestamp", () => {
        for (const bad of [
            { status: "healthy", checks: {}, timestamp: at },
            { status: "ok", checks: { database: "up" }, timestamp: at },
            { status: "ok", checks: { errors: [42] }, timestamp: at },
            { status: "ok", checks: {} },
            { status: "ok", timestamp: at },
        ]) {
            assert.equal(HealthCheckSchema.safeParse(bad).success, false, JSON.stringify(bad));
        }
    });
});

describe("health colors", () => {
    it("ok → GREEN with no reason", () => {
        const c = classifyHealth(200, body(report("ok")));
        assert.equal(c.color, "GREEN");
        assert.equal(c.status, "ok");
        assert.equal(c.reason, undefined);
    });

    it("warning → YELLOW (operational), with the errors it lists", () => {
        const c = classifyHealth(200, body(report("warning", { database: true, errors: ["injected fault of 3.0.0"] })));
        assert.equal(c.color, "YELLOW");
        assert.equal(c.reason, "status warning: errors: injected fault of 3.0.0");
    });

    it("error → RED even with HTTP 200", () => {
        const c = classifyHealth(200, body(report("error", { database: false, errors: [] })));
        assert.equal(c.color, "RED");
        assert.equal(c.reason, "status error: database failing");
    });

    it("HTTP 503 with the error report → RED naming the failing check", () => {
        const c = classifyHealth(503, body(report("error", { database: false, memory: true, errors: ["ECONNREFUSED db:5432"] })));
        assert.equal(c.color, "RED");
        assert.equal(c.status, "error");
        assert.equal(c.reason, "HTTP 503 (the service reports a failure), status error: database failing; errors: ECONNREFUSED db:5432");
    });

    it("HTTP 5xx → RED even when the body claims ok", () => {
        assert.equal(classifyHealth(500, body(report("ok"))).color, "RED");
    });

    it("HTTP 404 → RED: there is no health endpoint there", () => {
        const c = classifyHealth(404, "Not Found");
        assert.equal(c.color, "RED");
        assert.equal(c.reason, "HTTP 404 (no health endpoint at this URL)");
    });

    it("ok with a failing check or logged errors → YELLOW: GREEN means all checks passed", () => {
        const failing = classifyHealth(200, body(report("ok", { database: true, websocket: false })));
        assert.equal(failing.color, "YELLOW");
        assert.equal(failing.reason, "status ok, but websocket failing");
        const logged = classifyHealth(200, body(report("ok", { database: true, errors: ["a", "b", "c", "d"] })));
        assert.equal(logged.color, "YELLOW");
        assert.equal(logged.reason, "status ok, but errors: a; b; c (+1 more)");
    });

    it("a body that is not JSON → RED, showing how it starts", () => {
        const c = classifyHealth(200, "<html><body>It works!</body></html>");
        assert.equal(c.color, "RED");
        assert.match(c.reason!, /^answer is not JSON \(starts with "<html><body>It works!<\/body><\/html>"\)/);
        assert.match(classifyHealth(200, "").reason!, /answer is not JSON \(empty body\)/);
    });

    it("JSON that is not a HealthCheck → RED naming the field", () => {
        const c = classifyHealth(200, body({ status: "UP" }));
        assert.equal(c.color, "RED");
        assert.match(c.reason!, /^answer is not a HealthCheck: status: .*; checks: .*; timestamp: /);
    });
});

describe("health monitor", () => {
    const result = (color: HealthResult["color"], url = "http://127.0.0.1:1/health"): HealthResult => ({ url, at, color, latencyMs: 1 });

    it("fails at the third consecutive RED, not before", () => {
        const m = new HealthMonitor(3);
        assert.equal(m.record(result("RED")).failed, false);
        assert.equal(m.record(result("RED")).failed, false);
        const s = m.record(result("RED"));
        assert.equal(s.failed, true);
        assert.equal(s.consecutiveFailures, 3);
        assert.equal(s.color, "RED");
    });

    it("resets on GREEN and on YELLOW (warning but operational)", () => {
        const m = new HealthMonitor(3);
        for (const c of ["RED", "RED", "GREEN", "RED", "RED", "YELLOW", "RED", "RED"] as const) {
            m.record(result(c));
        }
        assert.equal(m.state.failed, false);
        assert.equal(m.state.consecutiveFailures, 2);
    });

    it("stays failed after a recovery: the failure has happened", () => {
        const m = new HealthMonitor(1);
        m.record(result("RED"));
        const s = m.record(result("GREEN"));
        assert.equal(s.failed, true);
        assert.equal(s.consecutiveFailures, 0);
    });

    it("counts a round with one RED endpoint among GREEN ones as RED", () => {
        const m = new HealthMonitor(2);
        m.record([result("GREEN", "http://a/health"), result("RED", "http://b/health")]);
        const s = m.record([result("RED", "http://a/health"), result("GREEN", "http://b/health")]);
        assert.equal(s.failed, true, "endpoints taking turns to fail still fail the step");
        assert.equal(s.last?.url, "http://a/health");
    });

    it("worstHealth picks RED over YELLOW over GREEN", () => {
        assert.equal(worstHealth([result("GREEN"), result("YELLOW"), result("GREEN")]).color, "YELLOW");
        assert.throws(() => worstHealth([]));
    });

    it("with failingForSeconds, fails once RED has lasted that long, before the count when checks are frequent", () => {
        // Checks every 2 s, 20 in a row allowed, but 10 s of RED is the limit (seed 003's "failing for N minutes").
        const m = new HealthMonitor(20, 10);
        assert.equal(m.record(result("RED"), 0).failed, false);
        assert.equal(m.record(result("RED"), 4_000).failed, false);
        assert.equal(m.record(result("GREEN"), 6_000).failingForMs, 0, "a break starts it again");
        for (const t of [8_000, 12_000, 16_000]) assert.equal(m.record(result("RED"), t).failed, false);
        const s = m.record(result("RED"), 18_000);
        assert.equal(s.failed, true);
        assert.equal(s.trippedBy, "duration");
        assert.equal(s.failingForMs, 10_000);
        assert.equal(describeHealthTrip(s), "RED for 10 s without a break (limit 10 s, 4 checks)");
    });

    it("with failingForSeconds, the count still fails first when checks are rare", () => {
        const m = new HealthMonitor(3, 600);
        for (const t of [0, 60_000]) m.record(result("RED"), t);
        const s = m.record(result("RED"), 120_000);
        assert.equal(s.trippedBy, "count");
        assert.equal(describeHealthTrip(s), "3 consecutive RED checks (limit 3)");
    });

    it("rejects a limit that is not a whole number of at least 1", () => {
        assert.throws(() => new HealthMonitor(3, 0), /failingForSeconds must be a whole number/);
        assert.throws(() => new HealthMonitor(0), /at least 1/);
        assert.throws(() => new HealthMonitor(2.5), /at least 1/);
    });
});
