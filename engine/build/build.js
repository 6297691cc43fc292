#!/usr/bin/env node
// npm run build: compiles the Pulumi program, the components and the release engine to
// JavaScript in dist/, then records a hash of every source it compiled in
// dist/.build-manifest.json, so a build whose sources changed since is known stale and never run
// (engine/build/fresh-build.js). Each file is transpiled alone with tsconfig.json's options, as
// ts-node's transpile-only mode runs them from source: the same JavaScript, so state written by
// either agrees. Types are npm run typecheck's job.
"use strict";
const { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { root: ROOT, dist: DIST, manifest: MANIFEST, hashOf } = require("./fresh-build");

const started = Date.now();
const ts = require(require.resolve("typescript", { paths: [ROOT] }));
function sources(dir) {
    const out = [];
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            if (entry.name !== "node_modules") out.push(...sources(rel));
        } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
            out.push(rel);
        }
    }
    return out;
}
// The tsconfig's options, as ts-node reads them for the program run from source.
const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")) });
// No source maps: a stack trace names dist/ files, one for one with the sources, and loading stays lean.
const options = { ...parsed.options, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };
const compiled = [...sources("components"), ...sources("stacks")].sort();
// Written aside, then swapped in: a program that is loading from dist/ meanwhile never sees half a build.
const OUT = `${DIST}.new-${process.pid}`;
rmSync(OUT, { recursive: true, force: true });
for (const rel of compiled) {
    const file = path.join(ROOT, rel);
    // One file at a time, as ts-node's transpile-only mode does: the same JavaScript, in a second.
    const out = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: options, fileName: file, reportDiagnostics: false });
    const target = path.join(OUT, rel.replace(/\.ts$/, ".js"));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
}
const files = [...compiled, "tsconfig.json"].sort();
writeFileSync(path.join(OUT, path.basename(MANIFEST)), JSON.stringify({ builtAt: new Date().toISOString(), sources: Object.fromEntries(files.map((f) => [f, hashOf(path.join(ROOT, f))])) }, null, 1));
const OLD = `${DIST}.old-${process.pid}`;
if (existsSync(DIST)) renameSync(DIST, OLD);
renameSync(OUT, DIST);
rmSync(OLD, { recursive: true, force: true });
function fail(message) {
    console.error(`build: ${message}`);
    process.exit(1);
}
console.log(`build: ${files.length} sources compiled to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
