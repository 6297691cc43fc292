import { strict as assert } from "node:assert";
import { AnalysisInput, AnalysisSchema } from "../../../components/release/analysis";
import { InvalidInputError } from "../../../components/release/errors";
import { runAnalysis } from "../../../stacks/automation/verify/analysis-run";
import { AnalysisEvent, AnalysisRunOptions } from "../../../stacks/automation/verify/analysis-types";
import { Measurement, MetricSourceError } from "../../../stacks/automation/verify/metric-source";
import { FakeClock, HEALTHY, ScriptedSource, scriptedHealth } from "./fakes";

const HEALTH_URL = "http://127.0.0.1:24999/health";

/** The protocol's defaults: measure every 30 s, health every 10 s, bake 5 minutes. */
function setup(
    answer: (track: string, n: number) => Measurement,
    health: (n: number, elapsedSeconds: number) => "GREEN" | "YELLOW" | "RED" = () => "GREEN",
    analysis: AnalysisInput = {},
) {
    const clock = new FakeClock();
    const source = new ScriptedSource(clock, (q, n) => answer(q.track, n));
    const checker = scriptedHealth(clock, health);
    const events: AnalysisEvent[] = [];
    const options: AnalysisRunOptions = {
        // These tests are about the run's rules, with the thresholds judge's verdicts (the sequential judge has its own below).
        analysis: AnalysisSchema.parse({ judge: "thresholds", ...analysis }),
        bakeSeconds: 300,
        service: "backend",
        candidateTrack: "canary",
        baseline: { track: "stable" },
        source,
        healthUrls: [HEALTH_URL],
        clock,
        sleep: clock.sleep,
        checkHealth: checker.check,
        onEvent: (e) => events.push(e),
    };
    return { clock, source, checker, events, options };
}

const fine = () => HEALTHY;

describe("analysis run", () => {
    it("passes a healthy candidate when the 5-minute bake ends, with every figure recorded", async () => {
        const { clock, source, checker, events, options } = setup(fine);
        const result = await runAnalysis(options);

        assert.equal(result.outcome, "pass");
        assert.equal(clock.elapsedSeconds(), 300, "no longer than the bake");
        assert.equal(result.durationMs, 300_000);
        assert.equal(result.extendedMs, 0);
        // Measured one interval into the step (its window covers only the step), then every 30 s.
        assert.deepEqual(
            source.callsFor("canary").map((c) => c.elapsedSeconds),
            [30, 60, 90, 120, 150, 180, 210, 240, 270, 300],
        );
        assert.deepEqual(
            source.callsFor("stable").map((c) => c.elapsedSeconds),
            [30, 60, 90, 120, 150, 180, 210, 240, 270, 300],
            "the baseline is measured in the same window",
        );
        assert.ok(source.calls.every((c) => c.query.windowSeconds === 30 && c.query.service === "backend"));
        // Health at once, then every 10 s to the end of the bake.
        assert.equal(checker.calls.length, 31);
        assert.deepEqual(checker.calls.slice(0, 3), [0, 10, 20]);
        assert.equal(checker.calls.at(-1), 300);

        assert.equal(result.measurements.length, 10);
        assert.equal(result.health.length, 31);
        assert.ok(result.measurements.every((m) => m.verdict.outcome === "pass" && m.baselineLabel === "stable"));
        assert.equal(result.measurements[0].elapsedMs, 30_000);
        assert.deepEqual(result.measurements[0].candidate, HEALTHY);
        assert.equal(result.lastHealthColor, "GREEN");
        assert.match(result.reason, /^passed after 300 s; last verdict: error rate 0\.5% ≤ 5\.0%.*; health GREEN \(31 rounds\)$/);
        assert.equal(result.startedAt, new Date(clock.start).toISOString());
        assert.equal(result.finishedAt, new Date(clock.start + 300_000).toISOString());

        assert.equal(events[0].type, "started");
        assert.equal(events.at(-1)!.type, "finished");
        assert.equal(events.filter((e) => e.type === "measurement").length, 10);
        assert.equal(events.filter((e) => e.type === "health").length, 31);
    });

    it("fails at the first failed verdict, with the figure that failed it", async () => {
        const { clock, source, options } = setup((track, n) => (track === "canary" && n >= 3 ? { requests: 500, errors: 100, p95Ms: 40 } : HEALTHY));
        const result = await runAnalysis(options);

        assert.equal(result.outcome, "fail");
        assert.deepEqual(result.causes, ["verdict"]);
        assert.equal(clock.elapsedSeconds(), 90, "stops at the third measurement, not at the end of the bake");
        assert.equal(source.callsFor("canary").length, 3);
        assert.match(result.reason, /^canary failed the analysis: error rate 20\.0% > 5\.0%/);
        const last = result.measurements.at(-1)!;
        assert.equal(last.verdict.outcome, "fail");
        assert.equal(last.verdict.checks.find((c) => c.name === "error-rate")?.value, 0.2);
    });

    it("fails on latency against the stable track measured in the same window", async () => {
        const { options } = setup((track) => (track === "canary" ? { requests: 500, errors: 0, p95Ms: 180 } : { requests: 900, errors: 0, p95Ms: 60 }));
        const result = await runAnalysis(options);
        assert.equal(result.outcome, "fail");
        assert.match(result.reason, /P95 180 ms > 120 ms \(2× stable 60\.0 ms, and 120 ms above it ≥ 25\.0 ms\)/);
    });

    it("fails after inconclusiveLimit inconclusive verdicts in a row when the source does not answer", async () => {
        const { clock, options } = setup(() => {
            throw new MetricSourceError("prometheus http://127.0.0.1:9090", "requests query got no answer: connection refused");
        });
        const result = await runAnalysis(options);

        assert.equal(result.outcome, "fail");
        assert.deepEqual(result.causes, ["inconclusive"]);
        assert.equal(clock.elapsedSeconds(), 120, "the 4th inconclusive result (defaults: limit 4, every 30 s)");
        assert.deepEqual(
            result.measurements.map((m) => m.inconclusiveStreak),
            [1, 2, 3, 4],
        );
        assert.match(result.reason, /^4 inconclusive analyses in a row \(limit 4\); last: no measurement of canary: prometheus .*connection refused/);
        assert.match(result.measurements[0].candidateError!, /connection refused/);
    });

    it("resets the inconclusive count on a passing verdict", async () => {
        // Low traffic for two windows, a good one, then low again: never four in a row.
        const thin = { requests: 5, errors: 0, p95Ms: 40 };
        const { options } = setup((track, n) => (track === "canary" && [1, 2, 4, 5, 7, 8].includes(n) ? thin : HEALTHY));
        const result = await runAnalysis(options);
        assert.equal(result.outcome, "pass");
        assert.deepEqual(
            result.measurements.map((m) => m.inconclusiveStreak),
            [1, 2, 0, 1, 2, 0, 1, 2, 0, 0],
        );
    });

    it("follows a configured inconclusiveLimit", async () => {
        const { clock, options } = setup((track) => (track === "canary" ? { requests: 2, errors: 0 } : HEALTHY), undefined, { inconclusiveLimit: 2 });
        const result = await runAnalysis(options);
        assert.equal(result.outcome, "fail");
        assert.equal(clock.elapsedSeconds(), 60);
        assert.match(result.reason, /only 2 requests \(< 20\): too little traffic to judge/);
    });

    it("fails at the third consecutive RED health check", async () => {
        const { clock, options } = setup(fine, (_n, t) => (t >= 20 ? "RED" : "GREEN"));
        const result = await runAnalysis(options);

        assert.equal(result.outcome, "fail");
        assert.deepEqual(result.causes, ["health"]);
        assert.equal(clock.elapsedSeconds(), 40, "RED at 20, 30 and 40 s");
        assert.deepEqual(
            result.health.map((h) => [h.color, h.consecutiveFailures]),
            [
                ["GREEN", 0],
                ["GREEN", 0],
                ["RED", 1],
                ["RED", 2],
                ["RED", 3],
            ],
        );
        assert.match(result.reason, /^health: 3 consecutive RED checks \(limit 3\); last: http:\/\/127\.0\.0\.1:24999\/health: HTTP 503/);
        assert.equal(result.lastHealthColor, "RED");
    });

    it("with health.failingForSeconds, fails once health has been RED that long, before the count", async () => {
        // Checks every 5 s, 20 in a row allowed: 15 s of RED without a break is the limit that fires.
        const { clock, options } = setup(fine, (_n, t) => (t >= 20 ? "RED" : "GREEN"), { health: { intervalSeconds: 5, consecutiveFailures: 20, failingForSeconds: 15 } });
        const result = await runAnalysis(options);
        assert.equal(result.outcome, "fail");
        assert.deepEqual(result.causes, ["health"]);
        assert.equal(clock.elapsedSeconds(), 35, "RED from 20 s: 15 s later, at the fourth RED check");
        assert.match(result.reason, /^health: RED for 15 s without a break \(limit 15 s, 4 checks\); last: http:\/\/127\.0\.0\.1:24999\/health: HTTP 503/);
    });

    it("with health.allowYellow, does not fail on two RED checks followed by a YELLOW one", async () => {
        const { options } = setup(fine, (n) => (n % 3 === 0 ? "YELLOW" : "RED"), { health: { allowYellow: true } });
        const result = await runAnalysis(options);
        assert.equal(result.outcome, "pass");
        assert.equal(result.health[30].color, "RED", "the check at the end of the bake (300 s) is RED...");
        // ...and the bake cannot end on a RED check: it is extended until health is not RED (RED at 310, YELLOW at 320).
        assert.deepEqual(
            result.health.slice(30).map((h) => [h.elapsedMs / 1000, h.color, h.consecutiveFailures]),
            [
                [300, "RED", 1],
                [310, "RED", 2],
                [320, "YELLOW", 0],
            ],
        );
        assert.equal(result.lastHealthColor, "YELLOW");
        assert.equal(result.extendedMs, 20_000);
    });

    describe("GREEN to proceed (seed 000: every check GREEN)", () => {
        it("does not pass a bake that ends YELLOW: it measures on, then fails on health, naming the yellow check", async () => {
            const { clock, events, options } = setup(fine, (_n, t) => (t >= 280 ? "YELLOW" : "GREEN"));
            const result = await runAnalysis(options);
            assert.equal(result.outcome, "fail");
            assert.deepEqual(result.causes, ["health"], "only YELLOW kept it from passing: a health stop, not unresolved evidence");
            assert.equal(clock.elapsedSeconds(), 420, "extended to its bound (4 measurement intervals)");
            assert.equal(result.lastHealthColor, "YELLOW");
            assert.match(
                result.reason,
                /^the bake ended after 300 s and 120 s more did not resolve it: health is YELLOW, not GREEN \(http:\/\/127\.0\.0\.1:24999\/health: status warning: websocket failing; health\.allowYellow lets YELLOW pass\)$/,
            );
            const extended = events.find((e) => e.type === "extended");
            assert.ok(extended && extended.type === "extended" && /health is YELLOW/.test(extended.reason), "the live view says what it waits for");
        });

        it("passes once a YELLOW at the end of the bake turns GREEN", async () => {
            const { clock, options } = setup(fine, (_n, t) => (t >= 290 && t < 320 ? "YELLOW" : "GREEN"));
            const result = await runAnalysis(options);
            assert.equal(result.outcome, "pass");
            assert.equal(clock.elapsedSeconds(), 320);
            assert.match(result.reason, /health GREEN/);
        });

        it("with health.allowYellow, passes a bake that ends YELLOW when it ends", async () => {
            const { clock, options } = setup(fine, (_n, t) => (t >= 280 ? "YELLOW" : "GREEN"), { health: { allowYellow: true } });
            const result = await runAnalysis(options);
            assert.equal(result.outcome, "pass");
            assert.equal(clock.elapsedSeconds(), 300);
            assert.match(result.reason, /health YELLOW \(31 rounds\)$/);
        });
    });

    it("reports both rules when health and the verdict fail in the same round", async () => {
        const { options } = setup(
            (track, n) => (track === "canary" && n === 1 ? { requests: 100, errors: 50 } : HEALTHY),
            (_n, t) => (t >= 10 ? "RED" : "GREEN"),
        );
        const result = await runAnalysis(options);
        assert.deepEqual(result.causes, ["health", "verdict"]);
        assert.match(result.reason, /^health: 3 consecutive RED .* \| canary failed the analysis: error rate 50\.0% > 5\.0%/);
    });

    describe("when the bake ends inconclusive", () => {
        it("keeps measuring and passes on the next passing verdict", async () => {
            const { clock, events, options } = setup((track, n) => (track === "canary" && n === 10 ? { requests: 3, errors: 0 } : HEALTHY));
            const result = await runAnalysis(options);
            assert.equal(result.outcome, "pass");
            assert.equal(clock.elapsedSeconds(), 330);
            assert.equal(result.extendedMs, 30_000);
            const extended = events.find((e) => e.type === "extended");
            assert.ok(extended && extended.type === "extended");
            assert.match(extended.reason, /^bake over but the last verdict is inconclusive \(only 3 requests \(< 20\)/);
            assert.match(extended.reason, /measuring on, for at most 120 s$/);
        });

        it("fails at the inconclusive limit if the evidence never comes", async () => {
            const { clock, options } = setup((track, n) => (track === "canary" && n >= 9 ? { requests: 3, errors: 0 } : HEALTHY));
            const result = await runAnalysis(options);
            assert.equal(result.outcome, "fail");
            assert.deepEqual(result.causes, ["inconclusive"]);
            assert.equal(clock.elapsedSeconds(), 360, "inconclusive at 270, 300, then 330 and 360");
        });

        it("fails when the extension runs out without a passing verdict and a non-RED check together", async () => {
            // Verdicts and health alternate out of step: neither rule ever fires, the evidence never agrees.
            const { clock, options } = setup(
                (track, n) => (track === "canary" && n % 2 === 0 ? { requests: 3, errors: 0 } : HEALTHY),
                (n) => (n % 2 === 0 ? "RED" : "GREEN"),
                { intervalSeconds: 10, inconclusiveLimit: 2, health: { intervalSeconds: 10 } },
            );
            const result = await runAnalysis({ ...options, bakeSeconds: 30 });
            assert.equal(result.outcome, "fail");
            assert.deepEqual(result.causes, ["unresolved"]);
            assert.equal(clock.elapsedSeconds(), 60, "bake 30 s + at most max(2 × 10, 3 × 10) s");
            assert.match(result.reason, /^the bake ended after 30 s and 30 s more did not resolve it: /);
        });
    });

    describe("baselines", () => {
        it("does not fail the candidate when the stable track has too little traffic", async () => {
            const { options } = setup((track) => (track === "stable" ? { requests: 4, errors: 0, p95Ms: 2 } : { requests: 300, errors: 9, p95Ms: 40 }));
            const result = await runAnalysis(options);
            assert.equal(result.outcome, "pass");
            assert.match(result.lastVerdict!.summary, /relative checks skipped: stable has 4 requests \(< 20\)/);
        });

        it("judges on the absolute thresholds when the baseline query fails, and keeps the error", async () => {
            const { options } = setup((track) => {
                if (track === "stable") throw new MetricSourceError("scripted", "stable query timed out");
                return HEALTHY;
            });
            const result = await runAnalysis(options);
            assert.equal(result.outcome, "pass");
            assert.equal(result.measurements[0].baselineError, "scripted: stable query timed out");
            assert.match(result.measurements[0].verdict.checks[2].detail, /no stable measurement \(scripted: stable query timed out\)/);
        });

        it("compares with fixed figures for blue-green, measuring only the candidate", async () => {
            const { source, options } = setup(() => ({ requests: 400, errors: 0, p95Ms: 150 }));
            const result = await runAnalysis({
                ...options,
                candidateTrack: "green",
                baseline: { measurement: { requests: 2000, errors: 2, p95Ms: 50 }, label: "blue before the switch" },
            });
            assert.equal(result.outcome, "fail");
            assert.match(result.reason, /^green failed the analysis: P95 150 ms > 100 ms \(2× blue before the switch 50\.0 ms, and 100 ms above it ≥ 25\.0 ms\)/);
            assert.deepEqual([...new Set(source.calls.map((c) => c.query.track))], ["green"]);
        });

        it("applies only the absolute thresholds without a baseline", async () => {
            const { options } = setup(() => ({ requests: 400, errors: 12, p95Ms: 900 }));
            const result = await runAnalysis({ ...options, baseline: undefined });
            assert.equal(result.outcome, "pass", "3% errors and any P95 pass without a reference or a P95 ceiling");
        });
    });

    it("runs on health alone (a preview endpoint), passing at the end of the bake", async () => {
        const { clock, options } = setup(fine);
        const result = await runAnalysis({ ...options, source: undefined, baseline: undefined, bakeSeconds: 60 });
        assert.equal(result.outcome, "pass");
        assert.equal(result.measurements.length, 0);
        assert.equal(result.health.length, 7);
        assert.equal(clock.elapsedSeconds(), 60);
    });

    it("takes one measurement at once when the bake is 0 s", async () => {
        const { source, options } = setup(fine);
        const result = await runAnalysis({ ...options, bakeSeconds: 0 });
        assert.equal(result.outcome, "pass");
        assert.deepEqual(
            source.callsFor("canary").map((c) => c.elapsedSeconds),
            [0],
        );
    });

    it("moves the last measurement onto the end of a bake that is not a multiple of the interval", async () => {
        const { source, options } = setup(fine);
        await runAnalysis({ ...options, bakeSeconds: 100, windowSeconds: 60 });
        assert.deepEqual(
            source.callsFor("canary").map((c) => c.elapsedSeconds),
            [30, 60, 90, 100],
        );
        assert.ok(source.calls.every((c) => c.query.windowSeconds === 60));
    });

    describe("interruption", () => {
        it("stops at once when aborted between rounds and returns what it had", async () => {
            const { clock, source, options } = setup(fine);
            const controller = new AbortController();
            const result = await runAnalysis({
                ...options,
                signal: controller.signal,
                onEvent: (e) => {
                    if (e.type === "measurement" && e.round.index === 2) controller.abort(new Error("interrupted by SIGINT"));
                },
            });
            assert.equal(result.outcome, "aborted");
            assert.equal(result.reason, "aborted: interrupted by SIGINT");
            assert.equal(clock.elapsedSeconds(), 60);
            assert.equal(result.measurements.length, 2);
            assert.equal(source.callsFor("canary").length, 2);
        });

        it("does not record a round cut short by the interruption", async () => {
            const clock = new FakeClock();
            const controller = new AbortController();
            const source = new ScriptedSource(clock, (_q, n) =>
                n < 2
                    ? HEALTHY
                    : new Promise<Measurement>((_resolve, reject) => {
                          controller.abort(new Error("SIGTERM"));
                          reject(new Error("The operation was aborted"));
                      }),
            );
            const result = await runAnalysis({
                ...setup(fine).options,
                source,
                clock,
                sleep: clock.sleep,
                healthUrls: [],
                signal: controller.signal,
            });
            assert.equal(result.outcome, "aborted");
            assert.equal(result.measurements.length, 1);
        });

        it("returns promptly on the real clock, mid-sleep, long before the bake ends", async () => {
            const { options } = setup(fine);
            const controller = new AbortController();
            const started = Date.now();
            setTimeout(() => controller.abort(new Error("SIGINT")), 50);
            const result = await runAnalysis({ ...options, clock: undefined, sleep: undefined, signal: controller.signal });
            assert.equal(result.outcome, "aborted");
            assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
            assert.equal(result.health.length, 1, "only the check at t=0 ran");
        });

        it("returns aborted without a round when the signal is already aborted", async () => {
            const { source, options } = setup(fine);
            const result = await runAnalysis({ ...options, signal: AbortSignal.abort(new Error("cancelled")) });
            assert.equal(result.outcome, "aborted");
            assert.equal(source.calls.length, 0);
            assert.equal(result.health.length, 0);
        });
    });

    it("ignores a live view that throws", async () => {
        const { options } = setup(fine);
        const result = await runAnalysis({
            ...options,
            onEvent: () => {
                throw new Error("terminal went away");
            },
        });
        assert.equal(result.outcome, "pass");
    });

    it("turns a health checker that throws into a RED check, not a crash", async () => {
        const { options } = setup(fine);
        const result = await runAnalysis({
            ...options,
            checkHealth: async () => {
                throw new Error("socket hang up");
            },
        });
        assert.equal(result.outcome, "fail");
        assert.match(result.reason, /health: 3 consecutive RED checks .*health check failed: socket hang up/);
    });

    it("rejects options that cannot verify anything, with the problem named", async () => {
        const { options } = setup(fine);
        const rejects = async (patch: Partial<AnalysisRunOptions>, message: RegExp) => {
            await assert.rejects(runAnalysis({ ...options, ...patch }), (err: unknown) => {
                assert.ok(err instanceof InvalidInputError, String(err));
                assert.match(err.message, message);
                return true;
            });
        };
        await rejects({ source: undefined, healthUrls: [] }, /nothing to verify: give a metric source, health URLs, or both/);
        await rejects({ baseline: { track: "canary" } }, /baseline\.track: the baseline is the candidate's own track canary/);
        await rejects({ bakeSeconds: -1 }, /bakeSeconds/);
        await rejects({ healthUrls: ["127.0.0.1:8080/health"] }, /healthUrls\[0\]: health URLs are http\(s\) URLs/);
        await rejects({ service: "" }, /service is required/);
    });
});

describe("analysis run with the sequential judge", () => {
    it("measures each round since the last one (no request counted twice), asks for histograms, and keeps the step's evidence", async () => {
        const { clock, source, events, options } = setup(
            (track) => (track === "canary" ? { requests: 30, errors: 0, p95Ms: 40 } : { requests: 90, errors: 1, p95Ms: 40 }),
            () => "GREEN",
            { judge: "sequential" },
        );
        const result = await runAnalysis({ ...options, bakeSeconds: 100 });
        assert.equal(result.outcome, "pass", result.reason);
        assert.equal(result.judge, "sequential");
        assert.match(result.judgeDescription, /^sequential: alpha 0\.01 over 3 tests/);
        assert.equal(clock.elapsedSeconds(), 100);
        // Rounds at 30, 60, 90 and the bake's end at 100: windows 30, 30, 30 and the last 10 s.
        assert.deepEqual(source.callsFor("canary").map((c) => c.query.windowSeconds), [30, 30, 30, 10]);
        assert.ok(source.calls.every((c) => c.query.buckets === true));
        const started = events.find((e) => e.type === "started");
        assert.ok(started && started.type === "started" && /^sequential/.test(started.judge));
        // The traffic check counts the step, not the window.
        const traffic = result.lastVerdict!.checks.find((c) => c.name === "traffic")!;
        assert.equal(traffic.value, 120);
    });

    it("fails a 20%-error canary at its first measurement, with the e-value in the reason", async () => {
        const { clock, options } = setup(
            (track) => (track === "canary" ? { requests: 150, errors: 30 } : { requests: 450, errors: 5 }),
            () => "GREEN",
            { judge: "sequential" },
        );
        const result = await runAnalysis(options);
        assert.equal(result.outcome, "fail");
        assert.equal(clock.elapsedSeconds(), 30);
        assert.match(result.reason, /canary failed the analysis: .*e = [\d,.e]+ ≥ 300 \(3\/α\), 150 requests/);
    });

    it("keeps the thresholds judge's windows when the analysis asks for thresholds", async () => {
        const { source, options } = setup(fine);
        const result = await runAnalysis({ ...options, bakeSeconds: 100 });
        assert.equal(result.judge, "thresholds");
        assert.deepEqual(source.callsFor("canary").map((c) => c.query.windowSeconds), [30, 30, 30, 30]);
        assert.ok(source.calls.every((c) => c.query.buckets === undefined));
    });
});
