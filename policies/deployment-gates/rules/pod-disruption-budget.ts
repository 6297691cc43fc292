import { z } from "zod";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { ifKnown } from "../lib/known";
import { plural, violation } from "../lib/messages";
import { WORKLOAD_KINDS, objectSubject } from "../lib/resources";

export const NAME = "pod-disruption-budget";

const Config = z
    .object({
        /** Workloads with at least this many replicas need a budget (a single pod cannot have one that helps). */
        minReplicas: z.number().int().min(2).default(2),
    })
    .strict();

const PDB_TYPES = new Set(["kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:policy/v1beta1:PodDisruptionBudget"]);

type Labels = Record<string, string>;

function labelsOf(value: unknown): Labels | undefined {
    if (!value || typeof value !== "object") return undefined;
    const out: Labels = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = String(v);
    return out;
}

interface Budget {
    readonly namespace?: string;
    /** undefined: the selector could not be read at preview (then it may cover anything). */
    readonly matchLabels?: Labels;
    readonly hasExpressions: boolean;
}

function budgetOf(r: PolicyResource): Budget {
    const namespace = ifKnown(() => r.props.metadata?.namespace);
    const matchLabels = ifKnown(() => labelsOf(r.props.spec?.selector?.matchLabels) ?? {});
    const hasExpressions = ifKnown(() => Array.isArray(r.props.spec?.selector?.matchExpressions) && r.props.spec.selector.matchExpressions.length > 0) ?? false;
    return { ...(typeof namespace === "string" ? { namespace } : {}), ...(matchLabels ? { matchLabels } : {}), hasExpressions };
}

function covers(budget: Budget, namespace: string | undefined, podLabels: Labels): boolean {
    if (budget.namespace !== undefined && namespace !== undefined && budget.namespace !== namespace) return false;
    // A selector unknown at preview, or one with expressions, is given the benefit of the doubt.
    if (!budget.matchLabels || budget.hasExpressions) return true;
    return Object.entries(budget.matchLabels).every(([k, v]) => podLabels[k] === v);
}

/**
 * In production, every Kubernetes workload with several replicas is covered by a
 * PodDisruptionBudget, so a node drain or a cluster upgrade never takes all of a track at once.
 * A stack policy: it matches budgets to workloads by namespace and selector. It reads only inputs
 * the engine knows at preview (names, labels, replicas); anything unknown is left to `up`.
 */
export function podDisruptionBudget(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return {
        name: NAME,
        description:
            "In production every Kubernetes Deployment or StatefulSet with 2 or more replicas is covered by a PodDisruptionBudget, so voluntary disruptions (drains, upgrades) take at most part of it.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "Add a PodDisruptionBudget (policy/v1, e.g. maxUnavailable: 1) in the workload's namespace whose selector matches the workload's pod labels. shipgate's Kubernetes components create one per track or color whenever it runs more than one replica.",
        configSchema: configSchemaOf(Config),
        validateStack: (args, report) => {
            const { environment } = deps.facts();
            if (environment !== "production") {
                args.notApplicable(`applies in production; this stack is ${environment}`);
            }
            const { minReplicas } = readConfig(NAME, Config, args);
            const budgets = args.resources.filter((r) => PDB_TYPES.has(r.type)).map(budgetOf);
            const workloads = args.resources.filter((r) => WORKLOAD_KINDS[r.type]?.scalable);
            if (workloads.length === 0) {
                args.notApplicable("no Kubernetes Deployment or StatefulSet in this stack");
            }
            for (const r of workloads) {
                const replicas = ifKnown(() => r.props.spec?.replicas ?? 1);
                if (typeof replicas !== "number" || replicas < minReplicas) continue;
                const podLabels = ifKnown(() => labelsOf(r.props.spec?.template?.metadata?.labels));
                if (!podLabels) continue;
                const namespace = ifKnown(() => r.props.metadata?.namespace);
                const ns = typeof namespace === "string" ? namespace : undefined;
                if (budgets.some((b) => covers(b, ns, podLabels))) continue;
                const kind = WORKLOAD_KINDS[r.type].kind;
                report(
                    violation(
                        objectSubject(kind, r.name, r.props),
                        `runs ${plural(replicas, "replica")} in production with no PodDisruptionBudget selecting its pods (${Object.entries(podLabels)
                            .map(([k, v]) => `${k}=${v}`)
                            .join(", ")}): a node drain can evict all of them at once`,
                        `add a PodDisruptionBudget in ${ns ? `namespace ${ns}` : "its namespace"} with maxUnavailable: 1 and a selector matching those labels`,
                    ),
                    r.urn,
                );
            }
        },
    };
}
