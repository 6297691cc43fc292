// The judge bench: today's threshold judge, a Kayenta-style fixed-window Mann-Whitney judge and the
// sequential judge, side by side on the same simulated streams with known truth, each looked at
// after every analysis interval as the engine uses it. Seeded: the same numbers on every machine.
//
//   npm run bench:judge            (RUNS=200 for a quick look; default 1000 per case)
import { DEFAULT_ANALYSIS } from "../components/release/analysis";
import { JUDGES, JudgeName, StepOutcome, runStep } from "./judge-sim/run";
import { Scenario } from "./judge-sim/traffic";

const RUNS = Number(process.env.RUNS ?? 1000);
const BAKE_SECONDS = 300;
const analysis = DEFAULT_ANALYSIS;

const healthy: Scenario = { ratePerSecond: 20, share: 0.25, stableErrorRate: 0.01, canaryErrorRate: 0.01, medianMs: 50, sigma: 0.5, latencyFactor: 1 };

function quantile(xs: readonly number[], q: number): number {
    const s = [...xs].sort((a, b) => a - b);
    if (!s.length) return NaN;
    return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)}%`;
const num = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "—");

/** Runs a case RUNS times; seeds are the case's number and the run's, so every case is repeatable alone. */
function runCase(caseNo: number, scenario: Scenario): Record<JudgeName, StepOutcome[]> {
    const out = { thresholds: [], "kayenta-mw": [], sequential: [] } as Record<JudgeName, StepOutcome[]>;
    for (let i = 0; i < RUNS; i++) {
        const r = runStep(caseNo * 1_000_003 + i + 1, scenario, analysis, BAKE_SECONDS);
        for (const j of JUDGES) out[j].push(r[j]);
    }
    return out;
}

const started = Date.now();
console.log(`# Judge bench: ${RUNS} runs per case, seeded`);
console.log();
console.log(
    `Step: bake ${BAKE_SECONDS} s, a measurement every ${analysis.intervalSeconds} s, minRequests ${analysis.minRequests}, inconclusiveLimit ${analysis.inconclusiveLimit} ` +
        `(the engine's decision rules: analysis-decision.ts). Stable: error rate 1%, latency log-normal (median 50 ms, sigma 0.5, P95 ≈ 114 ms), ` +
        `the shop's histogram buckets. Judges: thresholds (the defaults), Kayenta-style Mann-Whitney on the per-interval error rate and P95 ` +
        `of the window so far (98% confidence, effect size 1.5 and 1.25), sequential (alpha ${analysis.alpha}).`,
);
console.log();
console.log("## Healthy canaries: false failures (the canary is identical to the stable)");
console.log();
console.log("failed by the verdict; in brackets, failed for too little traffic or evidence (inconclusive limit, unresolved after the bake)");
console.log();
console.log(`| traffic | canary share | ${JUDGES.join(" | ")} |`);
console.log(`|---|---|${JUDGES.map(() => "---").join("|")}|`);
let caseNo = 0;
const worst: Record<JudgeName, number> = { thresholds: 0, "kayenta-mw": 0, sequential: 0 };
const byCheck = new Map<string, number>();
let healthyRuns = 0;
for (const rate of [1, 5, 20, 50]) {
    for (const share of [0.1, 0.25, 0.5]) {
        const r = runCase(++caseNo, { ...healthy, ratePerSecond: rate, share });
        healthyRuns += RUNS;
        for (const o of r.thresholds) for (const c of o.cause === "verdict" ? (o.failedChecks ?? []) : []) byCheck.set(c, (byCheck.get(c) ?? 0) + 1);
        const cells = JUDGES.map((j) => {
            const verdict = r[j].filter((o) => o.outcome === "fail" && o.cause === "verdict").length;
            const thin = r[j].filter((o) => o.outcome === "fail" && o.cause !== "verdict").length;
            worst[j] = Math.max(worst[j], verdict / RUNS);
            return `${pct(verdict, RUNS)}${thin ? ` (${pct(thin, RUNS)})` : ""}`;
        });
        console.log(`| ${rate} req/s | ${share * 100}% | ${cells.join(" | ")} |`);
    }
}
console.log();
console.log(`The thresholds judge's false failures, by the check that failed (share of all healthy runs): ${[...byCheck].map(([c, n]) => `${c} ${pct(n, healthyRuns)}`).join(", ")}.`);
console.log();
console.log(`Worst false-failure rate by the verdict: ${JUDGES.map((j) => `${j} ${(worst[j] * 100).toFixed(1)}%`).join(", ")} (sequential's bound: alpha = ${analysis.alpha * 100}%).`);
console.log();

const regressions: [string, Partial<Scenario>][] = [
    ["errors 1% → 2%", { canaryErrorRate: 0.02 }],
    ["errors 1% → 5%", { canaryErrorRate: 0.05 }],
    ["errors 1% → 20%", { canaryErrorRate: 0.2 }],
    ["latency +30%", { latencyFactor: 1.3 }],
    ["latency ×2", { latencyFactor: 2 }],
];
const traffic: [number, number][] = [
    [20, 0.25],
    [5, 0.1],
];
console.log("## Regressions: time and canary requests to a failure");
console.log();
console.log(`median and p90 over all runs (a run not failed by the verdict counts as never: "—"); detected: failed by the verdict within the ${BAKE_SECONDS} s bake`);
console.log();
console.log("| regression | traffic | judge | detected in bake | median requests | p90 requests | median s | p90 s |");
console.log("|---|---|---|---|---|---|---|---|");
for (const [name, change] of regressions) {
    for (const [rate, share] of traffic) {
        const r = runCase(++caseNo, { ...healthy, ...change, ratePerSecond: rate, share });
        for (const j of JUDGES) {
            const detected = r[j].map((o) => (o.outcome === "fail" && o.cause === "verdict" ? o : undefined));
            const within = detected.filter((o) => o && o.seconds <= BAKE_SECONDS).length;
            const req = detected.map((o) => (o ? o.requests : Infinity));
            const sec = detected.map((o) => (o ? o.seconds : Infinity));
            console.log(
                `| ${name} | ${rate} req/s, ${share * 100}% | ${j} | ${pct(within, RUNS)} | ${num(quantile(req, 0.5))} | ${num(quantile(req, 0.9))} | ${num(quantile(sec, 0.5))} | ${num(quantile(sec, 0.9))} |`,
            );
        }
    }
}
console.log();
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
