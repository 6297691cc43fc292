import { InvalidInputError } from "../../../components/release";
import { GateRefusal } from "../errors";
import { GateResult, PromotionRecord } from "../records/promotion-record";
import { WriteBackRecord } from "../records/write-back-record";
import { GitIdentity, GitRepository } from "./git-repository";
import { commitMessage } from "./commit-message";
import { GitFlags, GitSettings, GitSettingsSchema, ciBranch, runGitSettings } from "./write-back-settings";

/** A stage of the run, as the write-back needs it. */
export interface StageFile {
    readonly stage: string;
    readonly environment: string;
    /** Pulumi.<stage>.yaml, absolute or relative to the project. */
    readonly file: string;
    /** The stage's raw `shipgate:promotion.git`, validated here. */
    readonly git: unknown;
}

/** How many times a push is retried after replaying this commit over someone else's. */
const PUSH_ATTEMPTS = 3;

/**
 * The repository as the one source of truth (DESIGN.md): before a run, a check that what the
 * run changes can be written back (refused in production when it cannot, a warning in
 * staging); after it, one commit of the stack files the run changed, pushed to the branch the
 * run started from. A push refused because someone else pushed is replayed over their commits
 * when they touched other files; when they touched the same stack file, the run says so with
 * the commands that reconcile it, and its exit code says the repository is out of step.
 */
export class ReleaseRepository {
    private settings: (GitSettings & { pushOffBy?: string }) | undefined;
    private branch: string | undefined;
    /** Why nothing is written back this run (write-back off, or impossible outside production). */
    private skip: string | undefined;

    constructor(
        private readonly git: GitRepository | undefined,
        private readonly flags: GitFlags,
        private readonly identity: GitIdentity,
        private readonly env: NodeJS.ProcessEnv = process.env,
    ) {}

    static async open(projectDir: string, flags: GitFlags, env: NodeJS.ProcessEnv = process.env): Promise<ReleaseRepository> {
        return new ReleaseRepository(await GitRepository.open(projectDir), flags, ciIdentity(env), env);
    }

    /** Pre-flight: a gate result, or a refusal when production's release state could not reach the repository. */
    async check(stages: readonly StageFile[], options: { recovering?: boolean } = {}): Promise<GateResult> {
        const parsed = stages.map((s) => {
            const result = GitSettingsSchema.safeParse(s.git ?? {});
            if (!result.success) {
                throw new InvalidInputError(`stack ${s.stage}`, result.error.issues.map((i) => ({ path: `shipgate:promotion.git.${i.path.join(".")}`, message: i.message })));
            }
            return { stage: s.stage, git: result.data, explicit: (s.git ?? {}) as Partial<GitSettings> };
        });
        const settings = runGitSettings(this.flags, parsed);
        this.settings = settings;
        if (!settings.push) {
            this.skip = `write-back off (${settings.pushOffBy}): the repository is not updated by this run`;
            return { gate: "write-back", outcome: "warn", detail: this.skip };
        }
        const problems = await this.problems(stages, settings, options.recovering ?? false);
        if (!problems.length) {
            return { gate: "write-back", outcome: "pass", detail: `the release state will be committed and pushed to ${settings.remote}/${this.branch}` };
        }
        const production = stages.find((s) => s.environment === "production");
        const fix =
            "run from a clone of the repository with the stack files committed, on the branch to push to " +
            "(or name it: --git-remote, --git-branch); or pass --no-git-push if release state is kept elsewhere";
        if (production) {
            throw new GateRefusal("write-back", `${production.stage}'s release state could not be written back: ${problems.join("; ")}`, fix);
        }
        this.skip = `not written back: ${problems.join("; ")}`;
        return { gate: "write-back", outcome: "warn", detail: `${this.skip} (allowed outside production)` };
    }

    /** The stage files that make the write-back impossible, each with why. */
    private async problems(stages: readonly StageFile[], settings: GitSettings, recovering: boolean): Promise<string[]> {
        if (!this.git) return ["the project is not in a git repository"];
        const problems: string[] = [];
        if (!(await this.git.remotes()).includes(settings.remote)) problems.push(`the repository has no remote "${settings.remote}"`);
        this.branch = settings.branch ?? (await this.git.branch()) ?? ciBranch(this.env);
        if (!this.branch) problems.push("HEAD is detached and CI names no branch");
        // Recovering a killed run, the stack file holds that run's own last write: it is restored, then committed.
        const dirty = recovering ? [] : await this.git.changed(stages.map((s) => s.file));
        if (dirty.length) problems.push(`${dirty.map((f) => this.git!.relative(f)).join(", ")} has changes that are not committed (the write-back would commit them as released)`);
        return problems;
    }

    /**
     * After the run (or, with `everyStep`, after each step: `step` names it): commit what it
     * changed in these stack files, and push. Never throws.
     */
    async write(record: PromotionRecord, files: readonly string[], step?: string): Promise<WriteBackRecord | undefined> {
        if (!this.settings || (step && !this.settings.everyStep)) return undefined;
        if (this.skip) return step ? undefined : { outcome: "skipped", files: [], detail: this.skip };
        const git = this.git!;
        const remote = this.settings.remote;
        const branch = this.branch!;
        let commit: string | undefined;
        let names: string[] = [];
        try {
            const changed = await git.changed(files);
            names = changed.map((f) => git.relative(f));
            if (!changed.length) return { outcome: "unchanged", files: [], remote, branch, detail: "the stack files already say what runs: nothing to commit" };
            commit = await git.commit(changed, commitMessage(record, step), this.identity);
            let rebasedOver = 0;
            for (let attempt = 1; ; attempt++) {
                const push = await git.push(remote, branch);
                if (push.pushed) {
                    commit = await git.head();
                    const over = rebasedOver ? `, replayed over ${rebasedOver} newer commit${rebasedOver === 1 ? "" : "s"}` : "";
                    return { outcome: "pushed", commit, remote, branch, files: names, rebasedOver: rebasedOver || undefined, detail: `committed ${commit.slice(0, 7)} and pushed to ${remote}/${branch}${over}` };
                }
                const upstream = await git.fetch(remote, branch);
                const theirs = await git.changedSince(upstream);
                const same = theirs.filter((f) => names.includes(f));
                if (same.length) {
                    return this.outOfStep(
                        commit,
                        names,
                        `${remote}/${branch} has newer commits to ${same.join(", ")}: the push was refused and shipgate will not merge release state`,
                        [`git fetch ${remote} ${branch}`, `git rebase ${remote}/${branch}  # keep the release blocks of ${commit.slice(0, 7)}: they say what runs`, `git push ${remote} HEAD:${branch}`],
                    );
                }
                if (attempt >= PUSH_ATTEMPTS) return this.outOfStep(commit, names, `the push was refused ${attempt} times (${push.reason})`, this.retryCommands());
                rebasedOver += await git.commitsMissing(upstream);
                await git.rebaseOnto(upstream, this.identity);
                commit = await git.head();
            }
        } catch (err) {
            return this.outOfStep(commit, names, `git failed: ${(err as Error).message.split("\n")[0]}`, commit ? this.retryCommands() : [`git commit -m "shipgate: ${record.id}" -- ${names.join(" ")}`, ...this.retryCommands()]);
        }
    }

    private retryCommands(): string[] {
        return [`git pull --rebase ${this.settings!.remote} ${this.branch}`, `git push ${this.settings!.remote} HEAD:${this.branch}`];
    }

    private outOfStep(commit: string | undefined, files: string[], why: string, commands: string[]): WriteBackRecord {
        return {
            outcome: "out-of-step",
            commit,
            remote: this.settings!.remote,
            branch: this.branch,
            files,
            detail: `THE REPOSITORY DOES NOT SAY WHAT RUNS: ${why}${commit ? ` (the release state is in commit ${commit.slice(0, 7)} on this runner only)` : ""}`,
            commands,
        };
    }
}

/** CI's identity for the commit, used only when git has none configured. */
export function ciIdentity(env: NodeJS.ProcessEnv): GitIdentity {
    if (env.GITHUB_ACTIONS === "true") return { name: "github-actions[bot]", email: "41898282+github-actions[bot]@users.noreply.github.com" };
    if (env.BUILD_REQUESTEDFOR) return { name: env.BUILD_REQUESTEDFOR, email: env.BUILD_REQUESTEDFOREMAIL ?? "azure-pipelines@localhost" };
    return { name: "shipgate", email: "shipgate@localhost" };
}
