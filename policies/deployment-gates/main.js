// The pack's entry point (package.json `main`). It runs the pack compiled into dist/ when that
// build is fresh (npm run build; ./dev.sh setup runs it), else its TypeScript sources through
// ts-node, transpiled only (`npm test` type-checks the pack): a preview with the pack judges the
// same either way. (PulumiPolicy.yaml says `typescript: false`, so the policy host does not
// type-check the pack on every preview.)
"use strict";
const path = require("node:path");
const { buildOf, PACK_DIST } = require("../../engine/build/fresh-build.js");

const entry = buildOf(path.resolve(__dirname, "../.."), process.env, PACK_DIST).compiledOrSource(path.join(__dirname, "index.ts"));
if (entry.endsWith(".ts")) {
    require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "tsconfig.json") });
}
require(entry);
