import { strict as assert } from "node:assert";
import Module from "node:module";
import type * as awsComponents from "../../../components/aws";
import { CodeState, VersionState, reduceLambdaCode, reduceLambdaVersions } from "../../../components/aws/lambda-ledger";
import { UNKNOWN, hasUnknowns, ledgerProvider } from "../../../components/ledger";
import { findResource } from "../helpers/pulumi-mocks";
import { T, build, freshStack, lambdaArgs, loadAws } from "./fixtures";

const entry = (version: string) => ({ key: `${version}|repo:${version}`, image: `repo:${version}` });
const ok = <S>(result: { state: S } | { failure: string }): S => {
    assert.ok("state" in result, `expected a state, got ${JSON.stringify(result)}`);
    return result.state;
};

/** Loads a dynamic provider the way Pulumi's dynamic-provider host does: from its serialized text. */
function loadSerializedProvider(text: string): any {
    const m = new (Module as any)("serialized-provider.js");
    m.paths = (Module as any)._nodeModulePaths(process.cwd());
    m._compile(text, "serialized-provider.js");
    return m.exports.handler();
}

describe("ledgers (the memory a release keeps in the stack's state)", () => {
    describe("the Lambda code ledger", () => {
        it("makes the first artifact the code, then the one with no version yet", () => {
            let state = ok(reduceLambdaCode(undefined, { tracks: { stable: entry("1.0.0") }, primary: "stable" }));
            assert.deepEqual(state, { code: entry("1.0.0"), published: ["1.0.0|repo:1.0.0"] });
            state = ok(reduceLambdaCode(state, { tracks: { stable: entry("1.0.0"), canary: entry("2.0.0") }, primary: "stable" }));
            assert.equal(state.code.key, "2.0.0|repo:2.0.0");
            assert.deepEqual(state.published, ["1.0.0|repo:1.0.0", "2.0.0|repo:2.0.0"]);
        });

        it("keeps the code while a track still runs it (a switch, a rollback's first state)", () => {
            const state: CodeState = { code: entry("2.0.0"), published: ["1.0.0|repo:1.0.0", "2.0.0|repo:2.0.0"] };
            const next = ok(reduceLambdaCode(state, { tracks: { blue: entry("1.0.0"), green: entry("2.0.0") }, primary: "blue" }));
            assert.deepEqual(next.code, entry("2.0.0"));
        });

        it("follows the primary once nothing runs the code (a rollback's last state)", () => {
            const state: CodeState = { code: entry("2.0.0"), published: ["1.0.0|repo:1.0.0", "2.0.0|repo:2.0.0"] };
            assert.deepEqual(ok(reduceLambdaCode(state, { tracks: { stable: entry("1.0.0") }, primary: "stable" })).code, entry("1.0.0"));
        });

        it("remembers at most 50 artifacts", () => {
            let state: CodeState | undefined;
            for (let i = 0; i < 60; i++) {
                state = ok(reduceLambdaCode(state, { tracks: { current: entry(`1.0.${i}`) }, primary: "current" }));
            }
            assert.equal(state!.published.length, 50);
            assert.equal(state!.published[49], "1.0.59|repo:1.0.59");
        });
    });

    describe("the Lambda version ledger", () => {
        it("records the version published for the code, the newest publish of an artifact winning", () => {
            let state = ok(reduceLambdaVersions(undefined, { functionArn: "arn:fn", code: "1.0.0|r", version: "1" }));
            state = ok(reduceLambdaVersions(state, { functionArn: "arn:fn", code: "2.0.0|r", version: "2" }));
            state = ok(reduceLambdaVersions(state, { functionArn: "arn:fn", code: "1.0.0|r", version: "3" }));
            assert.deepEqual(state.versions, { "2.0.0|r": "2", "1.0.0|r": "3" });
        });

        it("forgets everything when the function was replaced (its versions start again at 1)", () => {
            const state: VersionState = { functionArn: "arn:old", versions: { "1.0.0|r": "7" } };
            assert.deepEqual(ok(reduceLambdaVersions(state, { functionArn: "arn:new", code: "1.0.0|r", version: "1" })).versions, { "1.0.0|r": "1" });
        });
    });

    describe("the dynamic provider", () => {
        const provider = ledgerProvider(reduceLambdaVersions as never);

        it("folds the request into the previous checked inputs, which Pulumi stores and hands back as `olds`", async () => {
            const first = await provider.check!({}, { request: { functionArn: "arn:fn", code: "1.0.0|r", version: "1" } });
            assert.deepEqual(first.inputs.state, { functionArn: "arn:fn", versions: { "1.0.0|r": "1" } });
            const second = await provider.check!(first.inputs, { request: { functionArn: "arn:fn", code: "2.0.0|r", version: "2" } });
            assert.deepEqual(second.inputs.state.versions, { "1.0.0|r": "1", "2.0.0|r": "2" });
            const created = await provider.create!(second.inputs);
            assert.deepEqual(created.outs, { state: second.inputs.state });
            const updated = await provider.update!(created.id, created.outs, second.inputs);
            assert.deepEqual(updated.outs, { state: second.inputs.state });
        });

        it("answers an unknown state in a preview while the request is unknown, and keeps the previous state for the real update", async () => {
            const previous = { request: {}, state: { functionArn: "arn:fn", versions: { "1.0.0|r": "1" } } };
            const preview = await provider.check!(previous, { request: { functionArn: "arn:fn", code: "2.0.0|r", version: UNKNOWN } });
            assert.equal(preview.inputs.state, UNKNOWN);
            assert.ok(hasUnknowns(preview.inputs));
        });

        it("turns a reducer's refusal into a check failure on `request`, which fails the update with the reason", async () => {
            const code = ledgerProvider(reduceLambdaCode as never);
            const result = await code.check!({}, { request: { tracks: { stable: entry("1.0.0"), canary: entry("2.0.0") }, primary: "stable" } });
            assert.equal(result.failures!.length, 1);
            assert.equal(result.failures![0].property, "request");
            assert.match(result.failures![0].reason, /deploy stable alone first/);
        });

        it("is serialized self-contained: the text Pulumi stores runs on its own, as the dynamic-provider host loads it", async () => {
            const aws: typeof awsComponents = await loadAws();
            freshStack();
            await build(() => new aws.LambdaService("api", lambdaArgs({ strategy: "canary", stable: "1.0.0" })));
            for (const type of [T.codeLedger, T.versionLedger]) {
                const ledger = findResource(type, type === T.codeLedger ? "api-code" : "api-versions");
                const serialized = ledger.inputs.__provider;
                assert.equal(typeof serialized, "string", `${type} carries its provider`);
                const loaded = loadSerializedProvider(serialized);
                const result = await loaded.check({}, { request: ledger.inputs.request });
                assert.ok(result.inputs.state, `${type}: the deserialized reducer folds the request`);
            }
        });
    });
});
