// The judges on real traffic: the local platform's Prometheus (components/local/runtime) scraping
// real shop processes (examples/shop) under generated load, read by the real PrometheusSource and
// judged by the real analysis run (runAnalysis), the thresholds and the sequential judge side by
// side on the same traffic, at the same moments. Not through `shipgate promote` (no Pulumi up, no
// router): the tracks get their shares of traffic from the load generator directly.
//
//   ./dev.sh run npm run bench:judge-local      (HEALTHY_STEPS=20 by default)
//
// 1. A release with 20% errors (the stable has 1%): canary requests and seconds to the failure.
// 2. HEALTHY_STEPS healthy releases in a row (the canary has the stable's 1%): how many fail.
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AnalysisSchema } from "../components/release/analysis";
import { prometheusPaths, startPrometheus, writeTargets } from "../components/local/runtime/prometheus-control";
import { Traffic } from "../stacks/demo/traffic";
import { runAnalysis } from "../stacks/automation/verify/analysis-run";
import type { AnalysisResult } from "../stacks/automation/verify/analysis-types";
import { PrometheusSource } from "../stacks/automation/verify/prometheus-source";
import { Processes, sleep, startShop } from "../tests/integration/verify/loopback";

const HEALTHY_STEPS = Number(process.env.HEALTHY_STEPS ?? 20);
const BASE = 24600;
const PROM = BASE;
const PORTS = { stable: BASE + 1, bad: BASE + 2, good: BASE + 3 } as const;
/** Requests per second to each track: the canary gets a quarter of what the stable gets. */
const RATE = { stable: 30, bad: 10, good: 10 } as const;
const INTERVAL = 3;

function requestsToDecision(r: AnalysisResult): number {
    // increase() extrapolates to fractions: people read whole requests.
    return Math.round(r.measurements.reduce((sum, m) => sum + (m.candidate?.requests ?? 0), 0));
}

async function main(): Promise<void> {
    const processes = new Processes();
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-bench-judge-"));
    const load: Traffic[] = [];
    try {
        const paths = prometheusPaths(path.join(dir, "prometheus"));
        await processes.start("bench-judge/prometheus", () => startPrometheus("bench-judge/prometheus", paths, { port: PROM, scrapeIntervalSeconds: 1 }));
        const faults = { stable: { errorRate: 0.01 }, bad: { errorRate: 0.2 }, good: { errorRate: 0.01 } };
        const versions = { stable: "1.0.0", bad: "2.0.0", good: "2.1.0" };
        await Promise.all(
            (Object.keys(PORTS) as (keyof typeof PORTS)[]).map((track) =>
                startShop(processes, { id: `bench-judge/shop/${track}`, port: PORTS[track], track, version: versions[track], dir, faults: faults[track] }),
            ),
        );
        writeTargets(
            paths,
            "backend",
            Object.values(PORTS).map((port) => ({ port, labels: {} })),
        );
        for (const track of Object.keys(PORTS) as (keyof typeof PORTS)[]) {
            load.push(new Traffic([`http://127.0.0.1:${PORTS[track]}/api/items`], { ratePerSecond: RATE[track], maxSeconds: 3600 }).start());
        }
        // Let the series exist and be scraped before the first step (increase() counts from a series' first sample).
        await sleep(8_000);
        const source = new PrometheusSource({ url: `http://127.0.0.1:${PROM}`, timeoutSeconds: 5 });
        const step = (judge: "thresholds" | "sequential", candidateTrack: string, bakeSeconds: number) =>
            runAnalysis({
                analysis: AnalysisSchema.parse({ judge, intervalSeconds: INTERVAL, minRequests: 20 }),
                bakeSeconds,
                service: "backend",
                candidateTrack,
                baseline: { track: "stable" },
                source,
            });

        console.log(`# The judges on the local platform's Prometheus and shop processes`);
        console.log();
        console.log(`stable ${RATE.stable} req/s with 1% errors; canary ${RATE.bad} req/s; a measurement every ${INTERVAL} s; alpha 0.01`);
        console.log();
        console.log("## A release with 20% errors, both judges on the same traffic at the same time");
        console.log();
        console.log("| run | judge | outcome | canary requests to the decision | seconds | reason |");
        console.log("|---|---|---|---|---|---|");
        for (let run = 1; run <= 3; run++) {
            const [t, s] = await Promise.all([step("thresholds", "bad", 30), step("sequential", "bad", 30)]);
            for (const [name, r] of [
                ["thresholds", t],
                ["sequential", s],
            ] as const) {
                console.log(`| ${run} | ${name} | ${r.outcome} | ${requestsToDecision(r)} | ${(r.durationMs / 1000).toFixed(1)} | ${r.reason.slice(0, 160).replace(/\|/g, "/")} |`);
            }
        }
        console.log();
        console.log(`## ${HEALTHY_STEPS} healthy releases in a row (the canary has the stable's 1% errors), both judges on the same steps`);
        console.log();
        const failures = { thresholds: 0, sequential: 0 };
        const reasons: string[] = [];
        for (let i = 1; i <= HEALTHY_STEPS; i++) {
            const [t, s] = await Promise.all([step("thresholds", "good", 21), step("sequential", "good", 21)]);
            if (t.outcome !== "pass") {
                failures.thresholds++;
                reasons.push(`step ${i}, thresholds: ${t.reason.slice(0, 140)}`);
            }
            if (s.outcome !== "pass") {
                failures.sequential++;
                reasons.push(`step ${i}, sequential: ${s.reason.slice(0, 140)}`);
            }
            process.stderr.write(`step ${i}: thresholds ${t.outcome}, sequential ${s.outcome}\n`);
        }
        console.log(`| judge | healthy steps | failed |`);
        console.log(`|---|---|---|`);
        console.log(`| thresholds | ${HEALTHY_STEPS} | ${failures.thresholds} |`);
        console.log(`| sequential | ${HEALTHY_STEPS} | ${failures.sequential} |`);
        if (reasons.length) {
            console.log();
            for (const r of reasons) console.log(`- ${r}`);
        }
    } finally {
        await Promise.all(load.map((l) => l.stop()));
        await processes.stopAll();
        rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
