import {
    Checklist,
    ChecklistSchema,
    EnvironmentName,
    declaredVersions,
    problemsFromZod,
} from "../../../components/release";
import { StackFacts } from "./facts";

/** The checklist a policy found in its config: none, a broken one, or a valid one. */
export type ChecklistState =
    | { readonly status: "missing" }
    | { readonly status: "invalid"; readonly problems: readonly string[] }
    | { readonly status: "valid"; readonly checklist: Checklist };

const cache = new Map<string, ChecklistState>();

export function readChecklist(raw: unknown): ChecklistState {
    if (raw === undefined || raw === null) return { status: "missing" };
    const key = JSON.stringify(raw);
    const hit = cache.get(key);
    if (hit) return hit;
    const result = ChecklistSchema.safeParse(raw);
    const state: ChecklistState = result.success
        ? { status: "valid", checklist: result.data }
        : { status: "invalid", problems: problemsFromZod(result.error, "checklist").map((p) => `${p.path}: ${p.message}`) };
    if (cache.size > 100) cache.clear();
    cache.set(key, state);
    return state;
}

/** How stack gates name what they judge, e.g. `release 2.0.0 to stack "production" (production)`. */
export function releaseSubject(facts: StackFacts, checklist?: Checklist): string {
    return `${checklist ? `release ${checklist.version} to ` : ""}stack "${facts.stack}" (${facts.environment})`;
}

/** The command CI runs to hand a checklist over; violations about a missing checklist quote it. */
export function handOverHint(environment: EnvironmentName): string {
    const file = `policies/config/${environment === "production" ? "production" : "staging"}.json`;
    return (
        "have CI write the release's checklist (checklist.schema.json) and merge it into the policy config: " +
        `npx ts-node --transpile-only policies/deployment-gates/bin/policy-config.ts --base ${file} --checklist checklist.json --out ${file} ` +
        '(README, "Deployment gates (CrossGuard)")'
    );
}

/** The versions the stack config declares, by service, for the staging check. */
export function stackVersions(facts: StackFacts): Record<string, string[]> | undefined {
    if (!facts.services) return undefined;
    return Object.fromEntries(Object.entries(facts.services).map(([name, spec]) => [name, declaredVersions(spec.release)]));
}
