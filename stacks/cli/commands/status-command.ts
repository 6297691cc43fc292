import { Command } from "commander";
import { readdirSync } from "node:fs";
import { candidateArtifact, describeState, liveArtifact, readStackModel, trafficSplit } from "../../../components/release";
import { exitCodeFor } from "../../automation/errors";
import { ExitCode } from "../../automation/exit-codes";
import { Project } from "../../automation/project";
import { interruptedRuns, whereItStopped } from "../../automation/promotion/crash-recovery";
import { compareRelease } from "../../automation/promotion/release-drift";
import { secondUtc } from "../../automation/records/format-time";
import { PromotionRecord } from "../../automation/records/promotion-record";
import { createRouter } from "../../automation/routers/router-factory";
import { RouterReading } from "../../automation/routers/router";
import { ServiceOutput, StackOutputs, parseStackOutputs } from "../../automation/stack-outputs";
import { HealthProbe, checkHealth, worstHealth } from "../../automation/verify";
import { kubernetesTrackProbes } from "../../automation/verify/pod-readiness-probe";
import { LockStore } from "../../automation/store/shipgate-store";
import { projectStore } from "../project-store";
import { fitWidth } from "../output/fit-width";
import { collect, globalOptions } from "./common";
import { MetricSourceCheck, checkMetricSource } from "./metric-source-check";

interface StatusFlags {
    stack?: string[];
    log?: string;
    json?: boolean;
    health: boolean;
}

interface ServiceStatus {
    service: string;
    /** The file, the stack and the router side by side (promotion/release-drift.ts). */
    inStep?: { file: string; stack: string; router: string; problems: readonly string[] };
    strategy: string;
    state: string;
    live: string;
    candidate?: string;
    traffic: Record<string, number>;
    activeColor?: string;
    endpoint?: string;
    health?: { color: string; reason?: string };
}

interface StackStatus {
    stack: string;
    environment?: string;
    platform?: string;
    deployed: boolean;
    services: ServiceStatus[];
    /** Runs the deployment log shows unfinished on this stack: running now, or interrupted. */
    unfinished: { id: string; version: string; state: "RUNNING" | "INTERRUPTED"; where: string; since: string }[];
    /** With health checks: whether the metric source the analysis uses answers. */
    metrics?: MetricSourceCheck;
    error?: string;
}

const ICON: Record<string, string> = { GREEN: "🟢 GREEN", YELLOW: "🟡 YELLOW", RED: "🔴 RED" };

export function statusCommand(): Command {
    return new Command("status")
        .description("each stack's services: what the file, the stack and the router say, health color, and any promotion left unfinished")
        .option("--stack <name>", "a stack to show (repeatable; default: every Pulumi.<stack>.yaml here)", collect)
        .option("--no-health", "do not call the services' health endpoints")
        .option("--log <file>", "the deployment log in this file (default: beside the Pulumi state, see README)")
        .option("--json", "machine-readable output")
        .action(async (flags: StatusFlags, command: Command) => {
            const global = globalOptions(command);
            try {
                const project = await Project.open(global.cwd);
                const stacks = flags.stack?.length
                    ? flags.stack
                    : readdirSync(project.dir)
                          .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
                          .filter((s): s is string => Boolean(s))
                          .sort();
                const store = projectStore(project, flags.log);
                const history = (await store.log.read()).records;
                const statuses = await Promise.all(stacks.map((s) => stackStatus(project, s, flags.health, history, store.locks)));
                if (flags.json) {
                    process.stdout.write(`${JSON.stringify({ stacks: statuses }, null, 2)}\n`);
                } else {
                    process.stdout.write(fitWidth(statuses.map(render).join("\n")));
                }
                const red = statuses.some(
                    (s) =>
                        s.error ||
                        s.metrics?.answers === false ||
                        s.unfinished.some((u) => u.state === "INTERRUPTED") ||
                        s.services.some((svc) => svc.health?.color === "RED" || svc.inStep?.problems.length),
                );
                process.exitCode = red ? ExitCode.RolledBack : ExitCode.Success;
            } catch (err) {
                process.stderr.write(`${(err as Error).message}\n`);
                process.exitCode = exitCodeFor(err);
            }
        });
}

async function stackStatus(project: Project, stack: string, withHealth: boolean, history: readonly PromotionRecord[], locks: LockStore): Promise<StackStatus> {
    const { model: config, order } = readStackModel(project.config(stack).config());
    let outputs: StackOutputs | undefined;
    let error: string | undefined;
    try {
        const s = await project.stack(stack);
        const values = await s.outputs();
        if (Object.keys(values).length) outputs = parseStackOutputs(values as Record<string, { value: unknown }>);
    } catch (err) {
        // An input error's reasons are on the lines after its first: keep them, on one line.
        error = (err as Error).message.split("\n").map((l) => l.trim().replace(/^- /, "")).filter(Boolean).join(" ").slice(0, 300);
    }
    const services = await Promise.all(
        order.map(async (service): Promise<ServiceStatus> => {
            const release = config.services[service].release;
            const out = outputs?.services[service];
            const status: ServiceStatus = {
                service,
                strategy: release.strategy,
                state: describeState(release),
                live: liveArtifact(release).version,
                candidate: candidateArtifact(release)?.version,
                traffic: { ...trafficSplit(release) },
                activeColor: release.strategy === "blueGreen" ? release.active : undefined,
                endpoint: out?.endpoint,
            };
            if (out) {
                const reading = out.router ? await readRouter(project, stack, out).catch((err: Error) => ({ error: err.message.split("\n")[0] })) : undefined;
                const c = compareRelease(service, release, out, reading);
                status.inStep = { file: c.file, stack: c.stack, router: c.router, problems: c.problems };
            }
            if (withHealth && out) {
                const probes = await clusterProbes(project, stack, out, Object.entries(trafficSplit(release)).filter(([, w]) => w > 0).map(([t]) => t));
                const results = probes
                    ? await Promise.all(probes.map((p) => p.check({ timeoutMs: 3_000 })))
                    : [await checkHealth(`${out.endpoint.replace(/\/$/, "")}${config.services[service].healthPath}`, { timeoutMs: 3_000 })];
                const result = worstHealth(results);
                status.health = { color: result.color, reason: result.reason };
            }
            return status;
        }),
    );
    const held = await locks.holder(stack);
    const unfinished = interruptedRuns(history, [stack]).map((r) => ({
        id: r.id,
        version: r.version,
        state: held?.promotionId === r.id ? ("RUNNING" as const) : ("INTERRUPTED" as const),
        where: whereItStopped(r),
        since: secondUtc(r.steps[r.steps.length - 1]?.startedAt ?? r.startedAt),
    }));
    const first = services[0];
    const metrics =
        withHealth && outputs && first
            ? await checkMetricSource(project.config(stack).config()["shipgate:promotion"], outputs, first.service, first.strategy === "blueGreen" ? (first.activeColor ?? "blue") : "stable")
            : undefined;
    return { stack, environment: config.environment, platform: config.platform, deployed: Boolean(outputs), services, unfinished, metrics, error: outputs ? undefined : (error ?? "not deployed") };
}

function render(s: StackStatus): string {
    const lines = [`${s.stack} (${s.environment}, ${s.platform})${s.deployed ? "" : `: ${s.error}`}`];
    for (const u of s.unfinished) {
        lines.push(
            u.state === "RUNNING"
                ? `  ⏳ promotion ${u.id} of ${u.version} RUNNING ${u.where} (since ${u.since})`
                : `  ⚠️  promotion ${u.id} of ${u.version} INTERRUPTED ${u.where} (last written ${u.since}): \`shipgate rollback --stack ${s.stack}\` puts it back`,
        );
    }
    for (const svc of s.services) {
        lines.push(
            `  ${svc.service.padEnd(12)} ${svc.strategy.padEnd(9)} ${svc.state}${svc.health ? `  ${ICON[svc.health.color] ?? svc.health.color}${svc.health.reason ? ` (${svc.health.reason})` : ""}` : ""}${svc.endpoint ? `  ${svc.endpoint}` : ""}`,
        );
        if (svc.inStep) {
            const mark = svc.inStep.problems.length ? "✘ OUT OF STEP" : "✔ in step";
            lines.push(`  ${"".padEnd(12)} ${mark}: file ${svc.inStep.file} | stack ${svc.inStep.stack} | router ${svc.inStep.router}`);
        }
    }
    if (s.metrics?.source) {
        lines.push(
            s.metrics.answers
                ? `  metrics      ✔ ${s.metrics.source} answers`
                : [
                      `  metrics      ✘ ${s.metrics.source} does not answer`,
                      `${"".padEnd(15)}${s.metrics.reason}`,
                      `${"".padEnd(15)}every analysis would be inconclusive: start it again (on the local platform, \`pulumi up -s ${s.stack}\`)`,
                  ].join("\n"),
        );
    } else if (s.metrics?.answers === false) {
        lines.push(`  metrics      ✘ ${s.metrics.reason}`);
    }
    return `${lines.join("\n")}\n`;
}

/** The service's live router, read as the release engine reads it (the router seam). */
async function readRouter(project: Project, stack: string, out: ServiceOutput): Promise<RouterReading> {
    const kubeconfig = "cluster" in out.router! ? ((await (await project.stack(stack)).getAllConfig()) as Record<string, { value: string }>)["shipgate:kubeconfig"]?.value : undefined;
    return createRouter(out.router!, { env: { ...process.env, ...project.env }, kubeconfig }).readWeights(AbortSignal.timeout(5_000));
}

/** A Kubernetes service's health is its serving tracks' pod readiness: cluster DNS names do not resolve here. */
async function clusterProbes(project: Project, stack: string, out: ServiceOutput, tracks: readonly string[]): Promise<HealthProbe[] | undefined> {
    if (!out.router || !("cluster" in out.router)) return undefined;
    const config = (await (await project.stack(stack)).getAllConfig()) as Record<string, { value: string }>;
    return kubernetesTrackProbes(out.router, tracks, { env: { ...process.env, ...project.env }, kubeconfig: config["shipgate:kubeconfig"]?.value });
}
