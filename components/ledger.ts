// A ledger: the memory a declarative program lacks, kept in the stack's own state.
//
// Some clouds make a release's second track out of ONE resource: a Lambda function publishes a
// numbered version each time its code changes, a Container App creates a revision each time its
// template changes. The release state says "stable runs 1.0.0, canary runs 2.0.0", but which
// Lambda version or revision runs 1.0.0 is something only an earlier `up` knew. A ledger keeps
// that: its `check` folds the request of this `up` into the state the previous `up` left (Pulumi
// stores a resource's checked inputs, so the state is read back as `olds` next time), with a pure
// reducer. No cloud call, no file: `pulumi stack export` shows it, and a rollback of the stack
// rolls it back with everything else.
//
// Because the fold happens in `check`, `pulumi preview` already shows the decided state (the
// engine previews an update of a provider without preview support with its checked inputs).
import * as pulumi from "@pulumi/pulumi";

/** The string the engine uses for a value not known yet (during a preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What a reducer answers: the new state, or why the request cannot be honoured (the `up` fails with it). */
export type LedgerResult<S> = { readonly state: S } | { readonly failure: string };

/** Folds one request into the previous state (undefined on the first `up`). Must be pure and self-contained. */
export type LedgerReducer<S, R> = (previous: S | undefined, request: R) => LedgerResult<S>;

/** True when a value (or anything inside it) is unknown, as the engine hands it to a provider in a preview. */
export function hasUnknowns(value: unknown): boolean {
    return JSON.stringify(value ?? null).includes(UNKNOWN);
}

/**
 * A dynamic provider around a reducer. It must reference nothing but the reducer: Pulumi
 * serializes the provider (and the reducer) into the state and runs it in its own process.
 */
export function ledgerProvider(reducer: LedgerReducer<unknown, unknown>): pulumi.dynamic.ResourceProvider {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    return {
        async check(olds: any, news: any) {
            const request = news.request;
            // A preview with values still unknown: the state is unknown too, not guessed.
            if (JSON.stringify(request ?? null).includes(unknown)) {
                return { inputs: { ...news, state: unknown } };
            }
            const previous = olds && olds.state !== undefined && olds.state !== unknown ? olds.state : undefined;
            const result: any = reducer(previous, request);
            if (result.failure !== undefined) {
                return { inputs: news, failures: [{ property: "request", reason: result.failure }] };
            }
            return { inputs: { ...news, state: result.state } };
        },
        async create(inputs: any) {
            const id = `ledger-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
            return { id, outs: { state: inputs.state } };
        },
        async update(_id: string, _olds: any, news: any) {
            return { outs: { state: news.state } };
        },
        async delete() {
            // Nothing lives outside the stack's state.
        },
    };
}

export interface LedgerArgs<R> {
    /** What this `up` asks for; folded into the previous state by the reducer. */
    readonly request: pulumi.Input<R>;
}

/**
 * The dynamic resource itself. Construct subclasses with a module-level provider (so Pulumi
 * serializes it once per process), e.g. `new Ledger(provider, "LambdaVersions", name, {request}, opts)`.
 */
export class Ledger<S, R> extends pulumi.dynamic.Resource {
    /** The state after this `up`'s request (unknown in a preview while the request is). */
    declare public readonly state: pulumi.Output<S>;

    constructor(
        provider: pulumi.dynamic.ResourceProvider,
        type: string,
        name: string,
        args: LedgerArgs<R>,
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(provider, name, { request: args.request, state: undefined }, opts, "shipgate", type);
    }
}
