import { strict as assert } from "node:assert";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { EngineUpFailed, engineUp } from "../../../stacks/automation/engine-up";

// engineUp runs the CLI's `up` itself and reads the outcome from its event log. Here a stand-in
// CLI (a shell script) plays the engine's part, so what engineUp does with the arguments, the
// event log, a failure and an interruption can be checked; the real CLI runs it in every
// integration test.
describe("a step's up (engineUp) and the CLI it runs", () => {
    let dir: string;
    const stackWith = (script: string): Stack => {
        const cli = path.join(dir, "pulumi");
        writeFileSync(cli, `#!/usr/bin/env bash\n${script}\n`);
        chmodSync(cli, 0o755);
        return { name: "production", workspace: { pulumiCommand: { command: cli }, workDir: dir, envVars: { PULUMI_BACKEND_URL: "file:///tmp/x" }, pulumiHome: undefined } } as unknown as Stack;
    };
    beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-engine-up-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("runs up --yes --skip-preview on the stack and takes the outputs and changes from its event log", async () => {
        const stack = stackWith(`
printf '%s\\n' "$@" > "${"$"}{0%/*}/args"
env > "${"$"}{0%/*}/env"
log=$(printf '%s\\n' "$@" | grep -A1 -- --event-log | tail -1)
echo '{"resOutputsEvent":{"metadata":{"type":"pulumi:pulumi:Stack","urn":"u","op":"same","new":{"outputs":{"environment":"production"}}}}}' >> "$log"
echo '{"summaryEvent":{"resourceChanges":{"same":11,"update":1},"maybeCorrupt":false,"durationSeconds":1}}' >> "$log"`);
        const result = await engineUp(stack, { message: "shipgate p1: backend step 1" });
        assert.deepEqual(result, { outputs: { environment: "production" }, changes: { same: 11, update: 1 } });
        const args = readFileSync(path.join(dir, "args"), "utf8").trim().split("\n");
        assert.deepEqual(args.slice(0, 4), ["up", "--yes", "--skip-preview", "--non-interactive"]);
        assert.equal(args[args.indexOf("--stack") + 1], "production");
        assert.equal(args[args.indexOf("--message") + 1], "shipgate p1: backend step 1");
        assert.ok(!args.includes("--refresh"), "no refresh: a step needs none");
        const env = readFileSync(path.join(dir, "env"), "utf8");
        assert.match(env, /^PULUMI_BACKEND_URL=file:\/\/\/tmp\/x$/m, "the workspace's environment reaches the CLI");
    });

    it("fails with the engine's exit code and its last words", async () => {
        const stack = stackWith(`echo "Updating (production):" ; echo "error: update failed: backend-route: connection refused" >&2; exit 255`);
        await assert.rejects(engineUp(stack), (err: unknown) => {
            assert.ok(err instanceof EngineUpFailed);
            assert.equal(err.exitCode, 255);
            assert.match(err.message, /pulumi up of stack production failed \(exit 255\):\nerror: update failed: backend-route: connection refused/);
            return true;
        });
    });

    it("passes an interruption on as SIGINT, so the engine can finish and save its state", async () => {
        const stack = stackWith(`trap 'echo "saving state" >&2; exit 130' INT; for i in $(seq 100); do sleep 0.05; done; exit 0`);
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 300);
        await assert.rejects(engineUp(stack, { signal: controller.signal }), (err: unknown) => {
            assert.ok(err instanceof EngineUpFailed);
            assert.equal(err.exitCode, 130);
            assert.match(err.message, /saving state/);
            return true;
        });
    });
});
