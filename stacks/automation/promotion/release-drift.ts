import { ReleaseState, planTraffic } from "../../../components/release";
import { GateRefusal } from "../errors";
import { GateResult } from "../records/promotion-record";
import { RouterReading } from "../routers/router";
import { ServiceOutput, StackOutputs } from "../stack-outputs";
import type { PromotionEnvironment } from "./promote";
import type { StagePlan } from "./preflight";

/**
 * One source of truth, checked: the release state in the working copy (the stack file), what the
 * stack runs (its outputs from the last `up`) and what the router reads back must say the same
 * before a promotion plans from the file. Compared on the tracks that take traffic: their
 * versions and weights. A file behind what runs (a stale clone, a write-back that never landed)
 * or a router set by hand would otherwise be "promoted" from a state nobody runs.
 */

/** A track that takes traffic: its version and percent. */
type Serving = Record<string, { version: string; weight: number }>;

export interface ReleaseComparison {
    readonly service: string;
    /** One line each, for a person: "stable 2.0.0 100%". */
    readonly file: string;
    readonly stack: string;
    /** "stable 100%", or why it was not read ("not read: …"). */
    readonly router: string;
    /** What disagrees; empty when all three say the same (or the router could not be read). */
    readonly problems: readonly string[];
    /** The router was asked and did not answer (not: its kind is read through the stack). */
    readonly unreadable?: string;
}

const close = (a: number, b: number) => Math.abs(a - b) < 0.5;
const fmt = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(1)}%`;

function describe(serving: Serving): string {
    const tracks = Object.entries(serving);
    return tracks.length ? tracks.map(([t, s]) => `${t} ${s.version} ${fmt(s.weight)}`).join(", ") : "no track takes traffic";
}

function fromFile(state: ReleaseState): Serving {
    return Object.fromEntries(planTraffic(state, 1).tracks.filter((t) => t.weight > 0).map((t) => [t.name, { version: t.artifact.version, weight: t.weight }]));
}

function fromStack(out: ServiceOutput): Serving {
    return Object.fromEntries(Object.entries(out.tracks).filter(([, t]) => t.weight > 0).map(([name, t]) => [name, { version: t.version, weight: t.weight }]));
}

/** Compares one service's file state with what its stack runs and what its router reads back. */
export function compareRelease(service: string, file: ReleaseState, stack: ServiceOutput, router?: RouterReading | { error: string }): ReleaseComparison {
    const inFile = fromFile(file);
    const running = fromStack(stack);
    const problems: string[] = [];
    const tracks = [...new Set([...Object.keys(inFile), ...Object.keys(running)])];
    if (tracks.some((t) => inFile[t]?.version !== running[t]?.version || !close(inFile[t]?.weight ?? 0, running[t]?.weight ?? 0))) {
        problems.push(`the file says ${describe(inFile)}, the stack runs ${describe(running)}`);
    }
    let routerText = "not read: the stack exports no router";
    if (router && "error" in router) routerText = `not read: ${router.error}`;
    else if (router && !router.supported) routerText = `not read: ${router.reason}`;
    else if (router) {
        const routed = Object.entries(router.weights).filter(([, w]) => w > 0);
        routerText = routed.length ? routed.map(([t, w]) => `${t} ${fmt(w)}`).join(", ") : "no track takes traffic";
        const named = [...new Set([...Object.keys(router.weights), ...Object.keys(running)])];
        if (named.some((t) => !close(router.weights[t] ?? 0, running[t]?.weight ?? 0))) problems.push(`the router reads ${routerText}, the stack declares ${describe(running)}`);
    }
    return { service, file: describe(inFile), stack: describe(running), router: routerText, problems, ...(router && "error" in router ? { unreadable: router.error } : {}) };
}

/** Reads each planned service's stack outputs and router; a stack never deployed has nothing to disagree with. */
export async function compareStage(plan: Pick<StagePlan, "driver"> & { services: readonly { service: string; lastGood: ReleaseState }[] }, env: Pick<PromotionEnvironment, "routerFor" | "signal">, outputs?: StackOutputs): Promise<ReleaseComparison[]> {
    const deployed = outputs ?? (await plan.driver.outputs().catch(() => undefined));
    if (!deployed) return [];
    return Promise.all(
        plan.services
            .filter((s) => deployed.services[s.service])
            .map(async (s) => {
                const out = deployed.services[s.service];
                let reading: RouterReading | { error: string } | undefined;
                if (out.router) {
                    try {
                        reading = await (await env.routerFor(plan.driver, out.router)).readWeights(env.signal);
                    } catch (err) {
                        reading = { error: (err as Error).message.split("\n")[0] };
                    }
                }
                return compareRelease(s.service, s.lastGood, out, reading);
            }),
    );
}

/**
 * Pre-flight: refuses (exit 3) when a stage's file, stack and router disagree, with the three
 * values and the fix; in production also when a router does not answer, since no step could be
 * checked (nor traffic put back) through it. Staging goes on and says the router was not read.
 */
export async function checkDrift(plans: readonly StagePlan[], env: PromotionEnvironment, gate: (g: GateResult) => void): Promise<void> {
    for (const plan of plans) {
        const compared = await compareStage(plan, env);
        const silent = compared.filter((c) => c.unreadable !== undefined);
        if (plan.environment === "production" && silent.length) {
            const lines = silent.map((c) => `${c.service}: ${c.unreadable}`);
            gate({ stage: plan.stage, gate: "router", outcome: "fail", detail: lines.join("; ") });
            throw new GateRefusal(
                "router",
                `the router of ${silent.map((c) => c.service).join(", ")} on ${plan.stage} does not answer, so no step could be read back nor traffic put back through it:\n${lines.map((l) => `    ${l}`).join("\n")}`,
                `bring the router back, then run again: on the local platform \`pulumi up -s ${plan.stage}\` starts a router that died; ` +
                    "on a cluster or a cloud, check the stack's credentials (shipgate:kubeconfig, the cloud's) and that its API answers from this runner",
            );
        }
        const drifted = compared.filter((c) => c.problems.length);
        if (!drifted.length) {
            const unread = compared.filter((c) => c.router.startsWith("not read"));
            const detail = `the file, the stack and the router agree on ${compared.length} service${compared.length === 1 ? "" : "s"}${unread.length ? ` (router not read for ${unread.map((c) => `${c.service}: ${c.router.slice("not read: ".length)}`).join("; ")})` : ""}`;
            gate({ stage: plan.stage, gate: "in-step", outcome: "pass", detail });
            continue;
        }
        const lines = drifted.map((c) => `${c.service}: file ${c.file} | stack ${c.stack} | router ${c.router}`);
        gate({ stage: plan.stage, gate: "in-step", outcome: "fail", detail: lines.join("; ") });
        throw new GateRefusal(
            "in-step",
            `the repository, the stack and the router disagree on ${plan.stage}:\n${lines.map((l) => `    ${l}`).join("\n")}`,
            `pull the repository (git pull) so Pulumi.${plan.stage}.yaml says what runs, then run again; ` +
                `to run the file's release on purpose, \`pulumi up -s ${plan.stage}\`; a router changed by hand is put back by the same up; ` +
                `after a run that was killed, \`shipgate rollback --stack ${plan.stage}\``,
        );
    }
}
