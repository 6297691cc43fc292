import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, TestProject, changesOtherThanSame, createTestProject, relocateLocalPlatform, shippedStackConfig } from "../helpers/engine";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOf } = require("../../engine/build/fresh-build.js") as { buildOf(root: string, env?: NodeJS.ProcessEnv): { staleReason(): string | undefined } };

// Pulumi.yaml's program runs compiled (dist/) when the build is fresh, from its sources otherwise
// (a fresh clone, an edited file). Whichever ran last, the other must see nothing to change:
// that is what lets shipgate run fast steps while a user's plain `pulumi up` stays a no-op.
describe("the compiled program and its TypeScript sources declare the same stack (real engine)", function () {
    this.timeout(300_000);
    const BASE = 21500;
    let project: TestProject;
    let stack: Stack;

    before(async function () {
        this.timeout(120_000);
        // Rebuilt only when stale: the integration suite runs files side by side, and each of their
        // `up`s loads this same build, so a fresh one (./dev.sh setup leaves it so) is not swapped
        // under them.
        if (buildOf(REPO_ROOT).staleReason() !== undefined) {
            execFileSync(process.execPath, [path.join(REPO_ROOT, "engine", "build", "build.js")], { cwd: REPO_ROOT, stdio: "ignore" });
        }
        assert.equal(buildOf(REPO_ROOT).staleReason(), undefined, "npm run build leaves a fresh build");
        project = await createTestProject("shipgate-compiled-");
        const config = relocateLocalPlatform(shippedStackConfig("production"), BASE) as Record<string, any>;
        // A canary in flight, so both routes carry two weighted servers.
        config["shipgate:services"].backend.release = { ...config["shipgate:services"].backend.release, canary: "2.0.0", weight: 25 };
        stack = await project.stack("production", config);
    });

    after(async () => project?.cleanup());

    const fromSources = (on: boolean) => {
        // The workspace's environment reaches the CLI, the program and its dynamic providers.
        const env = (stack.workspace as LocalWorkspace).envVars;
        if (on) env.SHIPGATE_PROGRAM = "source";
        else delete env.SHIPGATE_PROGRAM;
    };

    it("deployed from the sources, previews and ups from the build with no change", async () => {
        fromSources(true);
        const up = await stack.up({ color: "never" });
        assert.equal(up.summary.result, "succeeded");
        fromSources(false);
        const preview = await stack.preview({ color: "never" });
        assert.deepEqual(changesOtherThanSame(preview.changeSummary), {}, `the build sees no change: ${JSON.stringify(preview.changeSummary)}`);
        const again = await stack.up({ color: "never" });
        assert.deepEqual(changesOtherThanSame(again.summary.resourceChanges), {}, "an up from the build changes nothing");
    });

    it("deployed from the build, previews from the sources with no change", async () => {
        fromSources(false);
        await stack.up({ color: "never" });
        fromSources(true);
        const preview = await stack.preview({ color: "never" });
        fromSources(false);
        assert.deepEqual(changesOtherThanSame(preview.changeSummary), {}, `the sources see no change: ${JSON.stringify(preview.changeSummary)}`);
    });
});
