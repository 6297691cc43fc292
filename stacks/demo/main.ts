// `./dev.sh demo`: the whole deployment protocol on this machine, with no cloud and no cluster.
// Version 1.0.0 goes to staging (blue-green) and production (canary) on the local platform;
// then `shipgate promote` takes 2.0.0 through staging and production step by step under real
// traffic; then 3.0.0, a release with a 20% error rate, is caught by the analysis and rolled
// back on its own. The real CLI runs as CI would run it, and its reports are printed.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { readLog } from "../automation/records/deployment-log";
import { PromotionRecord } from "../automation/records/promotion-record";
import { rollbackTrafficRestore } from "../automation/records/traffic-restore";
import { parseStackOutputs } from "../automation/stack-outputs";
import { DEMO_APPROVER, DemoWorkspace, demoWorkspace } from "./demo-workspace";

/** The demo's stacks are a throwaway copy in .shipgate/demo, not a clone: nothing to write back to. */
const NO_WRITE_BACK = ["--no-git-push"];
import { Traffic } from "./traffic";

const REPO = path.resolve(__dirname, "../..");
const STACKS = ["staging", "production"] as const;
/**
 * What CI would hand over (tests, coverage, scans, review). Its `clock` rehearses the change
 * window at a Tuesday 10:00 UTC, so the demo runs on any day; a real pipeline never sets it.
 */
const CHECKLIST = path.join(__dirname, "checklist.json");

interface DemoFlags {
    only?: "good" | "bad";
    down?: boolean;
    destroy?: boolean;
    bakeSeconds: string;
}

function banner(text: string): void {
    process.stdout.write(`\n\x1b[1m━━ ${text} ━━\x1b[0m\n`);
}

/** Runs the real `shipgate` CLI against the demo project, its output straight to this terminal. */
function shipgate(ws: DemoWorkspace, args: string[]): Promise<number> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(REPO, "bin", "shipgate"), "-C", ws.dir, ...args], {
            env: { ...process.env, ...ws.env },
            stdio: "inherit",
        });
        // The CLI handles SIGINT itself (it rolls back); the demo waits for it.
        child.on("close", (code) => resolve(code ?? 1));
    });
}

function lastRecord(ws: DemoWorkspace): PromotionRecord | undefined {
    const records = readLog(path.join(ws.dir, ".shipgate", "deployments.jsonl")).records;
    return records[records.length - 1];
}

function printReport(ws: DemoWorkspace, record: PromotionRecord | undefined): void {
    if (!record) return;
    const file = path.join(ws.dir, ".shipgate", "reports", `${record.id}.md`);
    process.stdout.write(`\n${readFileSync(file, "utf8")}\n(report: ${file})\n`);
}

function timings(record: PromotionRecord): string {
    const lines = [`  whole run: ${((record.durationMs ?? 0) / 1000).toFixed(1)} s`];
    for (const step of record.steps) {
        const bake = step.verification?.durationMs ?? 0;
        lines.push(
            `  ${step.stage}/${step.service} ${step.index} ${step.kind.padEnd(20)} up ${((step.engineMs ?? 0) / 1000).toFixed(1)} s, verify ${(bake / 1000).toFixed(1)} s, shipgate ${((step.overheadMs ?? 0) / 1000).toFixed(2)} s`,
        );
    }
    if (record.rollback?.trafficRestoredAt && record.rollback.failedAt) {
        lines.push(
            `  rollback: traffic back on the last good release ${rollbackTrafficRestore(record.rollback) ?? "(time not recorded)"}; done ${((Date.parse(record.rollback.finishedAt ?? record.rollback.startedAt) - Date.parse(record.rollback.failedAt)) / 1000).toFixed(1)} s after it`,
        );
    }
    return lines.join("\n");
}

async function main(flags: DemoFlags): Promise<number> {
    const started = Date.now();
    const ws = await demoWorkspace(REPO, { bakeSeconds: Number(flags.bakeSeconds), intervalSeconds: 3 });
    if (flags.down) {
        banner("tearing the demo down");
        for (const name of STACKS) {
            await (await ws.stack(name)).destroy({ onOutput: (o) => process.stdout.write(o), color: "never" });
        }
        return 0;
    }

    banner("1. version 1.0.0 on staging (blue-green) and production (canary), on this machine");
    const endpoints: string[] = [];
    for (const name of STACKS) {
        const t = Date.now();
        const result = await (await ws.stack(name)).up({ color: "never" });
        const outputs = parseStackOutputs(result.outputs as never);
        process.stdout.write(
            `  ${name}: ${Object.entries(outputs.services)
                .map(([svc, o]) => `${svc} ${o.version} at ${o.endpoint}`)
                .join(", ")} (up in ${((Date.now() - t) / 1000).toFixed(1)} s; Prometheus ${outputs.metrics.prometheusUrl}, HAProxy ${outputs.metrics.routerStatsUrl})\n`,
        );
        endpoints.push(`${outputs.services.backend.endpoint}/api/items`, `${outputs.services.frontend.endpoint}/`);
    }

    process.stdout.write(
        "  (demo timings: 10 s bakes instead of the protocol's 5 min, and the change window judged at a\n   rehearsal clock, Tuesday 10:00 UTC, from stacks/demo/checklist.json; every other gate and threshold as shipped)\n",
    );
    banner("2. users' traffic: 20 requests/s on each service of both stacks (autocannon)");
    const traffic = new Traffic(endpoints, { ratePerSecond: 20, maxSeconds: 1800 }).start();
    let ok = true;
    const records: PromotionRecord[] = [];
    try {
        if (flags.only !== "bad") {
            banner("3. shipgate promote 2.0.0: staging, then production 25% → 50% → 100%");
            const code = await shipgate(ws, ["promote", "2.0.0", "--approver", DEMO_APPROVER, "--checklist", CHECKLIST, "--changes", "2.0.0: the good release", ...NO_WRITE_BACK]);
            const record = lastRecord(ws);
            printReport(ws, record);
            if (record) records.push(record);
            ok &&= code === 0;
        }
        if (flags.only !== "good") {
            banner("4. shipgate promote 3.0.0: a release that fails 20% of its requests");
            const code = await shipgate(ws, ["promote", "3.0.0", "--approver", DEMO_APPROVER, "--checklist", CHECKLIST, "--changes", "3.0.0: ships with a bug (examples/shop/faults.json)", ...NO_WRITE_BACK]);
            const record = lastRecord(ws);
            printReport(ws, record);
            if (record) records.push(record);
            ok &&= code === 1 && record?.result === "rolled-back";
        }
    } finally {
        const counts = await traffic.stop();
        banner("timings");
        for (const record of records) process.stdout.write(`${record.version} (${record.result}):\n${timings(record)}\n`);
        process.stdout.write(`  whole demo: ${((Date.now() - started) / 1000).toFixed(0)} s; users' requests: ${counts.sent} sent, ${counts.failed} failed\n`);
    }
    if (flags.destroy) {
        banner("tearing the demo down");
        for (const name of STACKS) await (await ws.stack(name)).destroy({ color: "never" });
    } else {
        process.stdout.write(`\nThe shop still runs: production at http://127.0.0.1:18020, staging at http://127.0.0.1:17020.\nStop it with: ./dev.sh demo --down\n`);
    }
    process.stdout.write(ok ? "\nDEMO OK: 2.0.0 was promoted and 3.0.0 was rolled back on its own.\n" : "\nDEMO FAILED: see the output above.\n");
    return ok ? 0 : 1;
}

const cli = new Command("demo")
    .description("the end-to-end demo on the local platform")
    .addOption(new Option("--only <release>", "only the good release (2.0.0) or only the bad one (3.0.0)").choices(["good", "bad"]))
    .option("--down", "destroy the demo's stacks (stop every process) and exit")
    .option("--destroy", "destroy the demo's stacks at the end")
    .option("--bake-seconds <n>", "bake per step (the protocol's 300, shortened for a demo)", "10")
    .action(async (flags: DemoFlags) => {
        process.exitCode = await main(flags);
    });
cli.parseAsync(process.argv).catch((err) => {
    process.stderr.write(`demo failed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
});
