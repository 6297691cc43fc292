import { PreparedCommand } from "./command-hook";
import { HookContext } from "./hook-types";

/**
 * What the migration does at which point, and what it already did in this run, per stage:
 * - beforeRollout (once per stage): `migration/backup`, then `migration/up` only if the backup
 *   passed (the protocol's "backup created before migration");
 * - onRollback (once per stage): `migration/down` when the up ran in this run and a down is
 *   configured; otherwise a note that says plainly that the database was not rolled back and why.
 * The down never runs for an up that did not succeed in this run: undoing a migration that was
 * never applied is how data is lost.
 */

/** Not a command: an outcome that only informs (the down migration that was not run, and why). */
export interface MigrationNote {
    readonly kind: "note";
    readonly name: string;
    readonly detail: string;
    /** Worth a warning in the log: the database was left as it is after a rollback. */
    readonly warn: boolean;
}

type StageState =
    | { readonly step: "backup-failed" }
    | { readonly step: "up-failed"; readonly backupAt: string }
    | { readonly step: "migrated"; readonly backupAt: string; readonly version: string }
    | { readonly step: "rolled-back" };

export const MIGRATION_NAMES = { backup: "migration/backup", up: "migration/up", down: "migration/down" } as const;

export class MigrationPlan {
    private readonly stages = new Map<string, StageState>();
    /** When the backup of a stage passed, until its up finishes. */
    private readonly backups = new Map<string, string>();

    constructor(
        readonly backup: PreparedCommand,
        readonly up: PreparedCommand,
        readonly down: PreparedCommand | undefined,
        /** The service whose rollout the migration belongs to; undefined: the stage's first. */
        readonly service?: string,
    ) {}

    /** A hook point without a service (stage-level) always counts; with one, only the owner's. */
    owns(context: HookContext): boolean {
        return this.service === undefined || context.service === undefined || context.service === this.service;
    }

    rolloutSteps(stage: string): PreparedCommand[] {
        return this.stages.has(stage) ? [] : [this.backup, this.up];
    }

    /** Called with each migration command's outcome, in order. */
    observe(context: HookContext, name: string, outcome: "pass" | "fail"): void {
        const stage = context.stage;
        if (name === MIGRATION_NAMES.backup) {
            if (outcome === "pass") this.backups.set(stage, new Date().toISOString());
            else this.stages.set(stage, { step: "backup-failed" });
        } else if (name === MIGRATION_NAMES.up) {
            const backupAt = this.backups.get(stage) ?? "unknown";
            this.stages.set(stage, outcome === "pass" ? { step: "migrated", backupAt, version: context.version } : { step: "up-failed", backupAt });
        } else if (name === MIGRATION_NAMES.down) {
            this.stages.set(stage, { step: "rolled-back" });
        }
    }

    /** What onRollback does about the database in this stage: a command, a note, or nothing (already handled). */
    rollbackStep(stage: string): PreparedCommand | MigrationNote | undefined {
        const state = this.stages.get(stage);
        const name = MIGRATION_NAMES.down;
        if (state?.step === "rolled-back") return undefined;
        // Whatever happens now, it is said once per stage.
        this.stages.set(stage, { step: "rolled-back" });
        if (state === undefined) {
            return {
                kind: "note",
                name,
                warn: false,
                detail: `not run: no migration ran in ${stage} during this run, so there is nothing of it to undo. If the release being left needs its schema undone, run the down migration (shipgate:promotion.migration.down) yourself.`,
            };
        }
        if (state.step === "backup-failed") {
            return { kind: "note", name, warn: false, detail: `not run: the backup failed in ${stage}, so the up migration never ran and the database is unchanged.` };
        }
        if (state.step === "up-failed") {
            return {
                kind: "note",
                name,
                warn: true,
                detail: `not run: the up migration failed in ${stage}. If it left the schema half-migrated, restore the backup taken at ${state.backupAt}.`,
            };
        }
        if (!this.down) {
            return {
                kind: "note",
                name,
                warn: true,
                detail: `NOT RUN: no down migration is configured (shipgate:promotion.migration.down), so the database in ${stage} keeps the schema migrated for ${state.version}. The last good release must work with it (production migrations are additive); otherwise restore the backup taken at ${state.backupAt}.`,
            };
        }
        return this.down;
    }
}
