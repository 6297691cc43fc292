// The memory a Lambda release needs: which artifact the function's code holds, and which
// published version runs each artifact. Both are ledgers (components/ledger.ts): pure reducers
// folded in `check`, kept in the stack's state. Keep the reducers self-contained (no imports):
// Pulumi serializes them into the state.
import * as pulumi from "@pulumi/pulumi";
import { Ledger, LedgerResult, ledgerProvider } from "../ledger";

/** An artifact as the ledgers key it: its version and the image it runs. */
export interface CodeEntry {
    readonly key: string;
    readonly image: string;
}

export interface CodeRequest {
    /** Every declared track's artifact, by track name. */
    readonly tracks: Readonly<Record<string, CodeEntry>>;
    /** The track carrying most traffic. */
    readonly primary: string;
}

export interface CodeState {
    /** What the function's code runs now (what the next publish is built from). */
    readonly code: CodeEntry;
    /** Artifacts that were already the function's code, so a version runs them (newest last). */
    readonly published: readonly string[];
}

/** How many artifacts the ledgers remember (older ones fall out of a rollback's reach). */
export const LEDGER_MEMORY = 50;

/**
 * Which artifact the function's code must hold. A function publishes one version per update, so:
 * - an artifact no version runs yet (the new canary, the new idle color) becomes the code;
 * - else the code stays what it is while a track still runs it (a blue-green switch, a rollback's
 *   first state: traffic moves between versions that exist, nothing is published);
 * - else (a rollback's last state: nothing runs the code any more) the code follows the primary,
 *   which publishes a version identical to the one it had.
 * Two artifacts without a version cannot be published by one update: that is a failure.
 */
export function reduceLambdaCode(previous: CodeState | undefined, request: CodeRequest): LedgerResult<CodeState> {
    const published = previous ? previous.published : [];
    // The primary first, so messages read the same whatever order the engine hands the tracks in.
    const names = Object.keys(request.tracks).sort((a, b) => (a === request.primary ? -1 : b === request.primary ? 1 : a.localeCompare(b)));
    const tracks = names.map((name) => ({ name, entry: request.tracks[name] }));
    const unpublished = tracks.filter((t) => published.indexOf(t.entry.key) < 0);
    const keys: string[] = [];
    for (const t of unpublished) {
        if (keys.indexOf(t.entry.key) < 0) {
            keys.push(t.entry.key);
        }
    }
    if (keys.length > 1) {
        return {
            failure:
                `${unpublished.map((t) => `${t.name} (${t.entry.key.split("|")[0]})`).join(" and ")} have no published version yet, ` +
                `and a Lambda function publishes one version per update: deploy ${request.primary} alone first, then add the other track`,
        };
    }
    let code: CodeEntry;
    if (unpublished.length > 0) {
        code = unpublished[0].entry;
    } else if (previous && tracks.some((t) => t.entry.key === previous.code.key)) {
        code = previous.code;
    } else {
        code = request.tracks[request.primary];
    }
    const next = published.filter((k) => k !== code.key).concat([code.key]);
    return { state: { code, published: next.slice(Math.max(0, next.length - 50)) } };
}

export interface VersionRequest {
    /** The function's ARN: a replaced function starts its version numbers again, so the memory resets. */
    readonly functionArn: string;
    /** The artifact the function's code holds (the code ledger's decision)… */
    readonly code: string;
    /** …and the version the function published from it (its `version` output). */
    readonly version: string;
}

export interface VersionState {
    readonly functionArn: string;
    /** Published version by artifact key (the newest publish of each artifact wins). */
    readonly versions: Readonly<Record<string, string>>;
}

/** Records the version just published for the code's artifact. */
export function reduceLambdaVersions(previous: VersionState | undefined, request: VersionRequest): LedgerResult<VersionState> {
    const known = previous && previous.functionArn === request.functionArn ? previous.versions : {};
    const entries = Object.keys(known)
        .filter((k) => k !== request.code)
        .map((k) => [k, known[k]] as [string, string]);
    entries.push([request.code, request.version]);
    const kept = entries.slice(Math.max(0, entries.length - 50));
    const versions: Record<string, string> = {};
    for (const [k, v] of kept) {
        versions[k] = v;
    }
    return { state: { functionArn: request.functionArn, versions } };
}

const codeProvider = ledgerProvider(reduceLambdaCode as never);
const versionProvider = ledgerProvider(reduceLambdaVersions as never);

export const LAMBDA_CODE_LEDGER_TYPE = "pulumi-nodejs:dynamic/shipgate:LambdaCodeLedger";
export const LAMBDA_VERSION_LEDGER_TYPE = "pulumi-nodejs:dynamic/shipgate:LambdaVersionLedger";

/** Decides the function's code (before the function). */
export class LambdaCodeLedger extends Ledger<CodeState, CodeRequest> {
    constructor(name: string, request: pulumi.Input<CodeRequest>, opts?: pulumi.CustomResourceOptions) {
        super(codeProvider, "LambdaCodeLedger", name, { request }, opts);
    }
}

/** Records the published versions (after the function). */
export class LambdaVersionLedger extends Ledger<VersionState, VersionRequest> {
    constructor(name: string, request: pulumi.Input<VersionRequest>, opts?: pulumi.CustomResourceOptions) {
        super(versionProvider, "LambdaVersionLedger", name, { request }, opts);
    }
}
