import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";

/**
 * A dynamic provider that loads its implementation module at run time, inside the engine's
 * dynamic-provider process. Pulumi serializes a dynamic provider's code into the state;
 * serializing only this shim (absolute paths) keeps every implementation an ordinary module
 * with ordinary imports, testable on its own. What it captures is the implementation's
 * TypeScript source, whether the program runs from dist/ or from source, so the state is the
 * same either way; at load time it runs the compiled module when the build is fresh
 * (engine/build/fresh-build.js), else the source through ts-node.
 */
export function providerShim(implementation: string): pulumi.dynamic.ResourceProvider {
    const freshBuild = path.resolve(__dirname, __filename.endsWith(".ts") ? "../../.." : "../../../..", "engine", "build", "fresh-build.js");
    const source: string = require(freshBuild).sourceOf(require.resolve(implementation));
    const tsNodePath = require.resolve("ts-node");
    const load = (): pulumi.dynamic.ResourceProvider => {
        const g = globalThis as { __shipgateTsNode?: boolean };
        const modulePath: string = require(freshBuild).compiledOrSource(source);
        if (modulePath.endsWith(".ts") && !g.__shipgateTsNode) {
            require(tsNodePath).register({
                transpileOnly: true,
                skipProject: true,
                compilerOptions: { module: "commonjs", target: "es2022", esModuleInterop: true },
            });
            g.__shipgateTsNode = true;
        }
        return require(modulePath).provider;
    };
    return {
        check: async (olds, news) => {
            const impl = load();
            return impl.check ? impl.check(olds, news) : { inputs: news };
        },
        diff: async (id, olds, news) => {
            const impl = load();
            return impl.diff ? impl.diff(id, olds, news) : {};
        },
        create: async (inputs) => load().create(inputs),
        read: async (id, props) => {
            const impl = load();
            return impl.read ? impl.read(id, props) : { id, props };
        },
        update: async (id, olds, news) => {
            const impl = load();
            return impl.update ? impl.update(id, olds, news) : { outs: news };
        },
        delete: async (id, props) => {
            const impl = load();
            if (impl.delete) {
                await impl.delete(id, props);
            }
        },
    };
}
