// `npm run test:integration`: every integration file but the Kubernetes ones (npm run
// test:kubernetes) and the set-up's own (npm run test:set-up), two files at a time (mocha
// --parallel). Each file owns its ports and temporary folders, so any two run side by side.
// Workers take files in list order: the longest (each several minutes of bakes, measured in a
// cold .ci/run) start first, so the two workers end close together instead of one running the
// last long file alone. Every other file follows in path order.
"use strict";
const { readdirSync } = require("node:fs");
const path = require("node:path");

const DIR = path.join(__dirname, "integration");
const LONGEST_FIRST = [
    "release-engine.test.ts",
    "shared-store.test.ts",
    "crash-recovery.test.ts",
    "write-back.test.ts",
    "protocol-rollbacks.test.ts",
    "policy-promote.test.ts",
    "rolling-in-promote.test.ts",
    "hooks-in-promote.test.ts",
    "database-migration.test.ts",
];
const APART = (rel) => rel.startsWith(`kubernetes${path.sep}`) || rel === "dev-env.test.ts";

const all = readdirSync(DIR, { recursive: true })
    .map(String)
    .filter((rel) => rel.endsWith(".test.ts") && !APART(rel))
    .sort();
for (const rel of LONGEST_FIRST) {
    if (!all.includes(rel)) throw new Error(`tests/.mocharc.integration-suite.cjs names ${rel}, which is not in tests/integration/: update LONGEST_FIRST`);
}
const spec = [...LONGEST_FIRST, ...all.filter((rel) => !LONGEST_FIRST.includes(rel))].map((rel) => path.join("tests", "integration", rel));

module.exports = { ...require("./.mocharc.integration.json"), parallel: true, jobs: 2, spec };
