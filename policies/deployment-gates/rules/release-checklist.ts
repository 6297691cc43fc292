import { z } from "zod";
import type { StackValidationPolicy } from "@pulumi/policy";
import { handOverHint, readChecklist, releaseSubject } from "../lib/checklist";
import { ChecklistProperty, configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { violation } from "../lib/messages";

export const NAME = "release-checklist";

const Config = z.object({ checklist: ChecklistProperty }).strict();

/**
 * The deployment checklist was handed over, is well-formed (components/release/checklist.ts), and
 * was prepared for this stack's environment and services. The other checklist gates judge its
 * items; this one says what is wrong with the checklist itself, field by field.
 */
export function releaseChecklist(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return {
        name: NAME,
        description:
            "CI handed a valid deployment checklist to the pack (tests, coverage, vulnerabilities, review, staging, approvers, rollback target, migrations), prepared for this stack's environment and services. Applies in staging and production.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Have CI write the checklist (checklist.schema.json) and merge it into the stack's policy config with policies/deployment-gates/bin/policy-config.ts; fix every field the violation lists.",
        configSchema: configSchemaOf(Config),
        validateStack: (args, report) => {
            const facts = deps.facts();
            if (facts.environment === "development") {
                args.notApplicable("development stacks have no release checklist");
            }
            const state = readChecklist(readConfig(NAME, Config, args).checklist);
            if (state.status === "missing") {
                report(violation(releaseSubject(facts), "no deployment checklist was handed to the pack, so no release gate can vouch for this change", handOverHint(facts.environment)));
                return;
            }
            if (state.status === "invalid") {
                report(violation(releaseSubject(facts), `the deployment checklist is invalid: ${state.problems.join("; ")}`, "fix these fields where CI writes the checklist"));
                return;
            }
            const c = state.checklist;
            if (c.environment !== facts.environment) {
                report(
                    violation(
                        releaseSubject(facts, c),
                        `the checklist was prepared for ${c.environment}, not ${facts.environment}`,
                        `hand over the checklist CI prepared for ${facts.environment} (environment: ${facts.environment})`,
                    ),
                );
            }
            const known = facts.services ? Object.keys(facts.services) : undefined;
            const unknown = known ? (c.services ?? []).filter((s) => !known.includes(s)) : [];
            if (unknown.length) {
                report(
                    violation(
                        releaseSubject(facts, c),
                        `the checklist names service${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}, which this stack does not have (it has ${known!.join(", ")})`,
                        "list only this stack's services under services, or omit it to mean all",
                    ),
                );
            }
        },
    };
}
