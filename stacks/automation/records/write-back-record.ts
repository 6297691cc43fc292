import { z } from "zod";

/** What a run did to the repository that holds the stack files (stacks/automation/repository). */
export const WriteBackRecordSchema = z.object({
    /**
     * pushed: committed and on the remote branch; unchanged: the files already said what runs;
     * skipped: write-back is off or impossible here (detail says why); out-of-step: committed
     * on this runner but not pushed, so the repository does not say what runs.
     */
    outcome: z.enum(["pushed", "unchanged", "skipped", "out-of-step"]),
    commit: z.string().optional(),
    remote: z.string().optional(),
    branch: z.string().optional(),
    /** The stack files committed, as git names them. */
    files: z.array(z.string()).default([]),
    /** Commits that landed first and were replayed under this one (they touched other files). */
    rebasedOver: z.number().int().optional(),
    detail: z.string(),
    /** What a person runs to put the repository in step, when it is not. */
    commands: z.array(z.string()).optional(),
});
export type WriteBackRecord = z.output<typeof WriteBackRecordSchema>;
