import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { CHECKLIST_POLICIES, attachChecklist, checklistJsonSchema } from "../../../components/release";
import { deploymentGates, resourceGates, stackGates } from "../../../policies/deployment-gates/policies";
import type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "../../../policies/deployment-gates/lib/sdk";
import { REPO_ROOT } from "../../helpers/engine";
import { resourceArgs, runResourcePolicy, runStackPolicy, stackArgs, testDeps } from "../../helpers/policy-args";
import { checklist } from "./fixtures";

/** Type-check the pack's entry point and the checklist hand-over with the repository, without running them. */
export type PackEntryPoint = typeof import("../../../policies/deployment-gates/index");
export type PolicyConfigCli = typeof import("../../../policies/deployment-gates/bin/policy-config");

const PACK = path.join(REPO_ROOT, "policies", "deployment-gates");
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));
const policies = deploymentGates(testDeps({ environment: "production" }));

describe("the deployment-gates pack", () => {
    it("has uniquely named policies, each with a description, a level, a severity and remediation steps", () => {
        assert.equal(policies.length, 24);
        assert.equal(new Set(policies.map((p) => p.name)).size, policies.length);
        for (const p of policies as Policy[]) {
            assert.match(p.name, /^[a-z]+(-[a-z]+)*$/, p.name);
            assert.ok(p.description.length > 40, `${p.name}: description`);
            assert.ok(p.enforcementLevel, `${p.name}: enforcement level`);
            assert.ok(p.severity, `${p.name}: severity`);
            assert.ok((p.remediationSteps ?? "").length > 40, `${p.name}: remediation steps`);
            assert.ok(p.configSchema, `${p.name}: config schema`);
            assert.ok(!("enforcementLevel" in p.configSchema!.properties), `${p.name}: enforcementLevel is reserved`);
        }
    });

    it("reads the checklist in exactly the policies attachChecklist hands it to", () => {
        const readers = policies.filter((p) => "checklist" in (p.configSchema?.properties ?? {})).map((p) => p.name);
        assert.deepEqual([...readers].sort(), [...CHECKLIST_POLICIES].sort());
    });

    it("is a nodejs pack with its own versioned package and exact SDK pins, and a lock file for npm ci", () => {
        assert.equal(YAML.parse(readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8")).runtime.name, "nodejs");
        const pkg = readJson(path.join(PACK, "package.json"));
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
        assert.equal(pkg.dependencies["@pulumi/policy"], "1.21.0");
        assert.equal(pkg.dependencies["@pulumi/pulumi"], "3.259.0");
        const lock = readJson(path.join(PACK, "package-lock.json"));
        assert.deepEqual(lock.packages[""].dependencies, pkg.dependencies, "package-lock.json is in step with package.json");
        assert.deepEqual(lock.packages[""].devDependencies, pkg.devDependencies);
    });

    it("constructs the pack in index.ts and nowhere else", () => {
        const index = readFileSync(path.join(PACK, "index.ts"), "utf8");
        assert.equal(index.match(/new PolicyPack\(/g)?.length, 1);
        const imports = [...index.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
        assert.deepEqual(imports.sort(), ["./policies", "@pulumi/policy"]);
        for (const dir of ["rules", "lib"]) {
            for (const file of require("node:fs").readdirSync(path.join(PACK, dir)) as string[]) {
                assert.doesNotMatch(readFileSync(path.join(PACK, dir, file), "utf8"), /new PolicyPack/, `${dir}/${file}`);
            }
        }
    });

    describe("per-stack policy config", () => {
        const staging = readJson(path.join(REPO_ROOT, "policies", "config", "staging.json"));
        const production = readJson(path.join(REPO_ROOT, "policies", "config", "production.json"));
        const level = (entry: unknown) => (typeof entry === "string" ? entry : (entry as { enforcementLevel?: string }).enforcementLevel);
        const settings = (entry: unknown) => {
            if (typeof entry === "string") return {};
            const { enforcementLevel: _level, ...rest } = entry as Record<string, unknown>;
            return rest;
        };

        it("lists every policy: advisory in staging, mandatory in production (the hotfix warning stays a warning)", () => {
            assert.equal(staging.all, "advisory");
            assert.equal(production.all, "mandatory");
            for (const p of policies) {
                assert.equal(level(staging[p.name]), "advisory", `staging: ${p.name}`);
                assert.equal(level(production[p.name]), p.name === "hotfix-override" ? "advisory" : "mandatory", `production: ${p.name}`);
            }
            assert.deepEqual(Object.keys(production).filter((k) => k !== "all" && !policies.some((p) => p.name === k)), [], "no entry for an unknown policy");
        });

        it("has settings every policy accepts", async () => {
            for (const file of [staging, production]) {
                for (const p of resourceGates(testDeps({ environment: "production" }))) {
                    await runResourcePolicy(p as ResourceValidationPolicy, resourceArgs({ type: "x:index:Thing", props: {}, config: settings(file[p.name]) }));
                }
                for (const p of stackGates(testDeps({ environment: "production" }))) {
                    const handed = (CHECKLIST_POLICIES as readonly string[]).includes(p.name) ? { checklist: checklist() } : {};
                    await runStackPolicy(p as StackValidationPolicy, stackArgs([], { ...settings(file[p.name]), ...handed }));
                }
            }
        });

        it("takes a checklist through attachChecklist without touching levels or settings", () => {
            const merged = attachChecklist(production, checklist()) as Record<string, any>;
            for (const name of CHECKLIST_POLICIES) {
                assert.equal(merged[name].checklist.version, "1.1.0", name);
                assert.equal(level(merged[name]), level(production[name]), name);
            }
            assert.deepEqual(merged["change-window"].calendar, production["change-window"].calendar);
            assert.equal(merged["health-probes"], "mandatory");
            assert.equal(production["tests-passed"], "mandatory", "the input is not modified");
        });
    });

    it("ships the checklist's JSON Schema as generated from the zod schema", () => {
        assert.deepEqual(readJson(path.join(PACK, "checklist.schema.json")), checklistJsonSchema(), "regenerate: npx ts-node --transpile-only policies/deployment-gates/bin/policy-config.ts --schema > policies/deployment-gates/checklist.schema.json");
    });

    describe("bin/policy-config.ts", () => {
        let dir: string;
        const run = (...args: string[]) =>
            spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(PACK, "bin", "policy-config.ts"), ...args], { cwd: REPO_ROOT, encoding: "utf8" });

        before(() => {
            dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-policy-config-"));
        });
        after(() => rmSync(dir, { recursive: true, force: true }));

        it("merges a checklist into a stack's policy config", () => {
            writeFileSync(path.join(dir, "checklist.json"), JSON.stringify(checklist()));
            const result = run("--base", "policies/config/production.json", "--checklist", path.join(dir, "checklist.json"), "--out", path.join(dir, "out.json"));
            assert.equal(result.status, 0, result.stderr);
            const out = readJson(path.join(dir, "out.json"));
            assert.equal(out["release-checklist"].checklist.version, "1.1.0");
            assert.equal(out["release-checklist"].enforcementLevel, "mandatory");
        });

        it("refuses a bad checklist, naming each field, with exit code 2", () => {
            writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ ...checklist(), coverage: "high", version: "" }));
            const result = run("--base", "policies/config/production.json", "--checklist", path.join(dir, "bad.json"));
            assert.equal(result.status, 2);
            assert.match(result.stderr, /checklist\.coverage: coverage is the line coverage in percent/);
            assert.match(result.stderr, /checklist\.version: version is empty/);
        });
    });
});
