import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOf, hashOf } = require("../../../engine/build/fresh-build.js") as {
    buildOf(root: string, env?: Record<string, string>): {
        staleReason(): string | undefined;
        compiledOrSource(source: string): string;
        sourceOf(file: string): string;
    };
    hashOf(file: string): string;
};

// What decides whether `pulumi up` runs the compiled program or the sources: a stale build must
// never run.
describe("the compiled program's freshness (engine/build/fresh-build.js)", () => {
    let root: string;
    const source = () => path.join(root, "stacks", "program", "index.ts");
    const compiled = () => path.join(root, "dist", "stacks", "program", "index.js");

    beforeEach(() => {
        root = mkdtempSync(path.join(os.tmpdir(), "shipgate-build-"));
        mkdirSync(path.dirname(source()), { recursive: true });
        mkdirSync(path.dirname(compiled()), { recursive: true });
        writeFileSync(source(), "export const a = 1;\n");
        writeFileSync(compiled(), "exports.a = 1;\n");
        writeFileSync(path.join(root, "dist", ".build-manifest.json"), JSON.stringify({ sources: { "stacks/program/index.ts": hashOf(source()) } }));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it("runs the compiled file while every source has the content it was built from", () => {
        const build = buildOf(root, {});
        assert.equal(build.staleReason(), undefined);
        assert.equal(build.compiledOrSource(source()), compiled());
        assert.equal(build.sourceOf(compiled()), source(), "the shim records the source either way");
    });

    it("runs the source, and names the file, once a source changed after the build", () => {
        writeFileSync(source(), "export const a = 2;\n");
        const build = buildOf(root, {});
        assert.equal(build.staleReason(), "stacks/program/index.ts changed since the last build: run npm run build");
        assert.equal(build.compiledOrSource(source()), source());
    });

    it("runs the source with no build, a removed source, an unreadable manifest, or SHIPGATE_PROGRAM=source", () => {
        rmSync(path.join(root, "dist", ".build-manifest.json"));
        assert.match(buildOf(root, {}).staleReason()!, /no build in dist\//);
        writeFileSync(path.join(root, "dist", ".build-manifest.json"), "{not json");
        assert.match(buildOf(root, {}).staleReason()!, /unreadable/);
        writeFileSync(path.join(root, "dist", ".build-manifest.json"), JSON.stringify({ sources: { "stacks/gone.ts": "00" } }));
        assert.match(buildOf(root, {}).staleReason()!, /stacks\/gone\.ts changed/);
        writeFileSync(path.join(root, "dist", ".build-manifest.json"), JSON.stringify({ sources: { "stacks/program/index.ts": hashOf(source()) } }));
        assert.equal(buildOf(root, { SHIPGATE_PROGRAM: "source" }).compiledOrSource(source()), source());
    });

    it("never maps a file outside the repository or one that is not TypeScript", () => {
        const build = buildOf(root, {});
        assert.equal(build.compiledOrSource("/elsewhere/x.ts"), "/elsewhere/x.ts");
        assert.equal(build.compiledOrSource(path.join(root, "stacks", "program", "main.js")), path.join(root, "stacks", "program", "main.js"));
    });
});
