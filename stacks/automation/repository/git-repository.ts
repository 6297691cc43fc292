import { realpathSync } from "node:fs";
import * as path from "node:path";
import { SimpleGit, simpleGit } from "simple-git";

/** Who commits a write-back: CI's identity when git has none configured. */
export interface GitIdentity {
    readonly name: string;
    readonly email: string;
}

/**
 * The working copy the stack files live in, through simple-git (which runs the git CLI, so a
 * CI runner's credentials, SSH keys and `insteadOf` rules apply as they do for `git push`).
 * Only what the write-back needs; paths are relative to the project folder.
 */
export class GitRepository {
    private constructor(
        private readonly git: SimpleGit,
        /** The repository's top folder. */
        readonly root: string,
        private readonly projectDir: string,
    ) {}

    /** The repository holding `projectDir`, or undefined when it is in none (or git is missing). */
    static async open(projectDir: string): Promise<GitRepository | undefined> {
        try {
            const git = simpleGit(projectDir);
            const root = (await git.revparse(["--show-toplevel"])).trim();
            const top = simpleGit(root);
            // A project in a folder the repository ignores (a throwaway copy in .shipgate/) is not versioned by it.
            const inside = path.relative(root, realpathSync(projectDir));
            const ignored = inside !== "" && (await top.raw(["check-ignore", "--", inside]).catch(() => "")).trim() !== "";
            return ignored ? undefined : new GitRepository(top, root, projectDir);
        } catch {
            return undefined;
        }
    }

    /** A project file's path from the repository's top, as git names it. */
    relative(file: string): string {
        return path.relative(this.root, path.resolve(this.projectDir, file)).split(path.sep).join("/");
    }

    /** The branch checked out, or undefined on a detached HEAD (a CI checkout of a commit). */
    async branch(): Promise<string | undefined> {
        const name = (await this.git.raw(["rev-parse", "--abbrev-ref", "HEAD"])).trim();
        return name === "HEAD" ? undefined : name;
    }

    async head(): Promise<string> {
        return (await this.git.revparse(["HEAD"])).trim();
    }

    async remotes(): Promise<string[]> {
        return (await this.git.getRemotes()).map((r) => r.name);
    }

    /** Those of `files` whose working copy differs from HEAD (staged or not), or that git does not track. */
    async changed(files: readonly string[]): Promise<string[]> {
        const status = await this.git.status(["--", ...files.map((f) => this.relative(f))]);
        const dirty = new Set(status.files.map((f) => f.path));
        return files.filter((f) => dirty.has(this.relative(f)));
    }

    /** Commits exactly these files (nothing else that is staged), as `identity` when git has none. */
    async commit(files: readonly string[], message: string, identity: GitIdentity): Promise<string> {
        const author = await this.identityArgs(identity);
        const paths = files.map((f) => this.relative(f));
        await this.git.raw(["add", "--", ...paths]);
        await this.git.raw([...author, "commit", "--quiet", "-m", message, "--", ...paths]);
        return this.head();
    }

    /** Pushes HEAD to the remote branch; false when the remote refused it as not a fast-forward. */
    async push(remote: string, branch: string): Promise<{ pushed: true } | { pushed: false; reason: string }> {
        try {
            await this.git.raw(["push", "--porcelain", remote, `HEAD:refs/heads/${branch}`]);
            return { pushed: true };
        } catch (err) {
            const text = (err as Error).message;
            if (/\[rejected\]|non-fast-forward|fetch first|stale info/.test(text)) return { pushed: false, reason: firstLine(text) };
            throw err;
        }
    }

    /** Fetches the remote branch; returns the commit it points at. */
    async fetch(remote: string, branch: string): Promise<string> {
        await this.git.raw(["fetch", "--quiet", remote, `refs/heads/${branch}`]);
        return (await this.git.revparse(["FETCH_HEAD"])).trim();
    }

    /** How many commits `upstream` has that HEAD has not. */
    async commitsMissing(upstream: string): Promise<number> {
        return Number((await this.git.raw(["rev-list", "--count", `HEAD..${upstream}`])).trim());
    }

    /** The files changed on `upstream` since it and HEAD parted. */
    async changedSince(upstream: string): Promise<string[]> {
        const base = (await this.git.raw(["merge-base", "HEAD", upstream])).trim();
        const out = await this.git.raw(["diff", "--name-only", base, upstream]);
        return out.split("\n").filter(Boolean);
    }

    /**
     * Replays HEAD's own commits on `upstream`, as `identity` when git has none (a fresh CI
     * runner: the replayed commits need a committer); other changes in the working copy are
     * stashed and restored.
     */
    async rebaseOnto(upstream: string, identity: GitIdentity): Promise<void> {
        try {
            await this.git.raw([...(await this.identityArgs(identity)), "-c", "rebase.autoStash=true", "rebase", "--quiet", upstream]);
        } catch (err) {
            await this.git.raw(["rebase", "--abort"]).catch(() => undefined);
            throw err;
        }
    }

    /** `-c user.name=… -c user.email=…` when git has no identity of its own, else nothing. */
    private async identityArgs(identity: GitIdentity): Promise<string[]> {
        const configured = (await this.config("user.email")) && (await this.config("user.name"));
        return configured ? [] : ["-c", `user.name=${identity.name}`, "-c", `user.email=${identity.email}`];
    }

    private async config(key: string): Promise<string | undefined> {
        try {
            return (await this.git.raw(["config", "--get", key])).trim() || undefined;
        } catch {
            return undefined;
        }
    }
}

function firstLine(text: string): string {
    return text.split("\n").map((l) => l.trim()).find((l) => /rejected|error/.test(l)) ?? text.split("\n")[0];
}
