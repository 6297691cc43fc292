// A real git remote on disk for the write-back tests: the test project becomes a clone of a bare
// repository, as a CI runner's checkout is a clone of the team's repository.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";

/** Runs git in `cwd` as a test author; returns its trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
    return execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@localhost", ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/**
 * Makes `dir` a clone of a new bare repository `<dir>.origin.git` on branch main, with every
 * file committed except the engine's state and the local platform's leftovers. Returns the origin.
 */
export function publishAsOrigin(dir: string, ignore: readonly string[] = []): string {
    const origin = `${dir}.origin.git`;
    execFileSync("git", ["init", "--quiet", "--bare", "-b", "main", origin]);
    writeFileSync(path.join(dir, ".gitignore"), ["state/", "pulumi-home/", ".shipgate/", ...ignore, ""].join("\n"));
    git(dir, "init", "--quiet", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "commit", "--quiet", "-m", "the shop's stacks");
    git(dir, "remote", "add", "origin", origin);
    git(dir, "push", "--quiet", "-u", "origin", "main");
    return origin;
}

/** Another clone of `origin` at `dir` (a teammate, or the next CI run). */
export function cloneOf(origin: string, dir: string): string {
    execFileSync("git", ["clone", "--quiet", origin, dir]);
    return dir;
}
