import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { GateRefusal } from "../../../stacks/automation/errors";
import { exitCodeFor } from "../../../stacks/automation/errors";
import { ExitCode } from "../../../stacks/automation/exit-codes";
import { describeProblems } from "../../../stacks/automation/records/deployment-log";
import { PromotionRecord } from "../../../stacks/automation/records/promotion-record";
import { openStore } from "../../../stacks/automation/store/open-store";
import { ShipgateStore } from "../../../stacks/automation/store/shipgate-store";
import { Azurite, startAzurite } from "../../helpers/azurite";

// shipgate's lock and deployment log in an azblob:// backend, against Azurite on loopback: what
// two runners on two machines share when their Pulumi state is in Azure Blob Storage.

const OPEN_STORE = path.resolve(__dirname, "../../../stacks/automation/store/open-store.ts");
const LEASE = 15;

function record(id: string, result: string, startedAt = new Date().toISOString()): Record<string, unknown> {
    return {
        schemaVersion: 1,
        id,
        kind: "promote",
        version: "2.0.0",
        services: ["backend"],
        stages: ["production"],
        versions: [],
        result,
        startedAt,
        finishedAt: result === "running" ? undefined : new Date().toISOString(),
        deployer: "ci",
        gates: [],
        steps: [],
    };
}

describe("the shared store in an azblob:// backend (Azurite)", function () {
    this.timeout(120_000);
    let azurite: Azurite;
    let n = 0;
    let backend: string;
    let children: ChildProcess[] = [];

    before(async () => {
        azurite = await startAzurite();
    });
    after(async () => {
        await azurite?.stop();
    });
    beforeEach(async () => {
        backend = `${await azurite.container(`state-${++n}`)}/team/shop`;
    });
    afterEach(() => {
        for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
        children = [];
    });

    const env = () => ({ ...azurite.env, SHIPGATE_LOCK_LEASE_SECONDS: String(LEASE) });
    /** A runner's view of the store: each call is a new client, as another machine would have. */
    const runner = (): ShipgateStore => openStore({ projectDir: "/nonexistent-project", backendUrl: backend, env: env() });

    /** Another process (a runner on another machine) that takes the lock and holds it until killed. */
    function otherRunner(stack: string, id: string): Promise<ChildProcess> {
        const code = `require(${JSON.stringify(OPEN_STORE)}).openStore({ projectDir: "/x", backendUrl: ${JSON.stringify(backend)} }).locks.lock([${JSON.stringify(stack)}], ${JSON.stringify(id)}).then(() => { console.log("held"); setInterval(() => {}, 1000); }, (e) => { console.error(e.message); process.exit(3); });`;
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", code], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env() } });
        children.push(child);
        return new Promise((resolve, reject) => {
            child.stdout!.on("data", (d: Buffer) => d.toString().includes("held") && resolve(child));
            child.on("exit", (c) => reject(new Error(`the other runner exited with ${c}`)));
        });
    }

    it("refuses a second holder, naming the first; frees the stack on release", async () => {
        const first = await runner().locks.lock(["staging", "production"], "run-a");
        assert.deepEqual(first.broken, []);
        assert.equal((await runner().locks.holder("production"))?.promotionId, "run-a");
        await assert.rejects(runner().locks.lock(["production"], "run-b"), (err: Error) => {
            assert.ok(err instanceof GateRefusal);
            assert.equal(exitCodeFor(err), ExitCode.Refused);
            assert.match(err.message, /another promotion is running on stack production \(run-a, pid \d+ on .*, since /);
            assert.match(err.message, /frees itself at most 15 s after its last renewal/);
            return true;
        });
        // All or none: a refused run holds nothing, so staging is still only run-a's.
        assert.equal((await runner().locks.holder("staging"))?.promotionId, "run-a");
        await first.release();
        assert.equal(await runner().locks.holder("production"), undefined);
        const second = await runner().locks.lock(["production"], "run-b");
        assert.deepEqual(second.broken, [], "a released lock is not a broken one");
        await second.release();
    });

    it("a killed holder's lease expires: refused at once, taken after the lease, and the take-over is said", async () => {
        const other = await otherRunner("production", "run-killed");
        other.kill("SIGKILL");
        await assert.rejects(runner().locks.lock(["production"], "run-next"), /another promotion is running on stack production \(run-killed/);
        const killedAt = Date.now();
        let taken;
        for (;;) {
            try {
                taken = await runner().locks.lock(["production"], "run-next");
                break;
            } catch (err) {
                if (!(err instanceof GateRefusal)) throw err;
                assert.ok(Date.now() - killedAt < (LEASE + 10) * 1000, "the lease expires within its duration");
                await delay(1_000);
            }
        }
        assert.ok(Date.now() - killedAt >= 5_000, "not before the lease could have run out");
        assert.equal(taken.broken.length, 1);
        assert.match(taken.broken[0], /^production: the lock of run-killed had expired \(pid \d+ on .* stopped renewing it\)$/);
        await taken.release();
    });

    it("a holder that loses its lease is told, so the run can stop", async () => {
        const lost: string[] = [];
        const held = await runner().locks.lock(["production"], "run-a", { onLost: (stack, reason) => lost.push(`${stack}: ${reason}`) });
        // Another party breaks the lease (an operator, or a long network partition).
        await azurite.client(`state-${n}`).getBlockBlobClient("team/shop/.shipgate/locks/production.json").getBlobLeaseClient().breakLease(0);
        const deadline = Date.now() + LEASE * 1000;
        while (!lost.length && Date.now() < deadline) await delay(250);
        assert.equal(lost.length, 1, "told once");
        assert.match(lost[0], /^production: the lease on azblob:\/\/state-\d+\/team\/shop\/\.shipgate\/locks\/production\.json could not be renewed/);
        await held.release();
    });

    it("keeps one record per write, never overwritten; every runner reads every runner's runs", async () => {
        const a = runner();
        const b = runner();
        await a.log.append(record("run-a", "running"));
        await b.log.append(record("run-b", "succeeded"));
        await a.log.append(record("run-a", "rolled-back"));
        const names: string[] = [];
        for await (const blob of azurite.client(`state-${n}`).listBlobsFlat({ prefix: "team/shop/.shipgate/deployments/" })) names.push(blob.name);
        assert.equal(names.length, 3, "three writes, three objects");
        for (const reader of [a, b, runner()]) {
            const log = await reader.log.read();
            assert.deepEqual(
                log.records.map((r: PromotionRecord) => `${r.id} ${r.result}`),
                ["run-b succeeded", "run-a rolled-back"],
            );
            assert.deepEqual(log.problems, []);
        }
    });

    it("a run closed by a runner whose clock is behind is still closed", async () => {
        const store = runner();
        await store.log.append(record("run-a", "running"));
        // The record that closes it, named as if written a minute earlier (another runner's clock).
        const early = new Date(Date.now() - 60_000).toISOString();
        const body = JSON.stringify({ ...record("run-a", "interrupted"), closedBy: "run-b" });
        await azurite
            .client(`state-${n}`)
            .getBlockBlobClient(`team/shop/.shipgate/deployments/${early}-run-a-000001beef.json`)
            .upload(body, Buffer.byteLength(body));
        const log = await store.log.read();
        assert.deepEqual(log.records.map((r) => `${r.id} ${r.result}`), ["run-a interrupted"]);
    });

    it("reports a damaged record by its object's name and reads the rest", async () => {
        const store = runner();
        await store.log.append(record("run-a", "succeeded"));
        await azurite.client(`state-${n}`).getBlockBlobClient("team/shop/.shipgate/deployments/9999-broken.json").upload("{not json", 9);
        const log = await store.log.read();
        assert.deepEqual(log.records.map((r) => r.id), ["run-a"]);
        assert.equal(log.problems.length, 1);
        assert.match(describeProblems(log)[0], /^azblob:\/\/state-\d+\/team\/shop\/\.shipgate\/deployments\/9999-broken\.json: not JSON .* \(record skipped\)$/);
    });

    it("refuses an invalid record before writing anything", async () => {
        const store = runner();
        await assert.rejects(store.log.append({ ...record("run-a", "succeeded"), result: "fine" }), /refusing to append an invalid promotion record/);
        assert.deepEqual((await store.log.read()).records, []);
    });

    it("a store that does not answer refuses within seconds, naming it and never its key", async () => {
        const started = Date.now();
        const dead = openStore({ projectDir: "/x", backendUrl: "azblob://state/team", env: { ...env(), AZURE_STORAGE_DOMAIN: "127.0.0.1:9" } });
        await assert.rejects(dead.locks.lock(["production"], "run-a"), (err: Error) => {
            assert.ok(err instanceof GateRefusal, String(err));
            assert.match(err.message, /^store: cannot use azblob:\/\/state\/team\/\.shipgate\/locks\/production\.json: /);
            assert.doesNotMatch(err.message, new RegExp(azurite.env.AZURE_STORAGE_KEY.slice(0, 12).replace(/[+/]/g, "\\$&")));
            return true;
        });
        await assert.rejects(dead.log.read(), /store: cannot use azblob:\/\/state\/team\/\.shipgate\/deployments\//);
        assert.ok(Date.now() - started < 30_000, `refused in ${Date.now() - started} ms`);
    });

    it("names the missing account and the lease limits as bad input", () => {
        assert.throws(() => openStore({ projectDir: "/x", backendUrl: "azblob://state", env: {} }), /AZURE_STORAGE_ACCOUNT: azblob:\/\/state\/ needs a storage account/);
        assert.throws(() => openStore({ projectDir: "/x", backendUrl: backend, env: { ...env(), SHIPGATE_LOCK_LEASE_SECONDS: "5" } }), /SHIPGATE_LOCK_LEASE_SECONDS: "5" is not a whole number of seconds from 15 to 60/);
    });
});
