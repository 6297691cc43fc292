import * as pulumi from "@pulumi/pulumi";

/**
 * A dynamic provider that loads its implementation module at run time, inside the engine's
 * dynamic-provider process. Pulumi serializes a dynamic provider's code into the state;
 * serializing only this shim (two absolute paths) keeps every implementation an ordinary
 * module with ordinary imports, testable on its own. A `.ts` implementation (this repository
 * run from source) is loaded through ts-node.
 */
export function providerShim(implementation: string): pulumi.dynamic.ResourceProvider {
    const modulePath = require.resolve(implementation);
    const tsNodePath = modulePath.endsWith(".ts") ? require.resolve("ts-node") : "";
    const load = (): pulumi.dynamic.ResourceProvider => {
        const g = globalThis as { __shipgateTsNode?: boolean };
        if (tsNodePath && !g.__shipgateTsNode) {
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
