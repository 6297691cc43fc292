import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered, as the engine would have received it. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    /** The resource's inputs with every Input resolved (component inputs included). */
    readonly inputs: Record<string, any>;
    /** False for component resources. */
    readonly custom: boolean;
    readonly provider?: string;
    /** Names of the resources it explicitly depends on (`dependsOn`), as the engine receives them. */
    readonly dependsOn: readonly string[];
}

export interface MockOptions {
    readonly project?: string;
    readonly stack?: string;
    /** Run as a preview: unknown values stay unknown. */
    readonly preview?: boolean;
    /** Extra outputs a resource gets beyond its inputs (e.g. an ALB's dnsName). */
    readonly outputs?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
    /** Results of provider functions (invokes); the inputs echo back when omitted. */
    readonly call?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown> | undefined;
}

const recorded: RecordedResource[] = [];
/** Dependencies by `type::name`, taken from the registration request the mocks' callback does not show. */
const requestedDependencies = new Map<string, string[]>();

function captureDependencies(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
    if (MockMonitor.prototype.__shipgateCapturesDependencies) return;
    const register = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (req: any, callback: any) {
        const urns: string[] = req.getDependenciesList();
        requestedDependencies.set(`${req.getType()}::${req.getName()}`, urns.map((u) => u.slice(u.lastIndexOf("::") + 2)).sort());
        return register.call(this, req, callback);
    };
    MockMonitor.prototype.__shipgateCapturesDependencies = true;
}

/**
 * Installs Pulumi mocks that record every registered resource. Call it (and await it) before
 * importing the module under test: a stack program creates its resources as it loads.
 */
export async function installMocks(options: MockOptions = {}): Promise<void> {
    captureDependencies();
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                recorded.push({
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    custom: args.custom !== false,
                    provider: args.provider,
                    dependsOn: requestedDependencies.get(`${args.type}::${args.name}`) ?? [],
                });
                const extra = options.outputs?.(args) ?? {};
                return { id: args.custom === false ? undefined : `${args.name}-id`, state: { ...args.inputs, ...extra } };
            },
            call(args) {
                return options.call?.(args) ?? args.inputs;
            },
        },
        options.project ?? "shipgate",
        options.stack ?? "test",
        options.preview ?? false,
    );
}

/** Forgets what was recorded; call it before each program or component under test. */
export function resetResources(): void {
    recorded.length = 0;
}

/** Waits until every registration started so far has reached the mocks. */
export async function settle(): Promise<void> {
    const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (waitForRPCs) {
        await waitForRPCs();
        return;
    }
    // Older SDKs: wait until the record stops growing.
    let count = -1;
    while (count !== recorded.length) {
        count = recorded.length;
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

/** Builds a component on a clean record (one `up`) and waits until all its children are registered. */
export async function build<C extends pulumi.ComponentResource>(make: () => C): Promise<C> {
    resetResources();
    const component = make();
    await settle();
    return component;
}

/** Everything recorded since the last reset, in registration order. */
export function recordedResources(): readonly RecordedResource[] {
    return [...recorded];
}

/** The resources of a type token (e.g. "kubernetes:apps/v1:Deployment"), optionally of one name. */
export function findResources(type: string, name?: string): RecordedResource[] {
    return recorded.filter((r) => r.type === type && (name === undefined || r.name === name));
}

/** The one resource of this type and name, or undefined. */
export function maybeResource(type: string, name: string): RecordedResource | undefined {
    const found = findResources(type, name);
    if (found.length > 1) {
        throw new Error(`${found.length} resources ${type} "${name}" were registered; expected one`);
    }
    return found[0];
}

/** The one resource of this type and name; fails listing what was registered instead. */
export function findResource(type: string, name: string): RecordedResource {
    const found = maybeResource(type, name);
    if (!found) {
        const names = findResources(type).map((r) => r.name);
        throw new Error(`no ${type} "${name}" was registered; registered: ${names.length ? names.join(", ") : "none of this type"}`);
    }
    return found;
}

/** The names of the resources of a type, sorted. */
export function resourceNames(type: string): string[] {
    return findResources(type)
        .map((r) => r.name)
        .sort();
}

/** Resolves an Output's value (never resolves for a value unknown in a preview). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => {
        output.apply((value) => {
            resolve(value);
            return value;
        });
    });
}

/**
 * Records the explicit `dependsOn` of every resource created under a component (the mocks do
 * not see dependencies). Pass `transformations` in the component's options.
 */
export function dependencyRecorder(): {
    readonly transformations: pulumi.ResourceTransformation[];
    /** The names of the resources `type`/`name` explicitly depends on, sorted. */
    dependsOn(type: string, name: string): Promise<string[]>;
} {
    const seen = new Map<string, pulumi.ResourceOptions["dependsOn"]>();
    return {
        transformations: [
            (args) => {
                seen.set(`${args.type}::${args.name}`, args.opts.dependsOn);
                return undefined;
            },
        ],
        async dependsOn(type, name) {
            const key = `${type}::${name}`;
            if (!seen.has(key)) {
                throw new Error(`no ${type} "${name}" was created under the recorder`);
            }
            // dependsOn may be a resource, a list, or promises of them (Outputs of resources are not supported here).
            const value = await seen.get(key);
            const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
            const deps = (await Promise.all(list.map(async (d) => await d))) as pulumi.Resource[];
            const urns = await Promise.all(deps.map((d) => promiseOf(d.urn)));
            return urns.map((urn) => urn.slice(urn.lastIndexOf("::") + 2)).sort();
        },
    };
}
