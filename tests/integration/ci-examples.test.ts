import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { ChecklistSchema } from "../../components/release";
import { REPO_ROOT } from "../helpers/engine";

// The CI examples are what a team copies: the GitHub workflow must pass actionlint, and both
// must build the checklist from the run's own facts (test report, coverage summary, npm audit,
// the approvals), never from values typed in. Their jq programs are run here on such facts, and
// what they write must be a checklist shipgate accepts.
const GITHUB = path.join(REPO_ROOT, "examples", "ci", "github-actions-promote.yml");
const AZURE = path.join(REPO_ROOT, "examples", "ci", "azure-pipelines-promote.yml");
const ACTIONLINT = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12";

type Step = { name?: string; displayName?: string; run?: string; script?: string };

/** The facts a run leaves behind, as mocha's JSON reporter, c8's json-summary and npm audit write them. */
function facts(dir: string, failures: number): void {
    mkdirSync(path.join(dir, "coverage"), { recursive: true });
    writeFileSync(path.join(dir, "test-results.json"), JSON.stringify({ stats: { tests: 412, passes: 412 - failures, failures } }));
    writeFileSync(path.join(dir, "coverage", "coverage-summary.json"), JSON.stringify({ total: { lines: { total: 1000, covered: 864, pct: 86.4 } } }));
    writeFileSync(path.join(dir, "audit.json"), JSON.stringify({ metadata: { vulnerabilities: { info: 0, low: 2, moderate: 1, high: 1, critical: 0, total: 4 } } }));
    writeFileSync(path.join(dir, "approvers.json"), JSON.stringify(["bob"]));
    writeFileSync(path.join(dir, "reviewers.json"), JSON.stringify(["carol"]));
}

/** The step's `jq -n … > checklist.json` command, run in `dir` with the shell variables it reads. */
function runJq(script: string, dir: string, vars: Record<string, string>): unknown {
    const start = script.indexOf("jq -n");
    const end = script.indexOf("> checklist.json", start);
    assert.ok(start >= 0 && end > start, "the checklist step writes checklist.json with jq -n");
    const command = script.slice(start, end + "> checklist.json".length);
    execFileSync("bash", ["-euo", "pipefail", "-c", command], { cwd: dir, env: { ...process.env, ...vars }, stdio: ["ignore", "pipe", "pipe"] });
    return JSON.parse(readFileSync(path.join(dir, "checklist.json"), "utf8"));
}

function assertNoTypedFacts(text: string): void {
    assert.doesNotMatch(text, /"passed":\s*true/, "tests.passed is not typed in");
    assert.doesNotMatch(text, /"coverage":\s*\d/, "coverage is not typed in");
    assert.doesNotMatch(text, /"critical":\s*0/, "vulnerabilities are not typed in");
    assert.doesNotMatch(text, /"approved":\s*true/, "the review is not typed in");
}

describe("the CI examples", function () {
    this.timeout(600_000);
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-ci-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("the GitHub workflow passes actionlint", function () {
        // First run: Go fetches and builds actionlint from the module proxy (about a minute).
        const lint = spawnSync("go", ["run", ACTIONLINT, "-no-color", GITHUB], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, GOTOOLCHAIN: "local" } });
        assert.equal(lint.status, 0, `${lint.stdout}${lint.stderr}`);
    });

    it("the GitHub workflow builds its checklist from the run's facts and passes the run's approvers", () => {
        const text = readFileSync(GITHUB, "utf8");
        assertNoTypedFacts(text);
        const steps = (YAML.parse(text) as { jobs: { promote: { steps: Step[] } } }).jobs.promote.steps;
        const checklistStep = steps.find((s) => s.name?.startsWith("Checklist"))!;
        facts(dir, 0);
        const made = runJq(checklistStep.run!, dir, { author: "alice", url: "https://github.com/acme/shop/pull/7" });
        const parsed = ChecklistSchema.partial().safeParse(made);
        assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
        assert.deepEqual(made, {
            tests: { passed: true, total: 412, failed: 0 },
            coverage: 86.4,
            vulnerabilities: { critical: 0, high: 1, medium: 1, low: 2, scanner: "npm audit" },
            review: { approved: true, reviewers: ["carol"], url: "https://github.com/acme/shop/pull/7" },
            approvers: ["bob"],
            author: "alice",
        });
        facts(dir, 3);
        assert.equal((runJq(checklistStep.run!, dir, { author: "alice", url: "" }) as { tests: { passed: boolean } }).tests.passed, false, "a failed suite is passed: false");
        const promote = steps.find((s) => s.name === "Promote")!;
        assert.match(promote.run!, /--approver "\$a"/);
        assert.match(promote.run!, /approvers\.json/);
        assert.doesNotMatch(promote.run!, /triggering_actor|\$\{\{ inputs\./, "no approver from the trigger, no expression inside the script");
    });

    it("the Azure pipeline builds its checklist from the run's facts, with the keys Azure Pipelines needs", () => {
        const text = readFileSync(AZURE, "utf8");
        assertNoTypedFacts(text);
        const doc = YAML.parse(text) as { trigger: unknown; stages: { stage: string; jobs: { deployment: string; environment: string; strategy: { runOnce: { deploy: { steps: Step[] } } } }[] }[] };
        assert.equal(doc.trigger, "none");
        const job = doc.stages[0].jobs[0];
        assert.equal(job.environment, "production", "the environment's approvals gate the job");
        const steps = job.strategy.runOnce.deploy.steps;
        const checklistStep = steps.find((s) => s.displayName?.startsWith("Checklist"))!;
        facts(dir, 0);
        const made = runJq(checklistStep.script!.replace("$(Build.SourceVersionAuthor)", "alice"), dir, {}) as Record<string, unknown>;
        const parsed = ChecklistSchema.partial().safeParse(made);
        assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
        assert.deepEqual(made.tests, { passed: true, total: 412, failed: 0 });
        assert.equal(made.coverage, 86.4);
        assert.deepEqual(made.approvers, ["bob"]);
        assert.equal(made.author, "alice");
        const promote = steps.find((s) => s.script?.includes("shipgate promote"))!;
        assert.match(promote.script!, /--approver "\$a"/);
        assert.doesNotMatch(promote.script!, /Build\.RequestedFor/, "the deployer is not the approver");
    });
});
