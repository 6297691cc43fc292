import { InvalidInputError } from "../../components/release";
import { ExitCode, ExitCodeValue } from "./exit-codes";

/** A gate said no (policy, change window, approvals, checklist, lock, never-skip-staging). */
export class GateRefusal extends Error {
    constructor(
        readonly gate: string,
        message: string,
        /** What to do about it, for the person reading the CI log. */
        readonly remedy?: string,
    ) {
        super(`${gate}: ${message}${remedy ? `\n  fix: ${remedy}` : ""}`);
        this.name = "GateRefusal";
    }
}

/** A check failed mid-promotion and the automatic rollback restored the last good release. */
export class PromotionRolledBack extends Error {
    constructor(
        message: string,
        readonly cause?: unknown,
    ) {
        super(message);
        this.name = "PromotionRolledBack";
    }
}

/** The rollback could not restore the last good release: a person must act. */
export class RollbackFailed extends Error {
    constructor(
        message: string,
        /** The manual step to take next, printed loudly. */
        readonly nextStep: string,
        readonly cause?: unknown,
    ) {
        super(`${message}\n  NEXT STEP: ${nextStep}`);
        this.name = "RollbackFailed";
    }
}

/** The run ended, but its release state did not reach the repository (the write-back push failed). */
export class RepositoryOutOfStep extends Error {
    constructor(
        message: string,
        readonly commands: readonly string[],
        /** What the run itself said (a rolled-back promotion's reason), kept for the person reading. */
        readonly cause?: unknown,
    ) {
        super(`${message}${commands.length ? `\n  to put it in step:\n${commands.map((c) => `    ${c}`).join("\n")}` : ""}`);
        this.name = "RepositoryOutOfStep";
    }
}

export function exitCodeFor(err: unknown): ExitCodeValue {
    if (err instanceof InvalidInputError) return ExitCode.BadInput;
    if (err instanceof GateRefusal) return ExitCode.Refused;
    if (err instanceof PromotionRolledBack) return ExitCode.RolledBack;
    if (err instanceof RollbackFailed) return ExitCode.RollbackFailed;
    if (err instanceof RepositoryOutOfStep) return ExitCode.OutOfStep;
    return ExitCode.Error;
}
