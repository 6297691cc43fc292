import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/engine";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOf } = require("../../engine/build/fresh-build.js") as { buildOf(root: string, env?: NodeJS.ProcessEnv): { staleReason(): string | undefined } };

// bin/shipgate runs the compiled build when it is fresh (a third of the start-up CPU: every CI
// step pays it) and the TypeScript sources otherwise; both must be the same command line.
describe("the shipgate command's entry point: the fresh build, else the sources", function () {
    this.timeout(60_000);
    let dir: string;
    let reporter: string;
    const version = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version as string;

    before(() => {
        assert.equal(buildOf(REPO_ROOT).staleReason(), undefined, "./dev.sh setup leaves a fresh build");
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-entry-"));
        // Loaded first into the command's own process: names the entry module it ran.
        reporter = path.join(dir, "report-entry.js");
        writeFileSync(
            reporter,
            `process.on("exit", () => { const m = Object.keys(require.cache).find((f) => /stacks[\\\\/]cli[\\\\/]main\\.(js|ts)$/.test(f)); require("fs").writeFileSync(${JSON.stringify(path.join(dir, "entry"))}, m ?? "none"); });\n`,
        );
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
        const r = spawnSync(process.execPath, ["-r", reporter, path.join(REPO_ROOT, "bin", "shipgate"), ...args], {
            env: { ...process.env, SHIPGATE_PROGRAM: undefined, ...env },
            encoding: "utf8",
        });
        return { ...r, entry: path.relative(REPO_ROOT, readFileSync(path.join(dir, "entry"), "utf8")) };
    };

    it("runs dist/ while the build is fresh: the version from package.json, and help", () => {
        const v = run(["--cli-version"]);
        assert.equal(v.status, 0, v.stderr);
        assert.equal(v.stdout.trim(), version);
        assert.equal(v.entry, path.join("dist", "stacks", "cli", "main.js"));
        const help = run(["--help"]);
        assert.equal(help.status, 0, help.stderr);
        assert.match(help.stdout, /^Usage: shipgate /m);
        assert.match(help.stdout, /promote/);
    });

    it("runs the TypeScript sources with SHIPGATE_PROGRAM=source, and says the same", () => {
        const v = run(["--cli-version"], { SHIPGATE_PROGRAM: "source" });
        assert.equal(v.status, 0, v.stderr);
        assert.equal(v.stdout.trim(), version);
        assert.equal(v.entry, path.join("stacks", "cli", "main.ts"));
        assert.equal(run(["--help"], { SHIPGATE_PROGRAM: "source" }).stdout, run(["--help"]).stdout, "the same help either way");
    });

    it("a bad command exits 2 from either entry, naming the command", () => {
        for (const env of [{}, { SHIPGATE_PROGRAM: "source" }]) {
            const r = run(["promte"], env);
            assert.equal(r.status, 2, `${JSON.stringify(env)}: ${r.stderr}`);
            assert.match(r.stderr, /promte/);
        }
    });
});
