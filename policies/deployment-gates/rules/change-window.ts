import { z } from "zod";
import type { StackValidationPolicy } from "@pulumi/policy";
import { ChangeCalendarSchema, ENVIRONMENT_NAMES, checklistChangeWindow, problemsFromZod } from "../../../components/release";
import { readChecklist, releaseSubject } from "../lib/checklist";
import { ChecklistProperty, configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { violation } from "../lib/messages";

export const NAME = "change-window";

const Config = z
    .object({
        /** The calendar (components/release/change-window.ts): timeZone, blocked, maintenanceWindows, holidays, freezes. */
        calendar: z.record(z.string(), z.unknown()).default({}),
        /** Where the window applies (protocol: production; staging deploys on every merge). */
        environments: z.array(z.enum(ENVIRONMENT_NAMES)).default(["production"]),
        checklist: ChecklistProperty,
    })
    .strict();

/**
 * Changes go out inside the change window: not on Friday afternoons, weekends, listed holidays
 * or freezes; the maintenance window (Sundays 02:00-04:00 UTC) is open. A hotfix with a stated
 * reason goes through a closed window (hotfix-override warns about it). The instant is the
 * checklist's `clock` when set (tests, rehearsals), else now.
 */
export function changeWindow(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return {
        name: NAME,
        description:
            "Changes go out inside the change window: no Friday afternoons, weekends, listed holidays or freezes (in the calendar's time zone); the maintenance window (Sundays 02:00-04:00 UTC) is open; a hotfix with a stated reason passes (with a warning from hotfix-override). Applies in production by default.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Deploy inside the window (the violation says when it next opens). For an emergency, state why it cannot wait under hotfix.reason in the checklist: the change goes through with a warning and the hotfix path (extra monitoring, review within 24 h).",
        configSchema: configSchemaOf(Config),
        validateStack: (args, report) => {
            const facts = deps.facts();
            const config = readConfig(NAME, Config, args);
            if (!config.environments.includes(facts.environment)) {
                args.notApplicable(`applies in ${config.environments.join(", ")}; this stack is ${facts.environment}`);
            }
            const calendar = ChangeCalendarSchema.safeParse(config.calendar);
            if (!calendar.success) {
                const problems = problemsFromZod(calendar.error, "calendar").map((p) => `${p.path}: ${p.message}`);
                throw new Error(`the policy config of "${NAME}" is invalid: ${problems.join("; ")}. Fix the "${NAME}" entry of the --policy-pack-config file`);
            }
            // An invalid checklist grants no hotfix and no clock (release-checklist says what is wrong).
            const state = readChecklist(config.checklist);
            const checklist = state.status === "valid" ? state.checklist : undefined;
            const decision = checklistChangeWindow(calendar.data, checklist, deps.now());
            if (decision.allowed) return;
            report(
                violation(
                    releaseSubject(facts, checklist),
                    `the change window is closed: ${decision.summary}${checklist?.clock ? ` (the checklist's clock)` : ""}`,
                    `deploy ${decision.nextOpenText ? `from ${decision.nextOpenText}` : "when the window opens"}; for an emergency, state why it cannot wait under hotfix.reason in the checklist`,
                ),
            );
        },
    };
}
