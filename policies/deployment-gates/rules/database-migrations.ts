import { z } from "zod";
import type { StackValidationPolicy } from "@pulumi/policy";
import { ENVIRONMENT_NAMES } from "../../../components/release";
import { checklistGate } from "../lib/checklist-gate";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";

export const NAME = "database-migrations";

/** Migrations are reversible and backed up everywhere, and additive only in production. */
export function databaseMigrations(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return checklistGate(
        {
            name: NAME,
            description:
                "A release with database migrations took a backup first and has a down migration; in production its migrations are additive only (nothing the running version reads is dropped or renamed).",
            severity: "critical",
            remediationSteps:
                "Take a backup right before migrating, write and test the down migration, and in production split destructive changes: add now, drop in a later release. CI records migrations {additiveOnly, backupTaken, downMigration} in the checklist.",
            verifies: "the database migrations",
            settings: { additiveOnlyIn: z.array(z.enum(ENVIRONMENT_NAMES)).default(["production"]) },
            requirements: (s) => ({ additiveOnlyIn: s.additiveOnlyIn }),
        },
        deps,
    );
}
