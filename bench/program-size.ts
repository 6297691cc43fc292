// Benchmark: the cost of building the stack program (under mocks) for 10, 100 and 500
// services. Prints the median of several runs per size and the cost per service, so the
// growth can be read off: per-service time and memory should stay flat (linear growth).
import { execFileSync } from "node:child_process";
import * as path from "node:path";

interface Sample {
    services: number;
    resources: number;
    ms: number;
    maxRssMb: number;
}

const sizes = (process.env.BENCH_SIZES ?? "10,100,500").split(",").map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const worker = path.join(__dirname, "program-size-worker.ts");

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function sample(n: number): Sample {
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", worker, String(n)], {
        encoding: "utf8",
        cwd: path.join(__dirname, ".."),
    });
    return JSON.parse(out.trim().split("\n").pop()!) as Sample;
}

// Baseline: one service, so the process cost (Node, the Pulumi SDK, ts-node) is left out of
// the per-service figures, which are the marginal cost of each further service.
const baseline = Array.from({ length: runs }, () => sample(1));
const baseMs = median(baseline.map((s) => s.ms));
const baseMb = median(baseline.map((s) => s.maxRssMb));
console.log(`program build under mocks, median of ${runs} runs (baseline, 1 service: ${baseMs.toFixed(1)} ms, ${baseMb.toFixed(0)} MB peak RSS)`);
console.log("services  resources  time ms  peak RSS MB  ms/service  MB/service (marginal, above the 1-service baseline)");
for (const n of sizes) {
    const samples = Array.from({ length: runs }, () => sample(n));
    const ms = median(samples.map((s) => s.ms));
    const mb = median(samples.map((s) => s.maxRssMb));
    console.log(
        [
            String(n).padStart(8),
            String(samples[0].resources).padStart(10),
            ms.toFixed(0).padStart(8),
            mb.toFixed(0).padStart(12),
            ((ms - baseMs) / (n - 1)).toFixed(2).padStart(11),
            ((mb - baseMb) / (n - 1)).toFixed(3).padStart(11),
        ].join(" "),
    );
}
