import { z } from "zod";
import type { Severity, StackValidationPolicy } from "@pulumi/policy";
import { ChecklistGate, ChecklistRequirements, GATE_ENVIRONMENTS, gateApplies, gateFindings } from "../../../components/release";
import { readChecklist, releaseSubject, stackVersions } from "./checklist";
import { ChecklistProperty, configSchemaOf, readConfig } from "./config";
import { PolicyDeps } from "./facts";
import { violation } from "./messages";

export interface ChecklistGateSpec<S extends z.ZodRawShape> {
    readonly name: ChecklistGate;
    readonly description: string;
    readonly severity: Severity;
    readonly remediationSteps: string;
    /** What the gate verifies, for "cannot verify …" messages, e.g. "that the tests passed". */
    readonly verifies: string;
    /** The gate's own settings, beside `checklist`. */
    readonly settings: S;
    /** Maps the settings onto the pure model's requirements. */
    readonly requirements: (settings: z.output<z.ZodObject<S>>) => Partial<ChecklistRequirements>;
}

/**
 * A stack policy judging one gate of the checklist (components/release/checklist.ts) that CI
 * handed over in this policy's config. Reads only config, never a resource's outputs, so it runs
 * in full at preview. Without a valid checklist it fails closed: it cannot vouch for the release.
 */
export function checklistGate<S extends z.ZodRawShape>(spec: ChecklistGateSpec<S>, deps: PolicyDeps): StackValidationPolicy {
    const schema = z.object({ ...spec.settings, checklist: ChecklistProperty }).strict();
    return {
        name: spec.name,
        description: `${spec.description} Applies in ${GATE_ENVIRONMENTS[spec.name].join(" and ")}; reads the checklist in this policy's config.`,
        enforcementLevel: "mandatory",
        severity: spec.severity,
        remediationSteps: spec.remediationSteps,
        configSchema: configSchemaOf(schema),
        validateStack: (args, report) => {
            const facts = deps.facts();
            if (!gateApplies(spec.name, facts.environment)) {
                args.notApplicable(`applies in ${GATE_ENVIRONMENTS[spec.name].join(" and ")}; this stack is ${facts.environment}`);
            }
            const config = readConfig(spec.name, schema, args) as z.output<z.ZodObject<S>> & { checklist?: Record<string, unknown> };
            const state = readChecklist(config.checklist);
            if (state.status === "missing") {
                report(violation(releaseSubject(facts), `cannot verify ${spec.verifies}: no deployment checklist was handed to the pack`, "hand one over (the release-checklist violation says how)"));
                return;
            }
            if (state.status === "invalid") {
                report(
                    violation(
                        releaseSubject(facts),
                        `cannot verify ${spec.verifies}: the deployment checklist is invalid (${state.problems.length} problem${state.problems.length === 1 ? "" : "s"}, listed by release-checklist)`,
                        "fix the checklist CI writes",
                    ),
                );
                return;
            }
            const findings = gateFindings(spec.name, state.checklist, {
                environment: facts.environment,
                requirements: spec.requirements(config),
                declaredVersions: stackVersions(facts),
            });
            for (const f of findings) {
                report(violation(releaseSubject(facts, state.checklist), f.problem, f.fix));
            }
        },
    };
}
