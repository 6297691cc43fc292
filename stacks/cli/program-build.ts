import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT as ROOT } from "./repo-root";

/**
 * Before a promotion or a rollback: rebuilds the compiled program and policy pack when stale
 * (an edited source, a new checkout without set-up), about 3 s once instead of a second per
 * step. A build that fails costs only speed: the program then runs from its sources, and the
 * notice says so.
 */
export function refreshProgramBuild(say: (text: string) => void): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const build = require(path.join(ROOT, "engine", "build", "fresh-build.js")) as { staleBuild(): string | undefined };
    const stale = build.staleBuild();
    if (!stale || stale.startsWith("SHIPGATE_PROGRAM")) return;
    const run = spawnSync(process.execPath, [path.join(ROOT, "engine", "build", "build.js")], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    if (run.status === 0) say(`rebuilt the program (${stale.replace(/: run npm run build$/, "")}): ${run.stdout.trim().replace(/^build: /, "")}`);
    else say(`note: the program runs from its TypeScript sources, about a second slower per step (${stale}; the build failed: ${(run.stderr || run.error?.message || "").trim().split("\n")[0]})`);
}
