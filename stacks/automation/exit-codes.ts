/**
 * `shipgate`'s exit codes, documented in the README. CI branches on them: a rolled-back
 * promotion (1) is a failed release with production safe; 4 means a person must act now.
 */
export const ExitCode = {
    /** The promotion (or rollback) completed. */
    Success: 0,
    /** A check failed or the run was interrupted; every stage it touched is back on its last good release. */
    RolledBack: 1,
    /** Bad input (flags, stack config, unknown service or stack); nothing was changed. */
    BadInput: 2,
    /** Refused by a gate (policy pack, change window, approvals, checklist, lock, never-skip-staging); nothing was changed. */
    Refused: 3,
    /** The automatic rollback itself failed: traffic may not be on the last good release. A human is needed. */
    RollbackFailed: 4,
    /** An unexpected error before anything was changed (engine missing, backend unreachable). */
    Error: 5,
    /**
     * The run ended (released, or rolled back) but the repository does not say what runs: the
     * write-back commit could not be pushed. The output gives the commands that reconcile it.
     */
    OutOfStep: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
