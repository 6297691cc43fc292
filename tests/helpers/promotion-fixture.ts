// Two stacks (staging blue-green, production canary) of the shipped program on the local
// platform, deployed through the real engine in a temporary project, with short bake times,
// a faults file the tests can turn bad, and `shipgate` run as a real child process.
import { Stack } from "@pulumi/pulumi/automation";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { TestProject, createTestProject, relocateLocalPlatform, shippedStackConfig } from "./engine";
import { publishAsOrigin } from "./git-origin";
import { Traffic } from "../../stacks/demo/traffic";
import { ShipgateRun, runShipgate } from "./shipgate-cli";

export interface PromotionFixture {
    readonly project: TestProject;
    readonly stacks: Record<"staging" | "production", Stack>;
    /** Per stack, so a test can make a release bad in production only. */
    readonly faultsFiles: Record<"staging" | "production", string>;
    readonly basePorts: Record<"staging" | "production", number>;
    /** The bare repository the project was cloned from (git-origin.ts). */
    readonly origin: string;
    /** The router endpoint of a service in a stack. */
    endpoint(stack: "staging" | "production", service: string): string;
    stackFile(stack: string): string;
    setFaults(faults: Record<string, unknown>, stacks?: readonly ("staging" | "production")[]): void;
    /** The router's own view (HAProxy's stats CSV): weight by server, for one service. */
    routerWeights(stack: "staging" | "production", service: string): Promise<Record<string, number>>;
    /** HAProxy's stats row of each server of a service (status, weight, requests, check failures…), by server. */
    routerStats(stack: "staging" | "production", service: string): Promise<Record<string, Record<string, string>>>;
    /** Where this project's processes are marked (see LocalPlatform.markerPrefix). */
    markers(stack: "staging" | "production"): string;
    /**
     * Runs `bin/shipgate -C <project> --plain …`; `onLine` sees every output line as it comes
     * (to interrupt, or to turn a release bad at a given step).
     */
    shipgate(args: string[], onLine?: (line: string, child: { kill(signal: NodeJS.Signals): void }) => void): Promise<ShipgateRun>;
    cleanup(): Promise<void>;
}

/**
 * Short bakes so a whole promotion takes about a minute. Every threshold stays the protocol's
 * (5% errors, +50%, P95 2x the baseline); only shipgate's own latency floor is wider: a 3 s window
 * holds about 60 requests, so its P95 is the third-slowest, and on a 2-core machine shared with
 * the Kubernetes suite one scheduling stall put it 30 ms above a 10 ms baseline (a cold run's
 * happy path rolled back). The latency regressions these tests inject are 300 ms.
 */
function shorten(config: Record<string, any>, faultsFile: string): Record<string, any> {
    config["shipgate:local"].scrapeIntervalSeconds = 1;
    // These tests exercise the release engine, so they say openly that they run without a policy
    // pack (a named pack that is missing refuses production); the pack's own end-to-end tests
    // are tests/integration/policies.test.ts.
    // Production counts an approval only from its list: the tests' approvers, and the bench's.
    config["shipgate:promotion"] = { ...(config["shipgate:promotion"] ?? {}), policy: { packs: [] }, approvals: { approvers: ["alice", "bob", "bench"] } };
    for (const svc of Object.values(config["shipgate:services"]) as any[]) {
        svc.env = { ...(svc.env ?? {}), SHOP_FAULTS_FILE: faultsFile };
        const r = svc.release;
        r.bakeSeconds = 6;
        if (r.strategy === "canary") r.watchSeconds = 6;
        if (r.strategy === "blueGreen") r.scaleDownDelaySeconds = 4;
        r.analysis = {
            ...(r.analysis ?? {}),
            intervalSeconds: 3,
            minRequests: 10,
            health: { intervalSeconds: 1, consecutiveFailures: 3, timeoutSeconds: 2 },
            latency: { ...(r.analysis?.latency ?? {}), minAbsoluteIncreaseMs: 100 },
        };
    }
    return config;
}

/** HAProxy's stats CSV (relocateLocalPlatform puts the stats page on the base port), the rows of `be_<service>`'s servers. */
async function routerStats(statsPort: number, service: string): Promise<Record<string, Record<string, string>>> {
    const csv = await (await fetch(`http://127.0.0.1:${statsPort}/;csv`, { signal: AbortSignal.timeout(5_000) })).text();
    const [head, ...rows] = csv.split("\n");
    const header = head.replace(/^# /, "").split(",");
    const servers: Record<string, Record<string, string>> = {};
    for (const row of rows.map((l) => l.split(","))) {
        const named = Object.fromEntries(header.map((h, i) => [h, row[i]]));
        if (named.pxname !== `be_${service}` || ["BACKEND", "FRONTEND"].includes(named.svname)) continue;
        servers[named.svname] = named;
    }
    return servers;
}

export interface PromotionFixtureOptions {
    /** More of a stack's `shipgate:promotion` (a migration, hooks), merged over the fixture's own. */
    readonly promotion?: (stack: "staging" | "production") => Record<string, unknown>;
    /** A service's spec as the test wants it (another strategy, more replicas), from the shipped one with short bakes. */
    readonly service?: (stack: "staging" | "production", name: string, spec: Record<string, any>) => Record<string, any>;
}

/** `env`: the project's backend and its credentials, when not the test's own file:// folder. */
export async function promotionFixture(basePort: number, env: Record<string, string> = {}, options: PromotionFixtureOptions = {}): Promise<PromotionFixture> {
    const project = await createTestProject("shipgate-promote-", env);
    const faultsFiles = { staging: path.join(project.dir, "faults-staging.json"), production: path.join(project.dir, "faults-production.json") };
    writeFileSync(faultsFiles.staging, "{}");
    writeFileSync(faultsFiles.production, "{}");
    const basePorts = { staging: basePort, production: basePort + 100 };
    // The runtime's folder is named in the stack file, so another clone of the project (write-back.test.ts) previews the same stack.
    const config = (stack: "staging" | "production") => {
        const c = shorten(relocateLocalPlatform(shippedStackConfig(stack), basePorts[stack]), faultsFiles[stack]);
        c["shipgate:local"].stateDir = path.join(project.dir, ".shipgate", "local", stack);
        c["shipgate:promotion"] = { ...c["shipgate:promotion"], ...options.promotion?.(stack) };
        if (options.service) {
            for (const [name, spec] of Object.entries(c["shipgate:services"] as Record<string, Record<string, any>>)) c["shipgate:services"][name] = options.service(stack, name, spec);
        }
        return c;
    };
    const stacks = {
        staging: await project.stack("staging", config("staging")),
        production: await project.stack("production", config("production")),
    };
    await stacks.staging.up({ color: "never" });
    await stacks.production.up({ color: "never" });
    // The project is a clone of a bare origin, so promotions write their release state back.
    const origin = publishAsOrigin(project.dir, ["faults-*.json"]);
    const services = ["backend", "frontend"];
    return {
        project,
        stacks,
        faultsFiles,
        basePorts,
        origin,
        endpoint: (stack, service) => `http://127.0.0.1:${basePorts[stack] + 10 * (services.indexOf(service) + 1)}`,
        stackFile: (stack) => readFileSync(path.join(project.dir, `Pulumi.${stack}.yaml`), "utf8"),
        setFaults: (faults, which = ["staging", "production"]) => {
            for (const stack of which) writeFileSync(faultsFiles[stack], JSON.stringify(faults));
        },
        async routerWeights(stack, service) {
            // HAProxy holds the weights reduced (75/25 as 3/1): read back as percentages.
            const weights: Record<string, number> = {};
            for (const [server, row] of Object.entries(await routerStats(basePorts[stack], service))) {
                weights[server] = /MAINT/.test(row.status) ? 0 : Number(row.weight);
            }
            const total = Object.values(weights).reduce((a, b) => a + b, 0);
            return Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, total ? (100 * w) / total : 0]));
        },
        routerStats: (stack, service) => routerStats(basePorts[stack], service),
        markers: (stack) => `${stack}@${project.dir}/.shipgate/local/${stack}`,
        shipgate: (args, onLine) => runShipgate(project.dir, project.env, args, onLine),
        cleanup: () => project.cleanup(),
    };
}

/** Users' traffic on every service of both stacks (20 requests/s each), so each step's analysis has requests to judge. */
export function usersOf(fx: PromotionFixture): Traffic[] {
    return (["staging", "production"] as const).map((stack) =>
        new Traffic([`${fx.endpoint(stack, "backend")}/api/items`, `${fx.endpoint(stack, "frontend")}/`], { ratePerSecond: 20, maxSeconds: 1800 }).start(),
    );
}
