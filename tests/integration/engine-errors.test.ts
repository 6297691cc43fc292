import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { strict as assert } from "node:assert";
import { EngineCommandFailed, summariseEngineError } from "../../stacks/automation/engine-error";
import { exitCodeFor } from "../../stacks/automation/errors";
import { ExitCode } from "../../stacks/automation/exit-codes";
import { TestProject, createTestProject, pulumiCommand } from "../helpers/engine";

// What a person reads when the engine itself says no: the real CLI's own error line, not the
// Automation API's dump of exit code, stdout and stderr.
describe("the engine's errors, in one line", function () {
    let project: TestProject;

    before(async () => {
        project = await createTestProject("shipgate-engine-errors-");
        // The passphrase provider keeps a salt in the stack file: a secret set with another passphrase is refused.
        await project.stack("staging", { "shipgate:platform": "local" });
    });
    after(async () => project?.cleanup());

    it("a wrong passphrase: the engine's reason, the whole text kept for the log, and exit 5", async () => {
        const wrong = { ...project.env, PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" };
        const stack = await LocalWorkspace.selectStack({ stackName: "staging", workDir: project.dir }, { workDir: project.dir, envVars: wrong, pulumiCommand: await pulumiCommand(), pulumiHome: project.env.PULUMI_HOME });
        const err = await stack.setConfig("shipgate:token", { value: "s3cret", secret: true }).then(
            () => undefined,
            (e: unknown) => e,
        );
        assert.ok(err, "the engine refused the wrong passphrase");
        assert.match(String((err as Error).message), /^code: /, "the Automation API's text starts with its exit code");
        const summary = summariseEngineError(err);
        assert.ok(summary instanceof EngineCommandFailed);
        assert.match(summary.message, /^pulumi failed \(exit -?\d+\): incorrect passphrase: check PULUMI_CONFIG_PASSPHRASE \(or PULUMI_CONFIG_PASSPHRASE_FILE\)$/);
        assert.equal(summary.message.split("\n").length, 1, "one line");
        assert.doesNotMatch(summary.message, /stdout:|stderr:|code: /);
        assert.equal(summary.raw, (err as Error).message, "the raw text stays on the error");
        assert.doesNotMatch(summary.message, /s3cret/, "the secret being set is not in it");
        assert.equal(exitCodeFor(summary), ExitCode.Error);
    });

    it("leaves errors that are not the engine's as they are", () => {
        const plain = new Error("something else");
        assert.equal(summariseEngineError(plain), plain);
    });
});
