import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import pino from "pino";
import { createHooks } from "../../../stacks/automation/hooks/configured-hooks";
import { HookContext, HookFailure } from "../../../stacks/automation/hooks/hook-types";
import { CapturedLog, alive, waitFor } from "./loopback";

/** Command hooks as real processes: exit codes, output, timeouts that kill the whole tree, the context in the environment. */

const context: HookContext = {
    promotionId: "p-42",
    stage: "production",
    environment: "production",
    version: "1.3.0",
    previousVersion: "1.2.0",
    service: "backend",
    step: { index: 1, kind: "canary", summary: "canary 50%" },
    endpoint: "http://127.0.0.1:18010",
};

async function rejection(p: Promise<unknown>): Promise<unknown> {
    try {
        await p;
    } catch (err) {
        return err;
    }
    assert.fail("expected a rejection");
}

describe("command hooks (real processes)", function () {
    this.timeout(30_000);
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-hooks-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("passes on exit 0, with the last line of output; runs in the configured cwd", async () => {
        writeFileSync(path.join(dir, "smoke.sh"), "#!/bin/sh\necho checking\necho \"14 passing in $(pwd)\"\n", { mode: 0o755 });
        const hooks = createHooks({ hooks: { afterStep: [{ name: "smoke", command: ["./smoke.sh"], cwd: "." }] } }, { projectDir: dir });
        const outcomes = await hooks.run("afterStep", context);
        assert.equal(outcomes.length, 1);
        assert.equal(outcomes[0].outcome, "pass");
        assert.match(outcomes[0].detail, new RegExp(`^exit 0 after \\d+(\\.\\d)? s: 14 passing in ${dir}$`));
        assert.deepEqual(hooks.outcomes, outcomes);
    });

    it("fails on a non-zero exit with its output, stops the point there, and throws HookFailure", async () => {
        const ran = path.join(dir, "ran");
        const hooks = createHooks(
            {
                hooks: {
                    afterStep: [
                        { name: "check", command: ["sh", "-c", "echo 'expected 200, got 503' >&2; exit 3"] },
                        { name: "after", command: ["touch", ran] },
                    ],
                },
            },
            { projectDir: dir },
        );
        const err = await rejection(hooks.run("afterStep", context));
        assert.ok(err instanceof HookFailure);
        assert.equal(err.outcomes.length, 1);
        assert.equal(err.outcomes[0].outcome, "fail");
        assert.match(err.outcomes[0].detail, /^exit 3 after [\d.]+ s\nexpected 200, got 503$/);
        assert.match(err.message, /^hook afterStep\/check: exit 3/);
        assert.equal(existsSync(ran), false, "the next hook did not run");
    });

    it("a timeout kills the whole process tree, not only the first process", async () => {
        const pids = path.join(dir, "pids");
        const hooks = createHooks(
            // The shell starts a grandchild that would otherwise outlive it; both ignore nothing, so SIGTERM ends them.
            { hooks: { beforeRollout: [{ name: "hang", command: ["sh", "-c", `sleep 60 & echo $$ $! > ${pids}; wait`], timeoutSeconds: 1 }] } },
            { projectDir: dir, killGraceMs: 500 },
        );
        const started = Date.now();
        const err = await rejection(hooks.run("beforeRollout", context));
        assert.ok(err instanceof HookFailure);
        assert.ok(Date.now() - started < 5000, "it did not wait for the sleep");
        assert.match(err.outcomes[0].detail, /^timed out after 1 s \(timeoutSeconds\): its process group was killed/);
        const [shell, sleeper] = readFileSync(pids, "utf8").trim().split(" ").map(Number);
        assert.ok(await waitFor(() => !alive(shell) && !alive(sleeper), 3000), `processes ${shell} and ${sleeper} are gone`);
    });

    it("a command that ignores SIGTERM is killed after the grace period", async () => {
        const pidFile = path.join(dir, "pid");
        const hooks = createHooks(
            { hooks: { beforeRollout: [{ name: "stubborn", command: ["sh", "-c", `trap '' TERM; echo $$ > ${pidFile}; while true; do sleep 0.1; done`], timeoutSeconds: 1 }] } },
            { projectDir: dir, killGraceMs: 300 },
        );
        await rejection(hooks.run("beforeRollout", context));
        const pid = Number(readFileSync(pidFile, "utf8"));
        assert.ok(await waitFor(() => !alive(pid), 3000));
    });

    it("gets the hook context as SHIPGATE_* variables, plus its configured env", async () => {
        const out = path.join(dir, "env.json");
        const script = `require("fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("SHIPGATE_") || k === "DB_NAME"))))`;
        const hooks = createHooks({ hooks: { afterStep: [{ name: "env", command: [process.execPath, "-e", script], env: { DB_NAME: "shop" } }] } }, { projectDir: dir, env: { ...process.env, SHIPGATE_REASON: "stale" } });
        await hooks.run("afterStep", context);
        const env = JSON.parse(readFileSync(out, "utf8"));
        assert.equal(env.SHIPGATE_PROMOTION_ID, "p-42");
        assert.equal(env.SHIPGATE_STAGE, "production");
        assert.equal(env.SHIPGATE_VERSION, "1.3.0");
        assert.equal(env.SHIPGATE_PREVIOUS_VERSION, "1.2.0");
        assert.equal(env.SHIPGATE_SERVICE, "backend");
        assert.equal(env.SHIPGATE_STEP_INDEX, "1");
        assert.equal(env.SHIPGATE_STEP_SUMMARY, "canary 50%");
        assert.equal(env.SHIPGATE_ENDPOINT, "http://127.0.0.1:18010");
        assert.equal(env.SHIPGATE_HOOK_POINT, "afterStep");
        assert.equal(env.SHIPGATE_HOOK_NAME, "env");
        assert.equal(env.SHIPGATE_REASON, undefined, "a stale inherited value is not passed on");
        assert.equal(env.DB_NAME, "shop");
        assert.equal(JSON.parse(env.SHIPGATE_CONTEXT).step.kind, "canary");
    });

    it("runs without a shell: a version string cannot inject a command", async () => {
        const marker = path.join(dir, "pwned");
        const out = path.join(dir, "argv");
        const hooks = createHooks(
            { hooks: { afterStep: [{ name: "argv", command: [process.execPath, "-e", `require("fs").writeFileSync(${JSON.stringify(out)}, process.argv[1])`, `1.0; touch ${marker}`] }] } },
            { projectDir: dir },
        );
        await hooks.run("afterStep", context);
        assert.equal(readFileSync(out, "utf8"), `1.0; touch ${marker}`);
        assert.equal(existsSync(marker), false);
    });

    it("a command that is not there fails with why", async () => {
        const hooks = createHooks({ hooks: { afterStep: [{ name: "missing", command: ["./no-such-script.sh"] }] } }, { projectDir: dir });
        const err = (await rejection(hooks.run("afterStep", context))) as HookFailure;
        assert.match(err.outcomes[0].detail, /^command not found: \.\/no-such-script\.sh \(ENOENT/);
    });

    it("keeps the head and tail of a long output, and says how much was cut", async () => {
        const hooks = createHooks(
            { hooks: { afterStep: [{ name: "noisy", command: [process.execPath, "-e", "console.log('FIRST'); for (let i = 0; i < 5000; i++) console.log('line ' + i); console.log('LAST'); process.exitCode = 1"] }] } },
            { projectDir: dir },
        );
        const err = (await rejection(hooks.run("afterStep", context))) as HookFailure;
        const detail = err.outcomes[0].detail;
        assert.ok(detail.length < 5000, `detail is ${detail.length} chars`);
        assert.match(detail, /^exit 1 after [\d.]+ s\nFIRST\n/);
        assert.match(detail, /… \d+ bytes of output omitted …/);
        assert.match(detail, /LAST$/);
    });

    it("runs a hook only for its services; a point without a service runs it", async () => {
        const hooks = createHooks({ hooks: { afterStep: [{ name: "fe-only", command: ["true"], services: ["frontend"] }] } }, { projectDir: dir });
        assert.deepEqual(await hooks.run("afterStep", context), []);
        assert.equal((await hooks.run("afterStep", { ...context, service: "frontend" })).length, 1);
        assert.equal((await hooks.run("afterStep", { ...context, service: undefined })).length, 1);
    });

    it("on rollback runs every hook even after a failure, then reports the failures", async () => {
        const ran = path.join(dir, "ran");
        const hooks = createHooks(
            { hooks: { onRollback: [{ name: "first", command: ["false"] }, { name: "second", command: ["touch", ran] }] } },
            { projectDir: dir },
        );
        const err = (await rejection(hooks.run("onRollback", context))) as HookFailure;
        assert.deepEqual(err.outcomes.map((o) => [o.name, o.outcome]), [
            ["first", "fail"],
            ["second", "pass"],
        ]);
        assert.ok(existsSync(ran));
    });

    it("an interruption kills the running hook and rejects with the signal's reason", async () => {
        const pidFile = path.join(dir, "pid");
        const hooks = createHooks({ hooks: { afterStep: [{ name: "long", command: ["sh", "-c", `echo $$ > ${pidFile}; sleep 60`] }] } }, { projectDir: dir, killGraceMs: 300 });
        const controller = new AbortController();
        const running = hooks.run("afterStep", context, controller.signal);
        await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "", 5000);
        const reason = new Error("SIGINT");
        controller.abort(reason);
        assert.equal(await rejection(running), reason);
        assert.match(hooks.outcomes[0].detail, /^interrupted after/);
        assert.ok(await waitFor(() => !alive(Number(readFileSync(pidFile, "utf8"))), 3000));
    });

    it("logs each outcome as structured JSON through a pino logger", async () => {
        const captured = new CapturedLog();
        const hooks = createHooks({ hooks: { afterRollout: [{ name: "done", command: ["true"] }] } }, { projectDir: dir, logger: pino({ level: "info" }, captured) });
        await hooks.run("afterRollout", context);
        const line = JSON.parse(captured.lines[0]);
        assert.equal(line.msg, "hook afterRollout/done passed");
        assert.equal(line.hook, "done");
        assert.equal(line.stage, "production");
        assert.equal(line.outcome, "pass");
        assert.equal(typeof line.durationMs, "number");
    });
});
