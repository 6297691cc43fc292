// Which file runs: the compiled JavaScript in dist/ (npm run build; ./dev.sh setup runs it) when
// that build is fresh, else the TypeScript source. Plain JavaScript on purpose: the program's
// entry point and the local platform's dynamic providers call it before any TypeScript can load.
//
// Fresh means every source file the build compiled still has the content it had then (a hash
// per file in dist/.build-manifest.json): a checkout, an edit or a pull makes the build stale,
// and a stale build is never run. Sources are hashed once per process (~220 files, milliseconds).
// SHIPGATE_PROGRAM=source runs the sources even when the build is fresh.
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, readFileSync } = require("node:fs");
const path = require("node:path");

function hashOf(file) {
    return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/**
 * A build of the repository at `root`: its output folder (dist/ for the program, the pack's own
 * dist/ for the policy pack) and whether it is fresh.
 */
function buildOf(root, env = process.env, dist = path.join(root, "dist")) {
    const manifest = path.join(dist, ".build-manifest.json");
    let verdict;

    /** Undefined when the build is fresh, else why not (for a person: names the first stale file). */
    function staleReason() {
        if (verdict !== undefined) return verdict || undefined;
        verdict = check();
        return verdict || undefined;
    }

    function check() {
        if (env.SHIPGATE_PROGRAM === "source") return "SHIPGATE_PROGRAM=source";
        if (!existsSync(manifest)) return "no build in dist/ (npm run build makes one)";
        let sources;
        try {
            sources = JSON.parse(readFileSync(manifest, "utf8")).sources;
        } catch (err) {
            return `dist/.build-manifest.json is unreadable (${err.message}): run npm run build`;
        }
        if (!sources || typeof sources !== "object") return "dist/.build-manifest.json lists no sources: run npm run build";
        for (const [file, hash] of Object.entries(sources)) {
            const abs = path.join(root, file);
            if (!existsSync(abs) || hashOf(abs) !== hash) return `${file} changed since the last build: run npm run build`;
        }
        return "";
    }

    /** The TypeScript source of a module path in dist/ (or the path itself when it is a source). */
    function sourceOf(file) {
        const rel = path.relative(dist, file);
        if (rel.startsWith("..") || path.isAbsolute(rel)) return file;
        return path.join(root, rel.replace(/\.js$/, ".ts"));
    }

    /** The compiled file of a TypeScript source when the build is fresh, else the source itself. */
    function compiledOrSource(source) {
        const rel = path.relative(root, source);
        if (rel.startsWith("..") || !source.endsWith(".ts") || staleReason()) return source;
        const compiled = path.join(dist, rel.replace(/\.ts$/, ".js"));
        return existsSync(compiled) ? compiled : source;
    }

    return { root, dist, manifest, staleReason, sourceOf, compiledOrSource };
}

const ROOT = path.resolve(__dirname, "../..");
/** The policy pack's build (engine/build/build.js writes it inside the pack). */
const PACK_DIST = path.join(ROOT, "policies", "deployment-gates", "dist");

/** Why the program's or the pack's build is stale, or undefined when both are fresh (`npm run build` redoes both). */
function staleBuild(env = process.env) {
    return buildOf(ROOT, env).staleReason() || buildOf(ROOT, env, PACK_DIST).staleReason();
}

module.exports = { hashOf, buildOf, staleBuild, PACK_DIST, ...buildOf(ROOT) };
