import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GateRefusal } from "../../../stacks/automation/errors";
import { PromotionRecord, startRecord } from "../../../stacks/automation/records/promotion-record";
import { ReleaseRepository, StageFile } from "../../../stacks/automation/repository/release-repository";
import { cloneOf, git, publishAsOrigin } from "../../helpers/git-origin";

// The write-back against real git: a bare origin and clones on disk, as a CI runner has.

const stage = (name: string, environment = name, gitSettings?: unknown): StageFile => ({ stage: name, environment, file: `Pulumi.${name}.yaml`, git: gitSettings });

function record(result: PromotionRecord["result"] = "succeeded"): PromotionRecord {
    const r = startRecord({ id: "20261202T010203-abcdef", kind: "promote", version: "2.0.0", stages: ["staging", "production"], startedAt: new Date().toISOString() });
    r.result = result;
    r.versions.push({ stage: "production", service: "backend", strategy: "canary", from: "1.0.0", to: "2.0.0", final: "2.0.0" });
    return r;
}

describe("the write-back (stack files committed and pushed after a run)", () => {
    let root: string;
    let a: string;
    let origin: string;
    const files = ["Pulumi.staging.yaml", "Pulumi.production.yaml"];

    beforeEach(() => {
        root = mkdtempSync(path.join(os.tmpdir(), "shipgate-wb-"));
        a = path.join(root, "a");
        mkdirSync(a);
        for (const f of files) writeFileSync(path.join(a, f), "config:\n  version: 1.0.0\n");
        writeFileSync(path.join(a, "README.md"), "shop\n");
        origin = publishAsOrigin(a);
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const release = (dir: string, version: string) => writeFileSync(path.join(dir, "Pulumi.production.yaml"), `config:\n  version: ${version}\n`);
    const originFile = (file: string) => git(origin, "show", `main:${file}`);

    it("commits only the changed stack file, pushes it, and names the promotion in the message", async () => {
        const repo = await ReleaseRepository.open(a, {});
        const gate = await repo.check([stage("staging"), stage("production")]);
        assert.equal(gate.outcome, "pass", gate.detail);
        release(a, "2.0.0");
        writeFileSync(path.join(a, "notes.txt"), "not part of the release\n");
        const result = await repo.write(record(), files);
        assert.equal(result?.outcome, "pushed", result?.detail);
        assert.deepEqual(result?.files, ["Pulumi.production.yaml"]);
        assert.match(originFile("Pulumi.production.yaml"), /2\.0\.0/);
        const message = git(origin, "log", "-1", "--format=%B", "main");
        assert.match(message, /^shipgate: promote 2\.0\.0 on staging, production: succeeded/);
        assert.match(message, /Shipgate-Promotion: 20261202T010203-abcdef/);
        assert.match(message, /backend 1\.0\.0 → 2\.0\.0 \(production\)/);
        assert.throws(() => git(origin, "show", "main:notes.txt"), "an unrelated file is not committed");
    });

    it("says unchanged when the files already say what runs (a rolled-back run)", async () => {
        const repo = await ReleaseRepository.open(a, {});
        await repo.check([stage("production")]);
        const before = git(origin, "rev-parse", "main");
        const result = await repo.write(record("rolled-back"), files);
        assert.equal(result?.outcome, "unchanged");
        assert.equal(git(origin, "rev-parse", "main"), before);
    });

    it("replays its commit over a teammate's commit to another file, and pushes", async () => {
        const repo = await ReleaseRepository.open(a, {});
        await repo.check([stage("production")]);
        const b = cloneOf(origin, path.join(root, "b"));
        writeFileSync(path.join(b, "README.md"), "shop, edited\n");
        git(b, "commit", "-qam", "docs");
        git(b, "push", "-q", "origin", "main");
        release(a, "2.0.0");
        const result = await repo.write(record(), files);
        assert.equal(result?.outcome, "pushed", result?.detail);
        assert.equal(result?.rebasedOver, 1);
        assert.match(result!.detail, /replayed over 1 newer commit/);
        assert.match(originFile("Pulumi.production.yaml"), /2\.0\.0/);
        assert.equal(originFile("README.md"), "shop, edited");
    });

    it("reports a teammate's commit to the same stack file as out of step, with the commands, and pushes nothing", async () => {
        const repo = await ReleaseRepository.open(a, {});
        await repo.check([stage("production")]);
        const b = cloneOf(origin, path.join(root, "b"));
        release(b, "1.5.0");
        git(b, "commit", "-qam", "hand edit");
        git(b, "push", "-q", "origin", "main");
        release(a, "2.0.0");
        const result = await repo.write(record(), files);
        assert.equal(result?.outcome, "out-of-step");
        assert.match(result!.detail, /THE REPOSITORY DOES NOT SAY WHAT RUNS: origin\/main has newer commits to Pulumi\.production\.yaml/);
        assert.ok(result?.commit, "the commit is kept on the runner");
        assert.deepEqual(result?.commands?.[0], "git fetch origin main");
        assert.match(originFile("Pulumi.production.yaml"), /1\.5\.0/, "the teammate's file is untouched");
        assert.match(readFileSync(path.join(a, "Pulumi.production.yaml"), "utf8"), /2\.0\.0/, "the runner's file still says what runs");
    });

    it("refuses production when a stack file has changes that are not committed, and names the file", async () => {
        release(a, "9.9.9");
        const repo = await ReleaseRepository.open(a, {});
        await assert.rejects(repo.check([stage("staging"), stage("production")]), (err: Error) => {
            assert.ok(err instanceof GateRefusal);
            assert.match(err.message, /Pulumi\.production\.yaml has changes that are not committed/);
            assert.match(err.message, /fix: .*--no-git-push/);
            return true;
        });
    });

    it("refuses production outside a git repository, warns for staging only, and is off with --no-git-push", async () => {
        const bare = path.join(root, "no-git");
        mkdirSync(bare);
        const outside = await ReleaseRepository.open(bare, {});
        await assert.rejects(outside.check([stage("production")]), /not in a git repository/);
        const staging = await ReleaseRepository.open(bare, {});
        const warn = await staging.check([stage("staging")]);
        assert.equal(warn.outcome, "warn");
        assert.equal((await staging.write(record(), files))?.outcome, "skipped");
        const off = await ReleaseRepository.open(bare, { push: false });
        const gate = await off.check([stage("production")]);
        assert.equal(gate.outcome, "warn");
        assert.match(gate.detail, /write-back off \(--no-git-push\)/);
    });

    it("takes a project in a folder the repository ignores for no repository", async () => {
        const copy = path.join(a, ".shipgate", "demo");
        mkdirSync(copy, { recursive: true });
        writeFileSync(path.join(a, ".gitignore"), ".shipgate/\n");
        await assert.rejects((await ReleaseRepository.open(copy, {})).check([stage("production")]), /not in a git repository/);
    });

    it("is off when a stack's config says push: false, and names the file that says so", async () => {
        const repo = await ReleaseRepository.open(a, {});
        const gate = await repo.check([stage("staging"), stage("production", "production", { push: false })]);
        assert.match(gate.detail, /shipgate:promotion\.git\.push: false in Pulumi\.production\.yaml/);
        release(a, "2.0.0");
        assert.equal((await repo.write(record(), files))?.outcome, "skipped");
    });

    it("refuses an unknown remote and a bad git setting by name", async () => {
        await assert.rejects((await ReleaseRepository.open(a, { remote: "upstream" })).check([stage("production")]), /no remote "upstream"/);
        await assert.rejects((await ReleaseRepository.open(a, {})).check([stage("production", "production", { pussh: true })]), /shipgate:promotion\.git/);
    });

    it("pushes a detached checkout to CI's branch", async () => {
        git(a, "checkout", "-q", "--detach");
        const repo = await ReleaseRepository.open(a, {}, { GITHUB_REF_TYPE: "branch", GITHUB_REF_NAME: "main" });
        assert.equal((await repo.check([stage("production")])).outcome, "pass");
        release(a, "2.0.0");
        assert.equal((await repo.write(record(), files))?.outcome, "pushed");
        assert.match(originFile("Pulumi.production.yaml"), /2\.0\.0/);
        const lost = await ReleaseRepository.open(a, {}, {});
        await assert.rejects(lost.check([stage("production")]), /HEAD is detached and CI names no branch/);
    });

    it("follows each step with everyStep, and only then", async () => {
        const each = await ReleaseRepository.open(a, {});
        await each.check([stage("production", "production", { everyStep: true })]);
        release(a, "2.0.0");
        const step = await each.write(record(), files, "production/backend step 1/5");
        assert.equal(step?.outcome, "pushed", step?.detail);
        assert.equal(git(origin, "log", "-1", "--format=%s", "main"), "shipgate: promote 2.0.0 on staging, production: production/backend step 1/5");
        assert.match(git(origin, "log", "-1", "--format=%B", "main"), /Shipgate-Result: in progress/);
        const end = await ReleaseRepository.open(a, {});
        await end.check([stage("production")]);
        release(a, "2.1.0");
        assert.equal(await end.write(record(), files, "production/backend step 2/5"), undefined, "no commit per step unless asked");
    });
});
