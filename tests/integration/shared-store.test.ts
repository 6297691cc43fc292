import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { strict as assert } from "node:assert";
import { rmSync } from "node:fs";
import { openStore } from "../../stacks/automation/store/open-store";
import { PromotionRecord } from "../../stacks/automation/records/promotion-record";
import { parseStackOutputs } from "../../stacks/automation/stack-outputs";
import { Traffic } from "../../stacks/demo/traffic";
import { Azurite, startAzurite } from "../helpers/azurite";
import { changesOtherThanSame, pulumiCommand } from "../helpers/engine";
import { cloneOf } from "../helpers/git-origin";
import { PromotionFixture, promotionFixture, usersOf } from "../helpers/promotion-fixture";
import { ShipgateRun, runShipgate } from "../helpers/shipgate-cli";

// Team scale: the Pulumi state in Azure Blob Storage (Azurite on loopback, through the Pulumi
// CLI's own azblob driver), and two CI runners, each its own clone of the repository with an
// empty `.shipgate/`. What they share is only the backend: the promotion lock and the
// deployment log live there too. The real CLI, engine, HAProxy, Prometheus and git.
describe("many runners, one store: the lock and the deployment log beside azblob:// state", function () {
    this.timeout(900_000);
    // Long enough that the next runner (a clone, and shipgate starting on a busy machine) reaches the lock before it expires.
    const LEASE = 45;
    let azurite: Azurite;
    let fx: PromotionFixture;
    let loads: Traffic[] = [];
    const clones: string[] = [];

    before(async function () {
        this.timeout(300_000);
        azurite = await startAzurite();
        const backend = await azurite.container("pulumi-state");
        fx = await promotionFixture(29800, { ...azurite.env, PULUMI_BACKEND_URL: `${backend}/shop`, SHIPGATE_LOCK_LEASE_SECONDS: String(LEASE) });
        loads = usersOf(fx);
    });

    after(async function () {
        this.timeout(300_000);
        await Promise.all(loads.map((l) => l.stop()));
        await fx?.cleanup();
        await azurite?.stop();
        for (const dir of clones) rmSync(dir, { recursive: true, force: true });
    });

    /** A CI runner: a fresh clone of the origin (so no `.shipgate/` of its own), on the same backend. */
    function runner(): { dir: string; shipgate(args: string[], onLine?: Parameters<typeof runShipgate>[3]): Promise<ShipgateRun> } {
        const dir = cloneOf(fx.origin, `${fx.project.dir}-runner-${clones.length + 1}`);
        clones.push(dir);
        return { dir, shipgate: (args, onLine) => runShipgate(dir, fx.project.env, args, onLine) };
    }
    /** The shared log, read as a third party would: straight from the store. */
    const sharedLog = async (): Promise<PromotionRecord[]> =>
        (await openStore({ projectDir: fx.project.dir, backendUrl: fx.project.env.PULUMI_BACKEND_URL, env: fx.project.env }).log.read()).records;
    const runOf = async (version: string) => (await sharedLog()).filter((r) => r.version === version && r.kind === "promote").pop();

    it("two runners promote the same stacks at once: one runs, the other is refused (exit 3) naming the holder", async () => {
        const [a, b] = [runner(), runner()];
        let refused: Promise<ShipgateRun> | undefined;
        const first = await a.shipgate(["promote", "2.0.0", "--service", "backend", "--approver", "alice"], (line) => {
            if (!refused && /^staging\/backend step 1\//.test(line)) refused = b.shipgate(["promote", "2.0.1", "--service", "backend", "--approver", "alice"]);
        });
        assert.ok(refused, `the second runner started while the first was at a step:\n${first.output}`);
        const second = await refused;
        assert.equal(first.code, 0, first.output);
        assert.equal(second.code, 3, second.output);
        const holder = await runOf("2.0.0");
        assert.match(second.flat, new RegExp(`another promotion is running on stack (staging|production) \\(${holder!.id}, pid \\d+ on `));
        assert.doesNotMatch(second.flat, /WARN the promotion lock is on this runner only/, "the lock is shared, and not said to be local");
        const prod = parseStackOutputs((await fx.stacks.production.outputs()) as never);
        assert.equal(prod.services.backend.version, "2.0.0", "the refused run changed nothing");
        assert.equal((await runOf("2.0.1"))?.result, "refused", "and its refusal is in the shared log");
    });

    it("a killed holder: refused while its lease lasts, then the next runner takes the lock and recovers the stage", async () => {
        const a = runner();
        let killed = false;
        const run = await a.shipgate(["promote", "3.0.0", "--service", "backend", "--approver", "alice"], (line, child) => {
            if (!killed && /^staging\/backend step 2\//.test(line)) {
                killed = true;
                child.kill("SIGKILL");
            }
        });
        assert.ok(killed && run.code === null, `the first runner was killed mid-staging:\n${run.output}`);
        const interrupted = await runOf("3.0.0");
        assert.equal(interrupted?.result, "running", "the shared log shows the run unfinished");
        const killedAt = Date.now();

        // The next runner's clone has never seen that run: only the shared store knows of it.
        const b = runner();
        const early = await b.shipgate(["promote", "3.0.1", "--service", "backend", "--approver", "alice"]);
        assert.equal(early.code, 3, early.output);
        assert.match(early.flat, new RegExp(`another promotion is running on stack staging \\(${interrupted!.id}, .*frees itself at most ${LEASE} s after its last renewal`, "s"));

        let next: ShipgateRun;
        for (;;) {
            next = await b.shipgate(["promote", "3.0.1", "--service", "backend", "--approver", "alice"]);
            if (next.code !== 3 || !/another promotion is running/.test(next.output)) break;
            assert.ok(Date.now() - killedAt < (LEASE + 30) * 1000, `the lease expired within its duration:\n${next.output}`);
        }
        assert.equal(next.code, 0, next.output);
        assert.match(next.flat, new RegExp(`the lock of ${interrupted!.id} had expired \\(pid \\d+ on .* stopped renewing it\\)`));
        assert.match(next.flat, new RegExp(`recovery: WARN promotion ${interrupted!.id} of 3\\.0\\.0 was interrupted at staging/backend step`));
        assert.match(next.flat, /SUCCEEDED: 3\.0\.1/);

        const closed = (await sharedLog()).find((r) => r.id === interrupted!.id)!;
        assert.equal(closed.result, "interrupted", "the run the killed runner left is closed in the shared log");
        for (const stack of ["staging", "production"] as const) {
            const out = parseStackOutputs((await fx.stacks[stack].outputs()) as never);
            assert.equal(out.services.backend.version, "3.0.1", stack);
        }
        // The runner that finished pushed what runs: a fresh clone's `pulumi preview` changes nothing.
        const fresh = runner();
        for (const stack of ["staging", "production"]) {
            const s = await LocalWorkspace.selectStack(
                { stackName: stack, workDir: fresh.dir },
                { workDir: fresh.dir, envVars: fx.project.env, pulumiCommand: await pulumiCommand(), pulumiHome: fx.project.env.PULUMI_HOME },
            );
            assert.deepEqual(changesOtherThanSame((await s.preview({ color: "never" })).changeSummary), {}, `${stack}: the stack equals the repository`);
        }
    });

    it("runs from two runners appear in one `shipgate history`, and `shipgate metrics` counts both", async () => {
        const reader = runner();
        const before = JSON.parse((await reader.shipgate(["metrics", "--stage", "production", "--json"])).output) as { counts: { deployed: number } };
        const a = runner();
        const first = await a.shipgate(["promote", "4.0.0", "--service", "frontend", "--approver", "alice"]);
        assert.equal(first.code, 0, first.output);
        const b = runner(); // cloned after the first runner pushed
        const second = await b.shipgate(["promote", "4.1.0", "--service", "frontend", "--approver", "bob"]);
        assert.equal(second.code, 0, second.output);
        const ids = [(await runOf("4.0.0"))!.id, (await runOf("4.1.0"))!.id];

        // A third runner, whose `.shipgate/` holds nothing, reads both.
        const history = await reader.shipgate(["history", "--stack", "production", "--json"]);
        assert.equal(history.code, 0, history.output);
        const shown = (JSON.parse(history.output) as PromotionRecord[]).map((r) => r.id);
        for (const id of ids) assert.ok(shown.includes(id), `history shows ${id}: ${shown.join(", ")}`);
        const text = await reader.shipgate(["history", "--stack", "production"]);
        assert.match(text.flat, /4\.0\.0/);
        assert.match(text.flat, /4\.1\.0/);
        const after = JSON.parse((await reader.shipgate(["metrics", "--stage", "production", "--json"])).output) as { counts: { deployed: number } };
        assert.equal(after.counts.deployed, before.counts.deployed + 2, "both runners' deployments are counted");
    });
});
