// The program's entry point (Pulumi.yaml `main`). It runs the compiled program in dist/ when that
// build is fresh (npm run build; ./dev.sh setup runs it), else the TypeScript sources through
// ts-node: a plain `pulumi up` from a fresh clone declares exactly the same resources, only about
// a second slower. (Pulumi.yaml says `typescript: false` so the language host does not load
// ts-node and its source maps for a compiled run; this file registers it when it is needed.)
"use strict";
const path = require("node:path");
const { compiledOrSource } = require("../../engine/build/fresh-build.js");

const entry = compiledOrSource(path.join(__dirname, "index.ts"));
if (entry.endsWith(".ts")) {
    // As the language host would (Pulumi.yaml's old `typescript: true, transpileOnly: true`).
    require("ts-node").register({ transpileOnly: true, project: path.resolve(__dirname, "../../tsconfig.json") });
}
module.exports = require(entry);
