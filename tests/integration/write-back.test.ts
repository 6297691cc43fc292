import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { describeState, isSettled, liveArtifact, readStackModel } from "../../components/release";
import { Traffic } from "../../stacks/demo/traffic";
import { changesOtherThanSame, pulumiCommand } from "../helpers/engine";
import { cloneOf, git } from "../helpers/git-origin";
import { PromotionFixture, promotionFixture, usersOf } from "../helpers/promotion-fixture";

// One source of truth: the repository says what runs after every promotion and rollback. The
// test project is a clone of a bare origin on disk (as a CI runner's checkout); other clones are
// teammates and the next CI run. The real CLI, the real engine, real git.
describe("the write-back: the repository says what runs after a promotion or a rollback", function () {
    this.timeout(600_000);
    let fx: PromotionFixture;
    let loads: Traffic[] = [];
    const clones: string[] = [];

    before(async function () {
        this.timeout(300_000);
        fx = await promotionFixture(29000);
        loads = usersOf(fx);
    });

    after(async function () {
        this.timeout(300_000);
        await Promise.all(loads.map((l) => l.stop()));
        await fx?.cleanup();
        for (const dir of clones) rmSync(dir, { recursive: true, force: true });
    });

    /**
     * A fresh clone of the origin, as a teammate (or the next CI run) has it: beside the project,
     * because the test project's Pulumi.yaml reaches this repository's program by a relative path.
     */
    const freshClone = () => {
        const dir = cloneOf(fx.origin, `${fx.project.dir}-clone-${clones.length + 1}`);
        clones.push(dir);
        return dir;
    };
    /** The release state a clone's stack file holds. */
    const releaseIn = (dir: string, stack: string, service: string) =>
        (readStackModel((YAML.parse(readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config).model.services[service].release);

    /** `pulumi preview` of a stack from another clone's files, on the same backend. */
    async function previewFrom(dir: string, stack: string): Promise<Record<string, number>> {
        const s: Stack = await LocalWorkspace.selectStack(
            { stackName: stack, workDir: dir },
            { workDir: dir, envVars: fx.project.env, pulumiCommand: await pulumiCommand(), pulumiHome: fx.project.env.PULUMI_HOME },
        );
        return changesOtherThanSame((await s.preview({ color: "never" })).changeSummary);
    }

    /** A teammate's clone that commits an edit of `file` and pushes it when the run prints a line matching `at`. */
    function teammatePushes(at: RegExp, file: string, edit: (text: string) => string, message: string) {
        const dir = freshClone();
        const state = {
            pushed: false,
            onLine: (line: string) => {
                if (state.pushed || !at.test(line)) return;
                state.pushed = true;
                const full = path.join(dir, file);
                writeFileSync(full, edit(existsSync(full) ? readFileSync(full, "utf8") : ""));
                git(dir, "add", file);
                git(dir, "commit", "-qm", message);
                git(dir, "push", "-q", "origin", "main");
            },
        };
        return state;
    }

    const originHead = () => git(fx.origin, "log", "-1", "--format=%s", "main");

    it("pushes the release state after a promotion: a fresh clone's preview of each stack changes nothing", async () => {
        const run = await fx.shipgate(["promote", "2.0.0", "--service", "backend", "--approver", "alice"]);
        assert.equal(run.code, 0, run.output);
        assert.match(run.flat, /repository: committed [0-9a-f]{7} and pushed to origin\/main/);
        assert.equal(originHead(), "shipgate: promote 2.0.0 on staging, production: succeeded");
        assert.match(git(fx.origin, "log", "-1", "--format=%B", "main"), /Shipgate-Promotion: \d{8}T\d{6}-[0-9a-f]{6}/);
        assert.equal(git(fx.project.dir, "status", "--porcelain", "--", "Pulumi.staging.yaml", "Pulumi.production.yaml"), "", "the runner's working copy is clean");

        const b = freshClone();
        assert.equal(describeState(releaseIn(b, "production", "backend")), "stable 2.0.0 100%, no canary");
        assert.deepEqual(await previewFrom(b, "production"), {}, "production from a fresh clone changes nothing");
        assert.deepEqual(await previewFrom(b, "staging"), {}, "staging from a fresh clone changes nothing");
    });

    it("pushes the release state after a rollback: a fresh clone's preview changes nothing", async () => {
        const promoted = await fx.shipgate(["promote", "3.0.0", "--service", "backend", "--stages", "staging"]);
        assert.equal(promoted.code, 0, promoted.output);
        const run = await fx.shipgate(["rollback", "--stack", "staging", "--service", "backend", "--to", "1.0.0"]);
        assert.equal(run.code, 0, run.output);
        assert.match(run.flat, /repository: committed [0-9a-f]{7} and pushed to origin\/main/);
        assert.equal(originHead(), "shipgate: roll back staging to 1.0.0: succeeded");
        const b = freshClone();
        const staging = releaseIn(b, "staging", "backend");
        assert.equal(liveArtifact(staging).version, "1.0.0", describeState(staging));
        assert.ok(isSettled(staging), `settled: ${describeState(staging)}`);
        assert.deepEqual(await previewFrom(b, "staging"), {}, "staging from a fresh clone changes nothing");
    });

    it("replays its commit over a teammate's push to another file, and lands", async () => {
        const teammate = teammatePushes(/^staging\/frontend step 1\//, "RUNBOOK.md", () => "who to call\n", "runbook");
        const run = await fx.shipgate(["promote", "2.0.0", "--service", "frontend", "--stages", "staging"], teammate.onLine);
        assert.ok(teammate.pushed, run.output);
        assert.equal(run.code, 0, run.output);
        assert.match(run.flat, /pushed to origin\/main, replayed over 1 newer commit/);
        assert.equal(originHead(), "shipgate: promote 2.0.0 on staging: succeeded");
        assert.equal(git(fx.origin, "show", "main:RUNBOOK.md"), "who to call", "the teammate's commit is kept");
        assert.deepEqual(await previewFrom(freshClone(), "staging"), {});
    });

    it("reports a teammate's push to the same stack file loudly, with the commands, and exits 6", async () => {
        const teammate = teammatePushes(/^staging\/backend step 1\//, "Pulumi.staging.yaml", (text) => `# edited by hand\n${text}`, "hand edit of staging");
        const run = await fx.shipgate(["promote", "4.0.0", "--service", "backend", "--stages", "staging"], teammate.onLine);
        assert.ok(teammate.pushed, run.output);
        assert.equal(run.code, 6, run.output);
        assert.match(run.flat, /THE REPOSITORY DOES NOT SAY WHAT RUNS: origin\/main has newer commits to Pulumi\.staging\.yaml/);
        assert.match(run.output, /git fetch origin main\n.*git rebase origin\/main/);
        assert.equal(originHead(), "hand edit of staging", "nothing was forced over the teammate's commit");
        const report = readFileSync(/report: (\S+\.md)/.exec(run.flat)![1], "utf8");
        assert.match(report, /## Repository out of step/);
    });

    it("refuses a promotion from a working copy whose release block is not what runs (exit 3), and changes nothing", async () => {
        const file = path.join(fx.project.dir, "Pulumi.production.yaml");
        const doc = YAML.parseDocument(readFileSync(file, "utf8"));
        doc.setIn(["config", "shipgate:services", "backend", "release", "stable"], "0.9.0");
        writeFileSync(file, doc.toString());
        git(fx.project.dir, "commit", "-qam", "an old release block, committed");
        try {
            const before = (await fx.stacks.production.outputs()).services.value.backend;
            const originBefore = git(fx.origin, "rev-parse", "main");
            const run = await fx.shipgate(["promote", "5.0.0", "--service", "backend", "--approver", "alice"]);
            assert.equal(run.code, 3, run.output);
            assert.match(run.flat, /in-step: the repository, the stack and the router disagree on (staging|production)/);
            assert.match(run.flat, /backend: file stable 0\.9\.0 100% \| stack stable \d+\.\d+\.\d+ 100% \| router stable 100%/);
            assert.match(run.flat, /fix: pull the repository \(git pull\)/);
            assert.deepEqual((await fx.stacks.production.outputs()).services.value.backend, before, "production is untouched");
            assert.equal(git(fx.origin, "rev-parse", "main"), originBefore, "nothing was pushed");
            const status = await fx.shipgate(["status", "--stack", "production", "--no-health"]);
            assert.match(status.flat, /✘ OUT OF STEP: file stable 0\.9\.0 100% \| stack stable/);
        } finally {
            git(fx.project.dir, "reset", "-q", "--hard", "HEAD~1");
        }
    });
});
