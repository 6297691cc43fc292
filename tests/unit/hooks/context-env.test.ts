import { strict as assert } from "node:assert";
import { contextEnv, hookEnvironment } from "../../../stacks/automation/hooks/context-env";
import { HookContext } from "../../../stacks/automation/hooks/hook-types";

const context: HookContext = {
    promotionId: "p-1",
    stage: "production",
    environment: "production",
    version: "1.3.0",
    previousVersion: "1.2.0",
    service: "backend",
    step: { index: 1, kind: "canary", summary: "canary 50%" },
    endpoint: "http://127.0.0.1:18010",
};

describe("hook context as environment variables", () => {
    it("sets one SHIPGATE_* variable per field, and the whole context as JSON", () => {
        const env = contextEnv("afterStep", "smoke", context);
        assert.deepEqual(env, {
            SHIPGATE_HOOK_POINT: "afterStep",
            SHIPGATE_HOOK_NAME: "smoke",
            SHIPGATE_PROMOTION_ID: "p-1",
            SHIPGATE_STAGE: "production",
            SHIPGATE_ENVIRONMENT: "production",
            SHIPGATE_VERSION: "1.3.0",
            SHIPGATE_PREVIOUS_VERSION: "1.2.0",
            SHIPGATE_SERVICE: "backend",
            SHIPGATE_STEP_INDEX: "1",
            SHIPGATE_STEP_KIND: "canary",
            SHIPGATE_STEP_SUMMARY: "canary 50%",
            SHIPGATE_ENDPOINT: "http://127.0.0.1:18010",
            SHIPGATE_CONTEXT: JSON.stringify({ point: "afterStep", hook: "smoke", ...context }),
        });
    });

    it("drops stale SHIPGATE_* values it did not set, keeps the rest of the environment, and the context wins over configured env", () => {
        const env = hookEnvironment(
            { PATH: "/usr/bin", SHIPGATE_SERVICE: "frontend", SHIPGATE_REASON: "old", SHIPGATE_PROCESS_ID: "keep" },
            { DATABASE_URL: "postgres://db", SHIPGATE_VERSION: "9.9.9" },
            "beforeRollout",
            "migrate",
            { promotionId: "p-2", stage: "staging", environment: "staging", version: "2.0.0" },
        );
        assert.equal(env.PATH, "/usr/bin");
        assert.equal(env.DATABASE_URL, "postgres://db");
        assert.equal(env.SHIPGATE_PROCESS_ID, "keep");
        assert.equal(env.SHIPGATE_VERSION, "2.0.0");
        assert.equal(env.SHIPGATE_SERVICE, undefined);
        assert.equal(env.SHIPGATE_REASON, undefined);
    });
});
