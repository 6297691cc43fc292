#!/usr/bin/env node
// npm run build: compiles to JavaScript what the engine runs at every `up` and every policy
// preview, each with a hash of every source it compiled in its manifest, so a build whose sources
// changed since is known stale and never run (engine/build/fresh-build.js):
//   - the Pulumi program with the components (and the release engine) into dist/;
//   - the CrossGuard pack with the release model it shares into policies/deployment-gates/dist/
//     (inside the pack, so its modules resolve the pack's own @pulumi/policy and zod).
// Each file is transpiled alone with its tsconfig's options, as ts-node's transpile-only mode
// runs it from source: the same JavaScript, so state written by either agrees. Types are
// npm run typecheck's job.
"use strict";
const { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { root: ROOT, hashOf } = require("./fresh-build");

const TARGETS = [
    { name: "program", dist: "dist", tsconfig: "tsconfig.json", sources: ["components", "stacks"] },
    { name: "policy pack", dist: "policies/deployment-gates/dist", tsconfig: "policies/deployment-gates/tsconfig.json", sources: ["policies/deployment-gates", "components/release"] },
];

const ts = require(require.resolve("typescript", { paths: [ROOT] }));

function fail(message) {
    console.error(`build: ${message}`);
    process.exit(1);
}

function sources(dir) {
    const out = [];
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            if (entry.name !== "node_modules" && entry.name !== "dist") out.push(...sources(rel));
        } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
            out.push(rel);
        }
    }
    return out;
}

function build(target) {
    const started = Date.now();
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, target.tsconfig), {}, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    });
    // No source maps: a stack trace names dist/ files, one for one with the sources, and loading stays lean.
    const options = { ...parsed.options, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };
    const compiled = [...new Set(target.sources.flatMap(sources))].sort();
    // Written aside, then swapped in: a program that is loading from dist/ meanwhile never sees half a build.
    const dist = path.join(ROOT, target.dist);
    const out = `${dist}.new-${process.pid}`;
    rmSync(out, { recursive: true, force: true });
    for (const rel of compiled) {
        const file = path.join(ROOT, rel);
        const js = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: options, fileName: file, reportDiagnostics: false });
        const emitted = path.join(out, rel.replace(/\.ts$/, ".js"));
        mkdirSync(path.dirname(emitted), { recursive: true });
        writeFileSync(emitted, js.outputText);
    }
    const files = [...compiled, target.tsconfig].sort();
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, ".build-manifest.json"), JSON.stringify({ builtAt: new Date().toISOString(), sources: Object.fromEntries(files.map((f) => [f, hashOf(path.join(ROOT, f))])) }, null, 1));
    const old = `${dist}.old-${process.pid}`;
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(out, dist);
    rmSync(old, { recursive: true, force: true });
    console.log(`build: ${target.name}: ${compiled.length} sources compiled to ${target.dist}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

for (const target of TARGETS) build(target);
