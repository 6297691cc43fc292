import { z } from "zod";
import { VersionSchema } from "./artifact";
import { ChangeCalendar, ChangeWindowDecision, evaluateChangeWindow } from "./change-window";
import { EnvironmentName, EnvironmentNameSchema } from "./environment";
import { parseOrThrow } from "./errors";
import { ReleaseState } from "./release-state";

/**
 * The deployment checklist CI hands over for one release: what the pipeline proved (tests,
 * coverage, scans, review, staging) and what people decided (approvers, rollback target, a hotfix
 * reason, how migrations were prepared). The CrossGuard gates (policies/deployment-gates) and the
 * release engine's pre-flight judge it with the same functions below, so a release is refused
 * for the same reasons whichever runs first.
 */

export const CHECKLIST_SCHEMA_VERSION = 1;

const PersonSchema = z.string().trim().min(1, { error: "a name or handle is empty: write who it is, e.g. \"alice\"" });

const InstantSchema = z.iso.datetime({
    offset: true,
    error: 'an ISO 8601 date-time with a time zone offset, e.g. "2026-03-10T10:00:00Z"',
});

const CountSchema = z.number().int({ error: "a count is a whole number" }).min(0, { error: "a count is 0 or more" });

const SuiteSchema = z
    .object({
        passed: z.boolean(),
        total: CountSchema.optional(),
        failed: CountSchema.default(0),
    })
    .strict();

export const ChecklistSchema = z
    .object({
        schemaVersion: z.literal(CHECKLIST_SCHEMA_VERSION, { error: `schemaVersion must be ${CHECKLIST_SCHEMA_VERSION}` }).default(CHECKLIST_SCHEMA_VERSION).describe("Format version of this file (1)."),
        /** The stage this checklist was prepared for: a staging checklist cannot let a change into production. */
        environment: EnvironmentNameSchema.describe("The stage this checklist was prepared for (staging or production); a staging checklist cannot let a change into production."),
        /** The version this release deploys. */
        version: VersionSchema.describe("The version this release deploys, e.g. \"2.0.0\"."),
        /** The services this release moves; every service of the stack when omitted. */
        services: z.array(z.string().min(1)).min(1, { error: "services is empty: list the services this release moves, or omit it for all" }).optional().describe("The services this release moves; every service of the stack when omitted."),
        commit: z.string().trim().min(1).optional().describe("The commit the release was built from."),
        /** Where the pipeline run that produced this checklist can be read. */
        pipelineUrl: z.url({ error: "pipelineUrl is a URL such as https://ci.example.com/runs/42" }).optional().describe("Where the pipeline run that produced this checklist can be read."),
        /** Who made the change (an approver must be someone else). */
        author: PersonSchema.optional().describe("Who made the change; an approver must be someone else."),
        tests: z
            .object({
                /** Every test suite passed (the protocol: integration tests 100%). */
                passed: z.boolean({ error: "tests.passed is true or false: did every test pass?" }),
                total: CountSchema.optional(),
                failed: CountSchema.default(0),
                /** Per suite (unit, integration, e2e, …), when CI reports them apart. */
                suites: z.record(z.string(), SuiteSchema).default({}),
            })
            .strict().describe("The test results: passed (every suite green, integration tests 100%), total, failed, and per suite."),
        /** Line coverage in percent (0-100). */
        coverage: z
            .number({ error: "coverage is the line coverage in percent, e.g. 84.5" })
            .min(0, { error: "coverage is a percentage between 0 and 100" })
            .max(100, { error: "coverage is a percentage between 0 and 100" }).describe("Line coverage in percent (0-100); the gate wants 80 or more by default."),
        /** Open findings of the security scan, by severity. */
        vulnerabilities: z
            .object({
                critical: CountSchema,
                high: CountSchema,
                medium: CountSchema.default(0),
                low: CountSchema.default(0),
                scanner: z.string().trim().min(1).optional(),
            })
            .strict().describe("Open findings of the security scan by severity; the gate wants no critical and no high ones by default."),
        review: z
            .object({
                approved: z.boolean({ error: "review.approved is true or false: was the code review approved?" }),
                reviewers: z.array(PersonSchema).default([]),
                url: z.url().optional(),
            })
            .strict().describe("The code review: approved, and by whom."),
        /** The staging deployment this release went through (required for production). */
        staging: z
            .object({
                version: VersionSchema,
                succeeded: z.boolean(),
                finishedAt: InstantSchema.optional(),
                url: z.url().optional(),
            })
            .strict()
            .optional().describe("The staging deployment this release went through: its version and whether it succeeded (required for production)."),
        /** The people who approved this deployment (production needs at least one). */
        approvers: z.array(PersonSchema).default([]).describe("The people who approved this deployment; production needs at least one other than the author."),
        rollback: z
            .object({
                /** The version a rollback goes back to: the one running before this release. */
                target: VersionSchema.optional(),
                /** Nothing ran before this release, so there is nothing to go back to. */
                firstRelease: z.boolean().default(false),
                /** Where the rollback plan is written down (shipgate's own rollback is re-applying the last good state). */
                plan: z.string().trim().min(1).optional(),
            })
            .strict()
            .optional().describe("The rollback target: the version running before this release (target), or firstRelease: true; optionally where the rollback plan is written."),
        /** Set only for an emergency: lets the change through a closed change window, with a warning. */
        hotfix: z
            .object({
                reason: z
                    .string({ error: "hotfix.reason is the reason this cannot wait for the next change window" })
                    .trim()
                    .min(10, { error: "hotfix.reason is too short: say why this cannot wait for the next change window (10 characters or more)" }),
                ticket: z.string().trim().min(1).optional(),
            })
            .strict()
            .optional().describe("Only for an emergency: why it cannot wait. It lets the change through a closed change window, with a warning and the hotfix path."),
        /** Database migrations in this release; omit when there are none. */
        migrations: z
            .object({
                /** Only adds (tables, nullable columns, indexes): nothing the running version still reads is dropped or renamed. */
                additiveOnly: z.boolean(),
                /** A backup was taken right before the migration. */
                backupTaken: z.boolean(),
                /** A down migration exists (the migration is reversible). */
                downMigration: z.boolean(),
                testedInStaging: z.boolean().optional(),
                description: z.string().optional(),
            })
            .strict()
            .optional().describe("Database migrations in this release (omit when there are none): additiveOnly, backupTaken, downMigration, testedInStaging."),
        /**
         * Judge time-dependent gates (the change window) at this instant instead of now. For tests
         * and rehearsals only: the release engine never sets it.
         */
        clock: InstantSchema.optional().describe("Judge the change window at this instant instead of now (ISO 8601 with offset). For tests and rehearsals only."),
    })
    .strict();

export type Checklist = z.output<typeof ChecklistSchema>;
export type ChecklistInput = z.input<typeof ChecklistSchema>;

export function parseChecklist(input: unknown, prefix = "checklist"): Checklist {
    return parseOrThrow(ChecklistSchema, input, "deployment checklist", prefix);
}

/** The gates judged from the checklist alone; each is a policy of the same name in policies/deployment-gates. */
export const CHECKLIST_GATES = [
    "tests-passed",
    "coverage-threshold",
    "no-critical-vulnerabilities",
    "review-approved",
    "staging-verified",
    "production-approvers",
    "rollback-target",
    "database-migrations",
] as const;
export type ChecklistGate = (typeof CHECKLIST_GATES)[number];

/** Every policy of policies/deployment-gates that reads the checklist from its policy config. */
export const CHECKLIST_POLICIES = ["release-checklist", ...CHECKLIST_GATES, "change-window", "hotfix-override"] as const;
export type ChecklistPolicy = (typeof CHECKLIST_POLICIES)[number];

/** Where each gate applies. Development (a laptop) has no checklist. */
export const GATE_ENVIRONMENTS: Readonly<Record<ChecklistGate, readonly EnvironmentName[]>> = {
    "tests-passed": ["staging", "production"],
    "coverage-threshold": ["staging", "production"],
    "no-critical-vulnerabilities": ["staging", "production"],
    "review-approved": ["staging", "production"],
    "staging-verified": ["production"],
    "production-approvers": ["production"],
    "rollback-target": ["staging", "production"],
    "database-migrations": ["staging", "production"],
};

export interface ChecklistRequirements {
    /** Minimum line coverage in percent (protocol: 80). */
    readonly minCoverage: number;
    readonly maxCritical: number;
    readonly maxHigh: number;
    /** Named approvers production needs (protocol: 1). */
    readonly minApprovers: number;
    /** The author does not count as an approver of their own change. */
    readonly approverNotAuthor: boolean;
    /** Environments where migrations must be additive only (protocol: production). */
    readonly additiveOnlyIn: readonly EnvironmentName[];
}

export const DEFAULT_CHECKLIST_REQUIREMENTS: ChecklistRequirements = {
    minCoverage: 80,
    maxCritical: 0,
    maxHigh: 0,
    minApprovers: 1,
    approverNotAuthor: true,
    additiveOnlyIn: ["production"],
};

/** One unmet item: what is wrong and how to fix it, for the gate that owns it. */
export interface ChecklistFinding {
    readonly gate: ChecklistGate;
    readonly problem: string;
    readonly fix: string;
}

export interface ChecklistContext {
    /** The environment the change goes to (the stack's, not the checklist's). */
    readonly environment: EnvironmentName;
    readonly requirements?: Partial<ChecklistRequirements>;
    /**
     * The versions the stack declares, by service (every track and color), when known: the
     * production gate then also checks nothing runs that staging did not verify.
     */
    readonly declaredVersions?: Readonly<Record<string, readonly string[]>>;
}

type GateCheck = (checklist: Checklist, context: Required<Pick<ChecklistContext, "environment">> & ChecklistContext, req: ChecklistRequirements) => ChecklistFinding[];

const one = (gate: ChecklistGate, problem: string, fix: string): ChecklistFinding => ({ gate, problem, fix });

const GATE_CHECKS: Readonly<Record<ChecklistGate, GateCheck>> = {
    "tests-passed": (c) => {
        const findings: ChecklistFinding[] = [];
        const failedSuites = Object.entries(c.tests.suites).filter(([, s]) => !s.passed || s.failed > 0);
        if (!c.tests.passed || c.tests.failed > 0) {
            const count = c.tests.failed > 0 ? `${c.tests.failed} test${c.tests.failed === 1 ? "" : "s"} failed` : "the test run did not pass";
            findings.push(one("tests-passed", `${count} for ${c.version}`, "fix the failing tests and let CI run them again; every suite must pass (integration tests 100%)"));
        }
        if (failedSuites.length) {
            findings.push(
                one(
                    "tests-passed",
                    `suite${failedSuites.length === 1 ? "" : "s"} ${failedSuites.map(([n, s]) => `${n}${s.failed ? ` (${s.failed} failed)` : ""}`).join(", ")} did not pass`,
                    "fix the failing suites; a release goes out only with every suite green",
                ),
            );
        }
        return findings;
    },
    "coverage-threshold": (c, _ctx, req) =>
        c.coverage < req.minCoverage
            ? [one("coverage-threshold", `line coverage is ${c.coverage}%, below the required ${req.minCoverage}%`, `add tests until coverage reaches ${req.minCoverage}%`)]
            : [],
    "no-critical-vulnerabilities": (c, _ctx, req) => {
        const v = c.vulnerabilities;
        const over: string[] = [];
        if (v.critical > req.maxCritical) over.push(`${v.critical} critical (at most ${req.maxCritical})`);
        if (v.high > req.maxHigh) over.push(`${v.high} high (at most ${req.maxHigh})`);
        return over.length
            ? [
                  one(
                      "no-critical-vulnerabilities",
                      `the security scan${v.scanner ? ` (${v.scanner})` : ""} reports ${over.join(" and ")} vulnerabilities`,
                      "upgrade or patch the affected dependencies and images, then scan again",
                  ),
              ]
            : [];
    },
    "review-approved": (c) =>
        c.review.approved ? [] : [one("review-approved", "the code review is not approved", "get the change reviewed and approved, then run the pipeline again")],
    "staging-verified": (c, ctx) => {
        const s = c.staging;
        if (!s) {
            return [one("staging-verified", `no staging deployment is recorded for ${c.version}`, `deploy ${c.version} to staging first and record it under staging {version, succeeded}`)];
        }
        const findings: ChecklistFinding[] = [];
        if (!s.succeeded) {
            findings.push(one("staging-verified", `the staging deployment of ${s.version} did not succeed`, "fix staging first: production only takes a version staging verified"));
        }
        if (s.version !== c.version) {
            findings.push(
                one("staging-verified", `staging verified ${s.version}, but this release is ${c.version}`, `deploy ${c.version} to staging and let it succeed before production`),
            );
        }
        const allowed = new Set([c.version, ...(c.rollback?.target ? [c.rollback.target] : [])]);
        for (const [service, versions] of Object.entries(ctx.declaredVersions ?? {})) {
            if (c.services && !c.services.includes(service)) continue;
            for (const version of versions) {
                if (!allowed.has(version)) {
                    findings.push(
                        one(
                            "staging-verified",
                            `service ${service} declares version ${version}, which is neither the release staging verified (${s.version}) nor the rollback target (${c.rollback?.target ?? "none"})`,
                            `set service ${service}'s release to ${c.version} (or its rollback target), or list only the services this release moves under services`,
                        ),
                    );
                }
            }
        }
        return findings;
    },
    "production-approvers": (c, _ctx, req) => {
        const approvers = [...new Set(c.approvers)];
        const counted = req.approverNotAuthor && c.author ? approvers.filter((a) => a.toLowerCase() !== c.author!.toLowerCase()) : approvers;
        if (counted.length >= req.minApprovers) return [];
        const byAuthor = counted.length < approvers.length ? ` (the author ${c.author} cannot approve their own change)` : "";
        return [
            one(
                "production-approvers",
                `${counted.length === 0 ? "no" : `only ${counted.length}`} named approver${counted.length === 1 ? "" : "s"}${byAuthor}; production needs ${req.minApprovers}`,
                `have ${req.minApprovers === 1 ? "someone" : `${req.minApprovers} people`} other than the author approve the deployment and list them under approvers`,
            ),
        ];
    },
    "rollback-target": (c) => {
        const r = c.rollback;
        if (!r || (!r.target && !r.firstRelease)) {
            return [one("rollback-target", `no rollback target is known for ${c.version}`, "set rollback.target to the version running now (the one a rollback goes back to), or rollback.firstRelease: true when nothing ran before")];
        }
        if (r.target && r.target === c.version) {
            return [one("rollback-target", `the rollback target is ${r.target}, the version being released`, "set rollback.target to the version running before this release")];
        }
        return [];
    },
    "database-migrations": (c, ctx, req) => {
        const m = c.migrations;
        if (!m) return [];
        const findings: ChecklistFinding[] = [];
        if (req.additiveOnlyIn.includes(ctx.environment) && !m.additiveOnly) {
            findings.push(
                one(
                    "database-migrations",
                    `the migration is not additive only, which ${ctx.environment} forbids`,
                    "split it: add the new schema now (tables, nullable columns, indexes), move readers over, and drop the old parts in a later release",
                ),
            );
        }
        if (!m.backupTaken) {
            findings.push(one("database-migrations", "no backup was taken before the migration", "take a backup right before migrating and set migrations.backupTaken: true"));
        }
        if (!m.downMigration) {
            findings.push(one("database-migrations", "the migration has no down migration (it is not reversible)", "write and test the down migration, then set migrations.downMigration: true"));
        }
        if (m.testedInStaging === false) {
            findings.push(one("database-migrations", "the migration was not tested in staging", "run it in staging first"));
        }
        return findings;
    },
};

/** Whether a gate applies in an environment (e.g. approvers only in production). */
export function gateApplies(gate: ChecklistGate, environment: EnvironmentName): boolean {
    return GATE_ENVIRONMENTS[gate].includes(environment);
}

/** The unmet items of one gate (none when the gate does not apply to the environment). */
export function gateFindings(gate: ChecklistGate, checklist: Checklist, context: ChecklistContext): ChecklistFinding[] {
    if (!gateApplies(gate, context.environment)) return [];
    const req = { ...DEFAULT_CHECKLIST_REQUIREMENTS, ...stripUndefined(context.requirements ?? {}) };
    return GATE_CHECKS[gate](checklist, context, req);
}

/** Every unmet item of every gate that applies: the release engine's pre-flight. */
export function checklistFindings(checklist: Checklist, context: ChecklistContext): ChecklistFinding[] {
    return CHECKLIST_GATES.flatMap((gate) => gateFindings(gate, checklist, context));
}

/** The change window judged at the checklist's clock (else `now`), with its hotfix reason. */
export function checklistChangeWindow(calendar: ChangeCalendar, checklist: Checklist | undefined, now: Date): ChangeWindowDecision {
    return evaluateChangeWindow(calendar, checklist?.clock ?? now, checklist?.hotfix);
}

/** Every version a release state declares (tracks and colors), e.g. for the staging check. */
export function declaredVersions(state: ReleaseState): string[] {
    const artifacts =
        state.strategy === "canary" ? [state.stable, state.canary] : state.strategy === "blueGreen" ? [state.blue, state.green] : [state.current];
    return [...new Set(artifacts.filter((a) => a !== undefined).map((a) => a!.version))];
}

/** A policy config file as `pulumi preview --policy-pack-config` reads it: per policy a level or an object. */
export type PolicyConfigFile = Record<string, string | Record<string, unknown>>;

/**
 * Hands a checklist to the policy pack: returns a copy of a per-stack policy config (e.g.
 * policies/config/production.json) with the validated checklist under `checklist` in the entry of
 * every policy that reads it. Policy config is per policy, so it is repeated; nothing else changes.
 * Throws InvalidInputError naming every bad field of the checklist.
 */
export function attachChecklist(config: PolicyConfigFile, checklist: unknown): PolicyConfigFile {
    const parsed = parseChecklist(checklist);
    const out: PolicyConfigFile = structuredClone(config);
    for (const policy of CHECKLIST_POLICIES) {
        const entry = out[policy];
        const base = typeof entry === "string" ? { enforcementLevel: entry } : { ...(entry ?? {}) };
        out[policy] = { ...base, checklist: parsed };
    }
    return out;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The checklist's JSON Schema (draft 7), for CI authors and editors: policies/deployment-gates/checklist.schema.json. */
export function checklistJsonSchema(): Record<string, unknown> {
    const schema = z.toJSONSchema(ChecklistSchema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
    return {
        $schema: schema.$schema,
        $id: "https://shipgate.dev/schemas/deployment-checklist-v1.json",
        title: "shipgate deployment checklist",
        description: "What CI hands the deployment-gates policy pack for one release (components/release/checklist.ts).",
        ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
    };
}
