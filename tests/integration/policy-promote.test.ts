import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readLog } from "../../stacks/automation/records/deployment-log";
import { parseStackOutputs } from "../../stacks/automation/stack-outputs";
import { Traffic } from "../../stacks/demo/traffic";
import { REPO_ROOT } from "../helpers/engine";
import { PromotionFixture, promotionFixture, usersOf } from "../helpers/promotion-fixture";

// `shipgate promote` with the shipped policy pack (policies/deployment-gates) and its shipped
// per-environment config, as a team runs it: the fixture's bakes are seconds long, which the
// production config's analysis-thresholds gate (5-minute bakes, a 15-minute watch) refuses.
// Each stack names the pack and its config in a folder of the test's own (the pack a link to
// the shipped one), so a test can take either away as a mis-typed path in CI would.
describe("shipgate promote with the shipped policy pack", function () {
    this.timeout(600_000);
    let fx: PromotionFixture;
    let users: Traffic[];
    let configs: string;
    // The demo's checklist: tests, coverage, vulnerabilities and review as the pack asks, at a
    // rehearsal clock inside the change window, so the bakes are the only thing wrong.
    const CHECKLIST = path.join(REPO_ROOT, "stacks", "demo", "checklist.json");
    const config = (environment: string) => path.join(configs, `${environment}.json`);
    const pack = () => path.join(configs, "deployment-gates");
    const shipped = (environment: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, "policies", "config", `${environment}.json`), "utf8")) as Record<string, any>;

    before(async function () {
        this.timeout(300_000);
        configs = mkdtempSync(path.join(os.tmpdir(), "shipgate-policy-config-"));
        for (const environment of ["staging", "production"]) writeFileSync(config(environment), JSON.stringify(shipped(environment)));
        symlinkSync(path.join(REPO_ROOT, "policies", "deployment-gates"), pack());
        fx = await promotionFixture(22300, {}, {
            promotion: (stack) => ({ policy: { packs: [pack()], configs: [config(stack)] } }),
        });
        users = usersOf(fx);
    });

    after(async function () {
        this.timeout(300_000);
        await Promise.all((users ?? []).map((u) => u.stop()));
        await fx?.cleanup();
        if (configs) rmSync(configs, { recursive: true, force: true });
    });

    const versions = async () =>
        Object.fromEntries(
            await Promise.all((["staging", "production"] as const).map(async (s) => [s, parseStackOutputs((await fx.stacks[s].outputs()) as never).services.backend.version] as const)),
        );

    it("refuses production on a real violation (bakes shorter than the protocol's), exit 3, and changes nothing", async () => {
        writeFileSync(config("production"), JSON.stringify(shipped("production")));
        const files = { staging: fx.stackFile("staging"), production: fx.stackFile("production") };
        const before = await versions();
        const run = await fx.shipgate(["promote", "2.1.0", "--service", "backend", "--approver", "alice", "--checklist", CHECKLIST]);
        assert.equal(run.code, 3, run.output);
        assert.match(run.flat, /analysis-thresholds/);
        assert.match(run.flat, /300/, "the figure's threshold: the protocol's 5-minute bake");
        assert.doesNotMatch(run.flat, /tests-passed|coverage-threshold|review-approved|change-window/, "the checklist satisfied every other gate");
        assert.deepEqual(await versions(), before, "no stack moved");
        assert.deepEqual({ staging: fx.stackFile("staging"), production: fx.stackFile("production") }, files, "no stack file changed");
        const log = readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl"));
        assert.equal(log.records[log.records.length - 1].result, "refused");
    });

    it("promotes once the production config allows the bakes: the same pack, every other gate mandatory", async () => {
        const relaxed = shipped("production");
        relaxed["analysis-thresholds"] = { ...relaxed["analysis-thresholds"], minBakeSeconds: 6, minWatchSeconds: 6 };
        writeFileSync(config("production"), JSON.stringify(relaxed));
        try {
            const run = await fx.shipgate(["promote", "2.2.0", "--service", "backend", "--approver", "alice", "--checklist", CHECKLIST]);
            assert.equal(run.code, 0, run.output);
            assert.match(run.flat, /SUCCEEDED: 2\.2\.0/);
            assert.deepEqual(await versions(), { staging: "2.2.0", production: "2.2.0" });
        } finally {
            writeFileSync(config("production"), JSON.stringify(shipped("production")));
        }
    });

    /** A refusal in pre-flight: exit 3 for the reason given, no stack and no stack file moved, staging included. */
    async function refusedAndUnchanged(args: string[], why: RegExp) {
        const files = { staging: fx.stackFile("staging"), production: fx.stackFile("production") };
        const before = await versions();
        const run = await fx.shipgate(args);
        assert.equal(run.code, 3, run.output);
        assert.match(run.flat, why);
        assert.doesNotMatch(run.flat, /DRY RUN OK|SUCCEEDED|gate [a-z]+\/policy:/, "refused before any preview ran");
        assert.deepEqual(await versions(), before, "no stack moved, staging included");
        assert.deepEqual({ staging: fx.stackFile("staging"), production: fx.stackFile("production") }, files, "no stack file changed");
        return run;
    }
    const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

    it("refuses production when its pack is missing (renamed), naming the path and the key, dry run or not", async () => {
        unlinkSync(pack());
        try {
            const where = new RegExp(`policy pack ${escaped(pack())} \\(shipgate:promotion\\.policy\\.packs\\[0\\]\\) does not exist: fix the path or restore the folder`);
            await refusedAndUnchanged(["promote", "2.3.0", "--dry-run", "--approver", "alice", "--checklist", CHECKLIST], where);
            await refusedAndUnchanged(["promote", "2.3.0", "--service", "backend", "--approver", "alice", "--checklist", CHECKLIST], where);
            assert.equal(readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl")).records.at(-1)?.result, "refused");
        } finally {
            if (!existsSync(pack())) symlinkSync(path.join(REPO_ROOT, "policies", "deployment-gates"), pack());
        }
    });

    it("refuses production when its policy config is missing, naming the file", async () => {
        rmSync(config("production"));
        try {
            const where = new RegExp(`policy config ${escaped(config("production"))} \\(shipgate:promotion\\.policy\\.configs\\[0\\]\\) does not exist`);
            await refusedAndUnchanged(["promote", "2.3.0", "--service", "backend", "--approver", "alice", "--checklist", CHECKLIST], where);
        } finally {
            writeFileSync(config("production"), JSON.stringify(shipped("production")));
        }
    });
});
