import { execFileSync } from "node:child_process";

/** The commit being released and when it was committed (lead time), from CI's variables or git. */
export function gitInfo(cwd: string, commit?: string): { commit?: string; committedAt?: string } {
    const sha = commit ?? process.env.GITHUB_SHA ?? process.env.BUILD_SOURCEVERSION ?? run(cwd, ["rev-parse", "HEAD"]);
    if (!sha) return {};
    return { commit: sha, committedAt: run(cwd, ["show", "-s", "--format=%cI", sha]) };
}

/** Who is releasing: the CI actor, else the local user. */
export function deployer(): string | undefined {
    return process.env.GITHUB_ACTOR ?? process.env.BUILD_REQUESTEDFOR ?? process.env.USER ?? undefined;
}

function run(cwd: string, args: string[]): string | undefined {
    try {
        return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
    } catch {
        return undefined;
    }
}
