import { strict as assert } from "node:assert";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import YAML from "yaml";
import { REPO_ROOT, pulumiCommand } from "../helpers/engine";

/**
 * The ledgers' contract with the engine (components/ledger.ts): `check` folds the request into
 * the previous checked inputs, which the engine stores and hands back next time; a preview shows
 * the folded state; a reducer's refusal fails the update with its reason.
 */
describe("ledgers through the real engine (no cloud: a program of ledgers only)", function () {
    this.timeout(300_000);
    let dir: string;
    let stack: Stack;

    before(async () => {
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-ledger-"));
        mkdirSync(path.join(dir, "state"));
        mkdirSync(path.join(dir, "home"));
        writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            YAML.stringify({
                name: "ledger-it",
                runtime: { name: "nodejs", options: { typescript: true, transpileOnly: true } },
                main: path.relative(dir, path.join(REPO_ROOT, "tests", "integration", "fixtures", "ledger-program")),
            }),
        );
        const bin = path.join(REPO_ROOT, ".shipgate", "bin");
        const env = {
            PATH: `${bin}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
            PULUMI_HOME: path.join(dir, "home"),
            PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "ledger-tests",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        };
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName: "dev", workDir: dir },
            { workDir: dir, envVars: env, pulumiCommand: await pulumiCommand(), pulumiHome: env.PULUMI_HOME },
        );
    });

    after(async () => {
        await stack?.destroy({ color: "never" }).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
    });

    const set = (config: Record<string, string>) => stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`ledger:${k}`, { value: v }])));

    it("keeps what earlier updates recorded, and a preview already shows the fold", async () => {
        await set({ code: "1.0.0|repo:1.0.0", version: "1" });
        let result = await stack.up({ color: "never" });
        assert.deepEqual(result.outputs.state.value.versions, { "1.0.0|repo:1.0.0": "1" });

        await set({ code: "2.0.0|repo:2.0.0", version: "2" });
        result = await stack.up({ color: "never" });
        assert.deepEqual(result.outputs.state.value.versions, { "1.0.0|repo:1.0.0": "1", "2.0.0|repo:2.0.0": "2" }, "the first update's entry survived");

        await set({ code: "3.0.0|repo:3.0.0", version: "3" });
        const preview = await stack.preview({ color: "never", diff: true });
        assert.equal(preview.changeSummary.update, 1);
        assert.match(preview.stdout, /3\.0\.0\|repo:3\.0\.0/, "the preview shows the folded state");
        assert.match(preview.stdout, /2\.0\.0\|repo:2\.0\.0/);

        const same = await stack.up({ color: "never" });
        const again = await stack.up({ color: "never" });
        assert.deepEqual(Object.keys(same.outputs.state.value.versions), ["1.0.0|repo:1.0.0", "2.0.0|repo:2.0.0", "3.0.0|repo:3.0.0"]);
        assert.equal(again.summary.resourceChanges?.update ?? 0, 0, "an unchanged request changes nothing");
    });

    it("fails the update with the reducer's reason", async () => {
        await stack.setConfig("ledger:tracks", {
            value: JSON.stringify({ stable: { key: "1.0.0|r", image: "r:1.0.0" }, canary: { key: "2.0.0|r", image: "r:2.0.0" } }),
        });
        await assert.rejects(stack.up({ color: "never" }), /deploy stable alone first/);
    });
});
