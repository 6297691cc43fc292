import { strict as assert } from "node:assert";
import {
    CHECKLIST_GATES,
    ChecklistInput,
    DEFAULT_CHANGE_CALENDAR,
    InvalidInputError,
    attachChecklist,
    checklistChangeWindow,
    checklistFindings,
    declaredVersions,
    gateFindings,
    parseChecklist,
    parseReleaseState,
} from "../../../components/release";

function good(overrides: Partial<ChecklistInput> = {}): ChecklistInput {
    return {
        environment: "production",
        version: "2.0.0",
        author: "dev",
        tests: { passed: true, total: 120 },
        coverage: 84,
        vulnerabilities: { critical: 0, high: 0 },
        review: { approved: true },
        staging: { version: "2.0.0", succeeded: true },
        approvers: ["alice"],
        rollback: { target: "1.9.0" },
        ...overrides,
    };
}

const gatesOf = (input: ChecklistInput, environment: "staging" | "production" = "production") =>
    checklistFindings(parseChecklist(input), { environment }).map((f) => f.gate);

describe("the deployment checklist", () => {
    it("parses a minimal checklist and fills the defaults", () => {
        const c = parseChecklist(good());
        assert.equal(c.schemaVersion, 1);
        assert.equal(c.tests.failed, 0);
        assert.deepEqual(c.tests.suites, {});
        assert.equal(c.vulnerabilities.medium, 0);
        assert.deepEqual(c.review.reviewers, []);
        assert.equal(c.rollback?.firstRelease, false);
    });

    it("rejects missing and malformed fields, each with its path and the fix", () => {
        try {
            parseChecklist({ ...good(), tests: undefined, coverage: 101, hotfix: { reason: "asap" }, clock: "friday", extra: 1 });
            assert.fail("expected a rejection");
        } catch (err) {
            assert.ok(err instanceof InvalidInputError);
            const text = err.problems.map((p) => `${p.path}: ${p.message}`);
            assert.ok(text.some((t) => t.startsWith("checklist.tests:")), text.join("\n"));
            assert.ok(text.includes("checklist.coverage: coverage is a percentage between 0 and 100"), text.join("\n"));
            assert.ok(text.some((t) => t.startsWith("checklist.hotfix.reason: hotfix.reason is too short")), text.join("\n"));
            assert.ok(text.some((t) => t.startsWith("checklist.clock:")), text.join("\n"));
            assert.ok(text.some((t) => /extra/.test(t)), text.join("\n"));
        }
    });

    it("passes every gate when everything is in order", () => {
        assert.deepEqual(gatesOf(good()), []);
        assert.deepEqual(gatesOf(good({ environment: "staging", approvers: [], staging: undefined }), "staging"), []);
    });

    it("fails each gate on its own item", () => {
        assert.deepEqual(gatesOf(good({ tests: { passed: false, failed: 2 } })), ["tests-passed"]);
        assert.deepEqual(gatesOf(good({ tests: { passed: true, suites: { e2e: { passed: false, failed: 1 } } } })), ["tests-passed"]);
        assert.deepEqual(gatesOf(good({ coverage: 79.9 })), ["coverage-threshold"]);
        assert.deepEqual(gatesOf(good({ vulnerabilities: { critical: 1, high: 0 } })), ["no-critical-vulnerabilities"]);
        assert.deepEqual(gatesOf(good({ review: { approved: false } })), ["review-approved"]);
        assert.deepEqual(gatesOf(good({ staging: { version: "2.0.0", succeeded: false } })), ["staging-verified"]);
        assert.deepEqual(gatesOf(good({ approvers: ["dev"] })), ["production-approvers"]);
        assert.deepEqual(gatesOf(good({ rollback: { target: "2.0.0" } })), ["rollback-target"]);
        assert.deepEqual(gatesOf(good({ migrations: { additiveOnly: true, backupTaken: false, downMigration: true } })), ["database-migrations"]);
        assert.deepEqual(gatesOf(good()).length, 0);
        assert.equal(CHECKLIST_GATES.length, 8);
    });

    it("applies production-only items in production only", () => {
        const relaxed = good({ environment: "staging", approvers: [], staging: undefined, migrations: { additiveOnly: false, backupTaken: true, downMigration: true } });
        assert.deepEqual(gatesOf(relaxed, "staging"), []);
        assert.deepEqual(gatesOf(relaxed, "production").sort(), ["database-migrations", "production-approvers", "staging-verified"]);
    });

    it("accepts a first release without a rollback target", () => {
        assert.deepEqual(gatesOf(good({ rollback: { firstRelease: true } })), []);
        assert.deepEqual(gatesOf(good({ rollback: undefined })), ["rollback-target"]);
    });

    it("takes requirements from the caller", () => {
        const c = parseChecklist(good({ coverage: 75, approvers: ["alice"] }));
        assert.equal(gateFindings("coverage-threshold", c, { environment: "production", requirements: { minCoverage: 70 } }).length, 0);
        const two = gateFindings("production-approvers", c, { environment: "production", requirements: { minApprovers: 2 } });
        assert.match(two[0].problem, /only 1 named approver; production needs 2/);
    });

    it("checks that production declares only the verified version or the rollback target", () => {
        const c = parseChecklist(good({ services: ["backend"] }));
        const ok = { backend: ["1.9.0", "2.0.0"], frontend: ["0.7.0"] };
        assert.deepEqual(gateFindings("staging-verified", c, { environment: "production", declaredVersions: ok }), []);
        const bad = gateFindings("staging-verified", c, { environment: "production", declaredVersions: { backend: ["1.9.0", "2.1.0-rc1"] } });
        assert.match(bad[0].problem, /service backend declares version 2\.1\.0-rc1/);
    });

    it("lists the versions a release state declares", () => {
        assert.deepEqual(declaredVersions(parseReleaseState({ strategy: "canary", stable: "1.0.0", canary: "2.0.0", weight: 25 })), ["1.0.0", "2.0.0"]);
        assert.deepEqual(declaredVersions(parseReleaseState({ strategy: "blueGreen", blue: "1.0.0", active: "blue" })), ["1.0.0"]);
        assert.deepEqual(declaredVersions(parseReleaseState({ strategy: "rolling", current: "3.1.0" })), ["3.1.0"]);
    });

    it("judges the change window at the checklist's clock, with its hotfix", () => {
        const friday = parseChecklist(good({ clock: "2026-03-13T16:00:00Z" }));
        assert.equal(checklistChangeWindow(DEFAULT_CHANGE_CALENDAR, friday, new Date("2026-03-10T10:00:00Z")).allowed, false);
        const hotfix = parseChecklist(good({ clock: "2026-03-13T16:00:00Z", hotfix: { reason: "card payments fail for everyone" } }));
        const decision = checklistChangeWindow(DEFAULT_CHANGE_CALENDAR, hotfix, new Date());
        assert.equal(decision.allowed, true);
        assert.equal(decision.hotfixOverride, true);
        assert.equal(checklistChangeWindow(DEFAULT_CHANGE_CALENDAR, undefined, new Date("2026-03-10T10:00:00Z")).open, true, "no checklist: the wall clock");
    });

    it("hands a checklist to every policy that reads it, refusing an invalid one", () => {
        const merged = attachChecklist({ all: "mandatory", "tests-passed": "advisory", "coverage-threshold": { enforcementLevel: "mandatory", minimum: 90 } }, good()) as Record<string, any>;
        assert.equal(merged.all, "mandatory");
        assert.deepEqual(Object.keys(merged["tests-passed"]).sort(), ["checklist", "enforcementLevel"]);
        assert.equal(merged["tests-passed"].enforcementLevel, "advisory");
        assert.equal(merged["coverage-threshold"].minimum, 90);
        assert.equal(merged["change-window"].checklist.version, "2.0.0", "entries missing from the base are added");
        assert.throws(() => attachChecklist({}, { ...good(), coverage: "lots" }), InvalidInputError);
    });
});
