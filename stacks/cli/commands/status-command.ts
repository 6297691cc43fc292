import { Command } from "commander";
import { readdirSync } from "node:fs";
import { candidateArtifact, describeState, liveArtifact, readStackModel, trafficSplit } from "../../../components/release";
import { exitCodeFor } from "../../automation/errors";
import { ExitCode } from "../../automation/exit-codes";
import { Project } from "../../automation/project";
import { ServiceOutput, StackOutputs, parseStackOutputs } from "../../automation/stack-outputs";
import { HealthProbe, checkHealth, worstHealth } from "../../automation/verify";
import { kubernetesTrackProbes } from "../../automation/verify/pod-readiness-probe";
import { collect, globalOptions } from "./common";

interface StatusFlags {
    stack?: string[];
    json?: boolean;
    health: boolean;
}

interface ServiceStatus {
    service: string;
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
    error?: string;
}

const ICON: Record<string, string> = { GREEN: "🟢 GREEN", YELLOW: "🟡 YELLOW", RED: "🔴 RED" };

export function statusCommand(): Command {
    return new Command("status")
        .description("each stack's services: stable and candidate versions, weights or active color, health color")
        .option("--stack <name>", "a stack to show (repeatable; default: every Pulumi.<stack>.yaml here)", collect)
        .option("--no-health", "do not call the services' health endpoints")
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
                const statuses = await Promise.all(stacks.map((s) => stackStatus(project, s, flags.health)));
                if (flags.json) {
                    process.stdout.write(`${JSON.stringify({ stacks: statuses }, null, 2)}\n`);
                } else {
                    process.stdout.write(statuses.map(render).join("\n"));
                }
                const red = statuses.some((s) => s.error || s.services.some((svc) => svc.health?.color === "RED"));
                process.exitCode = red ? ExitCode.RolledBack : ExitCode.Success;
            } catch (err) {
                process.stderr.write(`${(err as Error).message}\n`);
                process.exitCode = exitCodeFor(err);
            }
        });
}

async function stackStatus(project: Project, stack: string, withHealth: boolean): Promise<StackStatus> {
    const { model: config, order } = readStackModel(project.config(stack).config());
    let outputs: StackOutputs | undefined;
    let error: string | undefined;
    try {
        const s = await project.stack(stack);
        const values = await s.outputs();
        if (Object.keys(values).length) outputs = parseStackOutputs(values as Record<string, { value: unknown }>);
    } catch (err) {
        error = (err as Error).message.split("\n")[0];
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
    return { stack, environment: config.environment, platform: config.platform, deployed: Boolean(outputs), services, error: outputs ? undefined : (error ?? "not deployed") };
}

function render(s: StackStatus): string {
    const lines = [`${s.stack} (${s.environment}, ${s.platform})${s.deployed ? "" : `: ${s.error}`}`];
    for (const svc of s.services) {
        lines.push(
            `  ${svc.service.padEnd(12)} ${svc.strategy.padEnd(9)} ${svc.state}${svc.health ? `  ${ICON[svc.health.color] ?? svc.health.color}${svc.health.reason ? ` (${svc.health.reason})` : ""}` : ""}${svc.endpoint ? `  ${svc.endpoint}` : ""}`,
        );
    }
    return `${lines.join("\n")}\n`;
}

/** A Kubernetes service's health is its serving tracks' pod readiness: cluster DNS names do not resolve here. */
async function clusterProbes(project: Project, stack: string, out: ServiceOutput, tracks: readonly string[]): Promise<HealthProbe[] | undefined> {
    if (!out.router || !("cluster" in out.router)) return undefined;
    const config = (await (await project.stack(stack)).getAllConfig()) as Record<string, { value: string }>;
    return kubernetesTrackProbes(out.router, tracks, { env: { ...process.env, ...project.env }, kubeconfig: config["shipgate:kubeconfig"]?.value });
}
