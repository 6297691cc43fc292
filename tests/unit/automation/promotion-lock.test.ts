import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InvalidInputError } from "../../../components/release";
import { GateRefusal } from "../../../stacks/automation/errors";
import { openStore } from "../../../stacks/automation/store/open-store";
import { PromotionLock } from "../../../stacks/automation/store/file-lock";

// The promotion lock between real processes: a holder in another process, alive or killed.

const LOCK = path.resolve(__dirname, "../../../stacks/automation/store/file-lock.ts");

/** Another process that takes the lock of `stack` and holds it until killed; resolves with it once held. */
function holder(dir: string, stack: string): Promise<ReturnType<typeof spawn>> {
    const code = `require(${JSON.stringify(LOCK)}).PromotionLock.acquire(${JSON.stringify(dir)}, [${JSON.stringify(stack)}], "other-run").then(() => { console.log("held"); setInterval(() => {}, 1000); });`;
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
    return new Promise((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => d.toString().includes("held") && resolve(child));
        child.on("exit", (c) => reject(new Error(`holder exited with ${c}`)));
    });
}

describe("the promotion lock", function () {
    this.timeout(30_000);
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-lock-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("refuses while another live process holds the stack, naming it", async () => {
        const other = await holder(dir, "production");
        try {
            assert.equal(PromotionLock.holder(dir, "production")?.promotionId, "other-run");
            await assert.rejects(PromotionLock.acquire(dir, ["production"], "mine"), (err: Error) => {
                assert.ok(err instanceof GateRefusal);
                assert.match(err.message, new RegExp(`another promotion is running on stack production \\(other-run, pid ${other.pid} on `));
                return true;
            });
        } finally {
            other.kill("SIGKILL");
        }
    });

    it("takes over at once a lock whose holder on this machine was killed, and says so", async () => {
        const other = await holder(dir, "production");
        const gone = new Promise((r) => other.on("exit", r));
        other.kill("SIGKILL");
        await gone;
        assert.equal(PromotionLock.holder(dir, "production"), undefined, "nobody holds it now");
        const lock = await PromotionLock.acquire(dir, ["staging", "production"], "mine");
        assert.deepEqual(lock.broken, [`production: the lock of other-run was stale (pid ${other.pid} on ${os.hostname()} is gone)`]);
        assert.equal(PromotionLock.holder(dir, "production")?.promotionId, "mine");
        await lock.release();
    });

    it("says whose lock it was when the killed holder's lock had gone stale by age (not refreshed for 30 s)", async () => {
        const other = await holder(dir, "production");
        const gone = new Promise((r) => other.on("exit", r));
        other.kill("SIGKILL");
        await gone;
        // As if the run that killed it came a minute later: proper-lockfile takes the lock as stale itself.
        const aMinuteAgo = new Date(Date.now() - 60_000);
        utimesSync(path.join(dir, "production.lock-target.lock"), aMinuteAgo, aMinuteAgo);
        const lock = await PromotionLock.acquire(dir, ["production"], "mine");
        assert.deepEqual(lock.broken, [`production: the lock of other-run was stale (pid ${other.pid} on ${os.hostname()} is gone)`]);
        await lock.release();
        const next = await PromotionLock.acquire(dir, ["production"], "next");
        assert.deepEqual(next.broken, [], "a lock released as it should be was not stale");
        await next.release();
    });

    it("on a file:// backend that does not exist, refuses naming the URL, and creates nothing", async () => {
        const url = `file://${dir}/no/such/state`;
        const store = openStore({ projectDir: dir, backendUrl: url, env: {} });
        await assert.rejects(store.locks.lock(["production"], "mine"), (err: Error) => {
            assert.ok(err instanceof InvalidInputError);
            assert.match(err.message, new RegExp(`PULUMI_BACKEND_URL: ${url.replace(/[/.]/g, "\\$&")}: there is no folder .*no/such/state: fix the URL`));
            return true;
        });
        assert.equal(existsSync(path.join(dir, "no")), false, "nothing was created");
    });
});
