import { z } from "zod";

/**
 * A database migration as a first-class hook (`shipgate:promotion.migration`), because the
 * protocol gives it rules the other hooks do not have (seeds 001, 002): a backup is taken before
 * every migration, the migration runs before the new version takes traffic, and a rollback runs
 * the down migration when there is one. Each of `backup`, `up`, `down` is a command (argv, no
 * shell), run like a command hook, with the promotion's context in SHIPGATE_* variables.
 */

const ArgvSchema = z
    .array(z.string())
    .min(1, "a command is an argv array with at least the program, e.g. [npm, run, migrate]")
    .refine((argv) => argv.length === 0 || argv[0].trim() !== "", "the program (the first element) is empty");

export const MigrationConfigSchema = z.strictObject({
    /** Taken first, every time: the protocol's "backup created before migration". */
    backup: ArgvSchema,
    /** The migration itself; runs after the backup succeeded, before the stage's first step. */
    up: ArgvSchema,
    /** Run on rollback when present. Without it the database keeps the migrated schema (say so, loudly). */
    down: ArgvSchema.optional(),
    /** Per command; a migration on production-sized data can be slow (seed 001). */
    timeoutSeconds: z.number().positive().max(24 * 3600).default(600),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).default({}),
    /** When set, the migration belongs to this service's rollout (the one that owns the schema); otherwise to the stage's first. */
    service: z.string().optional(),
});
export type MigrationConfig = z.output<typeof MigrationConfigSchema>;
export type MigrationConfigInput = z.input<typeof MigrationConfigSchema>;
