import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AnalysisSchema } from "../../../components/release/analysis";
import { prometheusPaths, startPrometheus, writeTargets } from "../../../components/local/runtime/prometheus-control";
import { runAnalysis } from "../../../stacks/automation/verify/analysis-run";
import { judge } from "../../../stacks/automation/verify/judge";
import { Measurement, MetricSourceError, errorRate } from "../../../stacks/automation/verify/metric-source";
import { PrometheusSource } from "../../../stacks/automation/verify/prometheus-source";
import { createStepJudge } from "../../../stacks/automation/verify/step-judge";
import { Processes, drive, sleep, startShop } from "./loopback";

// A real Prometheus (Debian's 2.42) scraping real shop processes every second, real requests on
// loopback, and the PromQL the source writes by default. The tracks of service "backend":
//   stable  1.0.0, no faults             the baseline
//   canary  2.0.0, 30% of requests fail  must fail on the error rate
//   green   2.1.0, +300 ms per request   must fail on P95 against stable
//   blue    2.2.0, no faults             must pass
describe("prometheus source against a real Prometheus", function () {
    const BASE = 24200;
    const PROM = BASE;
    const PORTS = { stable: BASE + 1, canary: BASE + 2, green: BASE + 3, blue: BASE + 4 } as const;
    const WINDOW = 120;
    const processes = new Processes();
    let dir: string;
    let source: PrometheusSource;
    const figures: Record<string, Measurement> = {};
    /** The same windows with the latency histogram (a query with buckets: true). */
    const histograms: Record<string, Measurement> = {};
    const analysis = AnalysisSchema.parse({});
    const query = (track: string) => ({ service: "backend", track, windowSeconds: WINDOW });

    async function promQuery(q: string): Promise<any[]> {
        const res = await fetch(`http://127.0.0.1:${PROM}/api/v1/query?query=${encodeURIComponent(q)}`);
        return ((await res.json()) as any).data.result;
    }

    before(async function () {
        this.timeout(120_000);
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-verify-prom-"));
        const paths = prometheusPaths(path.join(dir, "prometheus"));
        await processes.start("verify-it/prometheus", () => startPrometheus("verify-it/prometheus", paths, { port: PROM, scrapeIntervalSeconds: 1 }));
        const faults: Record<string, Record<string, unknown>> = { canary: { errorRate: 0.3 }, green: { latencyMs: 300 } };
        const versions: Record<string, string> = { stable: "1.0.0", canary: "2.0.0", green: "2.1.0", blue: "2.2.0" };
        await Promise.all(
            Object.entries(PORTS).map(([track, port]) =>
                startShop(processes, { id: `verify-it/shop/${track}`, port, track, version: versions[track], dir, faults: faults[track] }),
            ),
        );
        writeTargets(
            paths,
            "backend",
            Object.values(PORTS).map((port) => ({ port, labels: {} })),
        );
        // Prometheus picks the targets up (file_sd refresh 1 s) and scrapes them.
        const deadline = Date.now() + 30_000;
        while ((await promQuery(`up{job="services"} == 1`).catch(() => [])).length < 4) {
            assert.ok(Date.now() < deadline, "Prometheus did not scrape the four shop processes within 30 s");
            await sleep(250);
        }

        const items = (track: keyof typeof PORTS) => `http://127.0.0.1:${PORTS[track]}/api/items`;
        // Warm-up: a counter series exists only after its first request, and increase() cannot
        // count what happened before a series' first sample; so create the series, let them be scraped.
        await Promise.all([drive(items("stable"), 30), drive(items("canary"), 30), drive(items("blue"), 30), drive(items("green"), 10)]);
        await sleep(2_500);
        // The traffic under test, with probes of /health that must not count as user traffic.
        const sent = await Promise.all([
            drive(items("stable"), 300),
            drive(items("canary"), 300),
            drive(items("blue"), 300),
            drive(items("green"), 100),
            drive(`http://127.0.0.1:${PORTS.stable}/health`, 200),
        ]);
        assert.equal(sent[0][200], 300);
        assert.ok(sent[1][500] > 50 && sent[1][500] < 130, `the canary failed ${sent[1][500]} of 300`);
        // Two more scrapes so the last requests are in.
        await sleep(2_500);

        source = new PrometheusSource({ url: `http://127.0.0.1:${PROM}`, timeoutSeconds: 5 });
        for (const track of Object.keys(PORTS)) {
            figures[track] = await source.measure(query(track));
            histograms[track] = await source.measure({ ...query(track), buckets: true });
        }
    });

    after(async function () {
        this.timeout(30_000);
        await processes.stopAll();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    // increase() counts from a series' first sample (so not the warm-up) and extrapolates to the
    // window's edges: over a ~6 s series scraped every second that adds up to ~25%. So 300 counted
    // requests read as 300-420, while counting the 200 /health probes too would read as 500 or more.
    const COUNTED = [270, 420];

    it("measures the stable track: about the requests sent, no errors, health probes left out, a small P95", () => {
        const m = figures.stable;
        assert.ok(m.requests >= COUNTED[0] && m.requests <= COUNTED[1], `stable requests ${m.requests} (300 sent after the warm-up, plus 200 /health probes)`);
        assert.equal(m.errors, 0);
        assert.ok(m.p95Ms !== undefined && m.p95Ms > 0 && m.p95Ms < 100, `stable P95 ${m.p95Ms} ms`);
    });

    it("measures the canary's error rate near its 30% fault", () => {
        const rate = errorRate(figures.canary)!;
        assert.ok(figures.canary.requests >= COUNTED[0] && figures.canary.requests <= COUNTED[1], `canary requests ${figures.canary.requests}`);
        assert.ok(rate >= 0.18 && rate <= 0.42, `canary error rate ${rate}`);
    });

    it("measures the slow track's P95 in the histogram bucket of its 300 ms", () => {
        const p95 = figures.green.p95Ms!;
        assert.ok(p95 >= 300 && p95 <= 500, `green P95 ${p95} ms`);
        assert.equal(figures.green.errors, 0);
    });

    it("the judge fails the canary on its error rate, both absolutely and against stable", () => {
        const v = judge(figures.canary, figures.stable, analysis, { baseline: "stable" });
        assert.equal(v.outcome, "fail");
        assert.equal(v.checks.find((c) => c.name === "error-rate")?.outcome, "fail");
        assert.equal(v.checks.find((c) => c.name === "error-rate-vs-baseline")?.outcome, "fail");
        assert.match(v.summary, /^error rate (1[89]|[23]\d|4[0-2])\.\d% > 5\.0%/);
    });

    it("the judge fails the slow track on P95 against stable, and passes the good one", () => {
        const slow = judge(figures.green, figures.stable, analysis, { baseline: "stable" });
        assert.equal(slow.outcome, "fail");
        assert.match(slow.summary, /^P95 \d{3} ms > \d+(\.\d)? ms \(2× stable/);
        const good = judge(figures.blue, figures.stable, analysis, { baseline: "stable" });
        assert.equal(good.outcome, "pass", good.summary);
    });

    it("gives the window's latency histogram when asked: ascending le in ms, +Inf counting every request", () => {
        assert.equal(figures.green.buckets, undefined, "not asked, not queried");
        for (const track of ["stable", "green"]) {
            const b = histograms[track].buckets!;
            assert.ok(b && b.length > 3, `${track}: ${JSON.stringify(b)}`);
            assert.equal(b.at(-1)!.leMs, Infinity);
            assert.ok(b.some((x) => x.leMs === 300), `${track}: the shop's 0.3 s bucket reads as 300 ms`);
            const all = b.at(-1)!.count;
            assert.ok(Math.abs(all - histograms[track].requests) <= 0.05 * all + 5, `${track}: +Inf ${all} vs requests ${histograms[track].requests}`);
        }
        // The slow track's 300 ms fault: (almost) nothing at or below 200 ms; the stable's all of it.
        const at = (m: Measurement, le: number) => m.buckets!.find((x) => x.leMs === le)!.count / m.buckets!.at(-1)!.count;
        assert.ok(at(histograms.green, 200) < 0.1, `green share ≤ 200 ms: ${at(histograms.green, 200)}`);
        assert.ok(at(histograms.stable, 200) > 0.9, `stable share ≤ 200 ms: ${at(histograms.stable, 200)}`);
    });

    it("the sequential judge fails the canary on its error rate against stable, with the evidence", () => {
        const sequential = createStepJudge(AnalysisSchema.parse({ judge: "sequential" }), { source, baseline: { track: "stable" } });
        const v = sequential.judge(histograms.canary, histograms.stable, { baseline: "stable" });
        assert.equal(v.outcome, "fail", v.summary);
        const c = v.checks.find((x) => x.name === "error-rate-vs-baseline")!;
        assert.equal(c.outcome, "fail");
        assert.ok(c.evidence!.value >= 300, JSON.stringify(c.evidence));
        assert.match(c.detail, /e = [\d,.e]+ ≥ 300 \(3\/α\), \d{3} requests$/);
    });

    it("the sequential judge fails the slow track on latency from its histograms (the first window sets the edge)", () => {
        const sequential = createStepJudge(AnalysisSchema.parse({ judge: "sequential" }), { source, baseline: { track: "stable" } });
        const first = sequential.judge(histograms.green, histograms.stable, { baseline: "stable" });
        assert.equal(first.checks.find((x) => x.name === "latency-vs-baseline")?.outcome, "inconclusive");
        const second = sequential.judge(histograms.green, histograms.stable, { baseline: "stable" });
        assert.equal(second.checks.find((x) => x.name === "latency-vs-baseline")?.outcome, "fail", second.summary);
        const good = createStepJudge(AnalysisSchema.parse({ judge: "sequential" }), { source, baseline: { track: "stable" } });
        good.judge(histograms.blue, histograms.stable, { baseline: "stable" });
        const blue = good.judge(histograms.blue, histograms.stable, { baseline: "stable" });
        assert.notEqual(blue.outcome, "fail", blue.summary);
    });

    it("a track that served nothing measures 0 requests, no P95: inconclusive, not a pass", async () => {
        const m = await source.measure(query("nonexistent"));
        assert.deepEqual(m, { requests: 0, errors: 0 });
        assert.equal(judge(m, figures.stable, analysis).outcome, "inconclusive");
    });

    it("a query Prometheus rejects is a MetricSourceError carrying Prometheus' message", async () => {
        const bad = new PrometheusSource({ url: `http://127.0.0.1:${PROM}`, queries: { requests: "sum(rate(http_requests_total{{selector}}[{{window}}]" } });
        await assert.rejects(bad.measure(query("stable")), (err: unknown) => {
            assert.ok(err instanceof MetricSourceError);
            assert.match(err.message, /^prometheus http:\/\/127\.0\.0\.1:24200: requests query failed: HTTP 400 bad_data: .*parse error/);
            return true;
        });
    });

    it("a custom query answering several series is refused, with the fix", async () => {
        const many = new PrometheusSource({
            url: `http://127.0.0.1:${PROM}`,
            queries: { requests: `sum by (track) (increase(http_requests_total{service="{{service}}"}[{{window}}]))` },
        });
        await assert.rejects(many.measure(query("stable")), /requests query answered 4 series .* expected one: wrap the query in sum\(\)/);
    });

    it("a whole analysis run fails the canary at its first measurement, and passes the good track", async function () {
        this.timeout(30_000);
        const fast = AnalysisSchema.parse({ judge: "thresholds", intervalSeconds: 1, health: { intervalSeconds: 1, timeoutSeconds: 2 } });
        const common = { analysis: fast, bakeSeconds: 3, service: "backend", baseline: { track: "stable" }, source, windowSeconds: WINDOW };

        const failed = await runAnalysis({ ...common, candidateTrack: "canary", healthUrls: [`http://127.0.0.1:${PORTS.canary}/health`] });
        assert.equal(failed.outcome, "fail");
        assert.deepEqual(failed.causes, ["verdict"]);
        assert.equal(failed.measurements.length, 1);
        assert.match(failed.reason, /^canary failed the analysis: error rate \d+\.\d% > 5\.0%/);
        assert.equal(failed.lastHealthColor, "YELLOW", "the canary's /health lists its recent errors: operational, with warnings");
        assert.ok(failed.durationMs >= 1_000 && failed.durationMs < 5_000, `took ${failed.durationMs} ms`);

        const passed = await runAnalysis({ ...common, candidateTrack: "blue", healthUrls: [`http://127.0.0.1:${PORTS.blue}/health`] });
        assert.equal(passed.outcome, "pass", passed.reason);
        assert.equal(passed.measurements.length, 3);
        assert.equal(passed.lastHealthColor, "GREEN");
        assert.ok(passed.durationMs >= 3_000 && passed.durationMs < 8_000, `took ${passed.durationMs} ms`);
    });

    // Last: it stops Prometheus.
    it("when Prometheus goes down, measuring is a MetricSourceError and the run fails as inconclusive", async function () {
        this.timeout(30_000);
        await processes.stop("verify-it/prometheus");
        await assert.rejects(source.measure(query("stable")), (err: unknown) => {
            assert.ok(err instanceof MetricSourceError);
            assert.match(err.message, /query got no answer: connection refused: nothing listens on 127\.0\.0\.1:24200/);
            return true;
        });
        const result = await runAnalysis({
            analysis: AnalysisSchema.parse({ intervalSeconds: 1, inconclusiveLimit: 2 }),
            bakeSeconds: 10,
            service: "backend",
            candidateTrack: "blue",
            baseline: { track: "stable" },
            source,
            windowSeconds: WINDOW,
        });
        assert.equal(result.outcome, "fail");
        assert.deepEqual(result.causes, ["inconclusive"]);
        assert.deepEqual(
            result.measurements.map((m) => m.verdict.outcome),
            ["inconclusive", "inconclusive"],
        );
        assert.match(result.reason, /^2 inconclusive analyses in a row \(limit 2\); last: no measurement of blue: prometheus .*connection refused/);
    });
});
