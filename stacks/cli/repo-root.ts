import * as path from "node:path";

/**
 * The repository's root, whether the command line runs from its TypeScript source
 * (stacks/cli/) or from the compiled build (dist/stacks/cli/, one level deeper).
 */
export const REPO_ROOT = path.resolve(__dirname, __filename.endsWith(".ts") ? "../.." : "../../..");
