import { z } from "zod";

/**
 * `shipgate:promotion.git`: where a run writes the release state it changed. The repository's
 * stack files say what runs (DESIGN.md, one source of truth), so the default is to commit and
 * push; `push: false` is for teams that keep release state elsewhere, and the report says so.
 */
export const GitSettingsSchema = z
    .object({
        /** Commit the changed stack files and push them (default true). */
        push: z.boolean().default(true),
        remote: z.string().min(1).default("origin"),
        /** Default: the branch checked out, else CI's branch ($GITHUB_REF_NAME, $BUILD_SOURCEBRANCH). */
        branch: z.string().min(1).optional(),
        /** Also commit and push after each step, so a runner that vanishes leaves the repository at its last step. */
        everyStep: z.boolean().default(false),
    })
    .strict();

export type GitSettings = z.output<typeof GitSettingsSchema>;

/** What the command line says about the write-back; it wins over every stack's config. */
export interface GitFlags {
    readonly push?: boolean;
    readonly remote?: string;
    readonly branch?: string;
}

/** The run's write-back settings: the flags, else the first stage that says, else the defaults. */
export function runGitSettings(flags: GitFlags, stages: readonly { stage: string; git: GitSettings; explicit: Partial<GitSettings> }[]): GitSettings & { pushOffBy?: string } {
    const said = <K extends keyof GitSettings>(key: K) => stages.find((s) => s.explicit[key] !== undefined);
    const pushOff = stages.find((s) => s.explicit.push === false);
    const push = flags.push ?? !pushOff;
    return {
        push,
        remote: flags.remote ?? said("remote")?.git.remote ?? "origin",
        branch: flags.branch ?? said("branch")?.git.branch,
        everyStep: said("everyStep")?.git.everyStep ?? false,
        pushOffBy: push ? undefined : flags.push === false ? "--no-git-push" : `shipgate:promotion.git.push: false in Pulumi.${pushOff?.stage}.yaml`,
    };
}

/** CI's branch when the checkout is a detached commit (GitHub Actions, Azure Pipelines). */
export function ciBranch(env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (env.GITHUB_REF_TYPE === "branch" && env.GITHUB_REF_NAME) return env.GITHUB_REF_NAME;
    if (env.GITHUB_HEAD_REF) return env.GITHUB_HEAD_REF;
    const azure = env.BUILD_SOURCEBRANCH;
    if (azure?.startsWith("refs/heads/")) return azure.slice("refs/heads/".length);
    return undefined;
}
