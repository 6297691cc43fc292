// Complete validation arguments for CrossGuard rules, without an engine (the pattern of
// pulumi/pulumi-policy-aws src/tests/util.ts, brought up to @pulumi/policy 1.21: stackTags,
// a notApplicable that throws a marker, props behind the engine's unknown-checking proxy).
// Unit tests and bench/policy-rules.ts build their arguments here.
import { strict as assert } from "node:assert";
import type { EnvironmentName, ServiceSpecInput } from "../../components/release";
import { PolicyDeps, factsFromConfig } from "../../policies/deployment-gates/lib/facts";
import {
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    UnknownValueError,
    unknownCheckingProxy,
} from "../../policies/deployment-gates/lib/sdk";

/** What the engine sends for a value it does not know yet during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const STACK = "test";
export const PROJECT = "shipgate";

/** Thrown by args.notApplicable, as the SDK's own marker is: the policy does not apply here. */
export class NotApplicable extends Error {
    constructor(readonly reason: string | undefined) {
        super(`not applicable${reason ? `: ${reason}` : ""}`);
    }
}

const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

export function urnOf(typeChain: readonly string[], name: string, stack = STACK, project = PROJECT): string {
    return `urn:pulumi:${stack}::${project}::${typeChain.join("$")}::${name}`;
}

function options(parentUrn?: string): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(parentUrn ? { parent: parentUrn } : {}),
    };
}

function typeOf(resourceClass: unknown): string | undefined {
    const t = (resourceClass as { __pulumiType?: unknown })?.__pulumiType;
    return typeof t === "string" ? t : undefined;
}

export interface ResourceInput {
    readonly type: string;
    readonly name?: string;
    readonly props: Record<string, unknown>;
    /** Type tokens of the resource's ancestors, outermost first (a Deployment under a CanaryService). */
    readonly ancestors?: readonly string[];
    /** The policy's config, as `--policy-pack-config` would hand it over. */
    readonly config?: Record<string, unknown>;
    readonly stackTags?: Readonly<Record<string, string>>;
}

/** ResourceValidationArgs as the SDK builds them, every field present. */
export function resourceArgs(input: ResourceInput): ResourceValidationArgs {
    const name = input.name ?? "resource";
    const ancestors = input.ancestors ?? [];
    const urn = urnOf([...ancestors, input.type], name);
    const parentUrn = ancestors.length ? urnOf(ancestors, `${name}-parent`) : undefined;
    const props = unknownCheckingProxy(structuredClone(input.props)) as Record<string, any>;
    return {
        type: input.type,
        props,
        urn,
        name,
        opts: options(parentUrn),
        stackTags: new Map(Object.entries(input.stackTags ?? {})),
        isType: (cls) => typeOf(cls) === input.type,
        asType: ((cls: unknown) => (typeOf(cls) === input.type ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => structuredClone(input.config ?? {}) as T,
        notApplicable: throwNotApplicable,
    };
}

export interface StackResourceInput {
    readonly type: string;
    readonly name: string;
    /** How `parent` and `dependsOn` refer to it: its name unless names clash (a Deployment and its Service). */
    readonly id?: string;
    readonly props?: Record<string, unknown>;
    /** The id of the parent resource in the same list. */
    readonly parent?: string;
    /** Ids of resources in the same list it depends on. */
    readonly dependsOn?: readonly string[];
}

/** StackValidationArgs over a list of resources, with parents and dependencies wired to the objects. */
export function stackArgs(
    inputs: readonly StackResourceInput[],
    config: Record<string, unknown> = {},
    stackTags: Readonly<Record<string, string>> = {},
): StackValidationArgs {
    const idOf = (r: StackResourceInput) => r.id ?? r.name;
    const byId = new Map(inputs.map((r) => [idOf(r), r]));
    if (byId.size !== inputs.length) throw new Error("resource ids in a stack list must be unique: give resources whose names clash an id");
    const chain = (r: StackResourceInput): string[] => {
        const parent = r.parent ? byId.get(r.parent) : undefined;
        if (r.parent && !parent) throw new Error(`parent ${r.parent} of ${idOf(r)} is not in the list`);
        return [...(parent ? chain(parent) : []), r.type];
    };
    const resources = new Map<string, PolicyResource>();
    for (const r of inputs) {
        const props = unknownCheckingProxy(structuredClone(r.props ?? {})) as Record<string, any>;
        const parentInput = r.parent ? byId.get(r.parent) : undefined;
        resources.set(idOf(r), {
            type: r.type,
            name: r.name,
            urn: urnOf(chain(r), r.name),
            props,
            opts: options(parentInput ? urnOf(chain(parentInput), parentInput.name) : undefined),
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => typeOf(cls) === r.type,
            asType: ((cls: unknown) => (typeOf(cls) === r.type ? props : undefined)) as PolicyResource["asType"],
        });
    }
    for (const r of inputs) {
        const resource = resources.get(idOf(r))!;
        if (r.parent) resource.parent = resources.get(r.parent);
        resource.dependencies = (r.dependsOn ?? []).map((d) => {
            const dep = resources.get(d);
            if (!dep) throw new Error(`dependency ${d} of ${idOf(r)} is not in the list`);
            return dep;
        });
    }
    return {
        resources: [...resources.values()],
        getConfig: <T extends object>() => structuredClone(config) as T,
        stackTags: new Map(Object.entries(stackTags)),
        notApplicable: throwNotApplicable,
    };
}

export interface Violation {
    readonly message: string;
    readonly urn?: string;
}

export interface Outcome {
    readonly violations: readonly Violation[];
    /** Set when the policy declared itself not applicable. */
    readonly notApplicable?: string;
}

async function run(validate: (report: (message: string, urn?: string) => void) => unknown): Promise<Outcome> {
    const violations: Violation[] = [];
    try {
        await validate((message, urn) => violations.push({ message, ...(urn ? { urn } : {}) }));
    } catch (err) {
        if (err instanceof NotApplicable) return { violations, notApplicable: err.reason ?? "" };
        throw err;
    }
    return { violations };
}

/** Runs every validation of a resource policy, as the engine would for one resource. */
export function runResourcePolicy(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<Outcome> {
    const validations = policy.validateResource ? (Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource]) : [];
    return run(async (report) => {
        for (const v of validations) await v(args, report);
    });
}

export function runStackPolicy(policy: StackValidationPolicy, args: StackValidationArgs): Promise<Outcome> {
    return run((report) => policy.validateStack(args, report));
}

/** Fails unless the outcome has no violation, printing what was reported. */
export function assertPasses(outcome: Outcome): void {
    assert.equal(outcome.notApplicable, undefined, `the policy was not applicable: ${outcome.notApplicable}`);
    assert.deepEqual(
        outcome.violations.map((v) => v.message),
        [],
        "expected no violation",
    );
}

/** Fails unless a violation mentions every fragment; returns its message. */
export function assertViolation(outcome: Outcome, ...fragments: (string | RegExp)[]): string {
    const hit = outcome.violations.find((v) => fragments.every((f) => (typeof f === "string" ? v.message.includes(f) : f.test(v.message))));
    assert.ok(
        hit,
        `no violation matches ${fragments.map(String).join(" + ")}; reported:\n${outcome.violations.map((v) => `  - ${v.message}`).join("\n") || "  (none)"}`,
    );
    return hit.message;
}

/** Fails unless the policy declared itself not applicable. */
export function assertNotApplicable(outcome: Outcome, reason?: string | RegExp): void {
    assert.notEqual(outcome.notApplicable, undefined, `expected not applicable; reported ${outcome.violations.length} violation(s)`);
    if (reason) assert.match(outcome.notApplicable!, typeof reason === "string" ? new RegExp(reason) : reason);
}

/** Fails unless running the policy touches a value unknown at preview (the engine would then downgrade it to advisory). */
export async function assertReadsUnknown(promise: Promise<unknown>): Promise<void> {
    await assert.rejects(promise, (err: unknown) => err instanceof UnknownValueError);
}

export interface DepsInput {
    readonly environment?: EnvironmentName;
    readonly stack?: string;
    /** `shipgate:services` as the stack config has it. */
    readonly services?: Record<string, ServiceSpecInput>;
    readonly now?: Date | string;
}

/** The stack facts and clock a test runs the rules with (the pack reads them from the engine). */
export function testDeps(input: DepsInput = {}): PolicyDeps {
    const stack = input.stack ?? input.environment ?? STACK;
    const facts = factsFromConfig(stack, input.environment, input.services);
    const now = input.now === undefined ? new Date("2026-03-10T10:00:00Z") : new Date(input.now);
    return { facts: () => facts, now: () => now };
}
