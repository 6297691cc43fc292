import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/engine";

// The README's promise: after `eval "$(./dev.sh env)"`, or through `./dev.sh run`, `shipgate` is
// a command; and set-up never makes the backend folder a user named (a typo must stay an error).
describe("./dev.sh env and ./dev.sh run", function () {
    this.timeout(300_000);
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-dev-env-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const bash = (script: string, env: Record<string, string> = {}) =>
        execFileSync("bash", ["-c", script], { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

    it("puts shipgate on PATH in the shell that evals it", () => {
        const out = bash('eval "$(./dev.sh env 2>/dev/null)" && command -v shipgate && shipgate --help');
        assert.match(out, new RegExp(`^${path.join(REPO_ROOT, "bin", "shipgate").replace(/[/.]/g, "\\$&")}$`, "m"));
        assert.match(out, /promote \[options\] <version>/);
    });

    it("runs shipgate through ./dev.sh run", () => {
        assert.match(bash("./dev.sh run shipgate --help 2>/dev/null"), /rollback \[options\]/);
    });

    it("does not create a backend folder that was named and does not exist", () => {
        const url = `file://${dir}/typo/state`;
        const out = bash('eval "$(./dev.sh env 2>/dev/null)" && printf %s "$PULUMI_BACKEND_URL"', { PULUMI_BACKEND_URL: url });
        assert.equal(out, url, "the URL is kept as given");
        assert.equal(existsSync(path.join(dir, "typo")), false, "and nothing was created for it");
    });
});
