// Container Apps revisions as a ledger (components/ledger.ts).
//
// A Container App has ONE template; each template change creates a revision `<app>--<suffix>`,
// and a suffix can never be used twice ("revision with suffix already exists"). Two tracks
// (stable and canary, blue and green) are two revisions made by successive templates, and traffic
// names them. So the component must remember which revision runs which artifact, and must not
// put an older artifact back into the template (a rollback's last state would reuse a suffix):
// the template stays on the newest artifact and traffic moves to the old revision by name.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { Artifact } from "../release/artifact";
import { Ledger, LedgerResult, ledgerProvider } from "../ledger";

/** Revision names are at most 54 characters: `<app>--<suffix>`. */
export const MAX_REVISION_NAME = 54;

/**
 * The revision suffix for an artifact and a template: `v<version>-<hash>`, e.g. `v1-4-2-3f9a0c`
 * (lower-case letters, digits, single "-", starting with a letter). The hash of the template
 * makes a configuration change a new revision of the same version.
 */
export function revisionSuffix(appName: string, artifact: Artifact, templateJson: string): string {
    const hash = createHash("sha256").update(templateJson).digest("hex").slice(0, 6);
    const room = MAX_REVISION_NAME - appName.length - 2 - hash.length - 1;
    const slug = `v${artifact.version.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`.replace(/-+$/, "").slice(0, Math.max(1, room)).replace(/-+$/, "");
    return `${slug}-${hash}`;
}

/** A revision the component can ask for: the artifact's key, the suffix it would get, the template that makes it. */
export interface RevisionCandidate {
    readonly key: string;
    readonly suffix: string;
    readonly template: Record<string, unknown>;
}

export interface RevisionRequest {
    /** The Container App's name: another app (a replacement) starts a new memory. */
    readonly app: string;
    /** Every declared track's revision, by track name. */
    readonly tracks: Readonly<Record<string, RevisionCandidate>>;
    readonly primary: string;
}

export interface RevisionState {
    readonly app: string;
    /** The template the app holds, with the suffix it was given (`desired`: the suffix asked for). */
    readonly current: { readonly key: string; readonly suffix: string; readonly desired: string; readonly template: Record<string, unknown> };
    /** The newest revision of each artifact, by key. */
    readonly revisions: Readonly<Record<string, string>>;
    /** Every suffix used (Azure never takes one twice). */
    readonly used: readonly string[];
}

/**
 * Which template the app holds after this `up`, and which revision each artifact runs on:
 * - an artifact with no revision (the new canary, the new idle color) becomes the template;
 * - the artifact the template holds, with a changed configuration, becomes a new revision;
 * - otherwise the template does not change (a switch, a promotion's later steps, a rollback):
 *   traffic moves between revisions that exist.
 * One template per update means one new revision per update: two artifacts without one fail.
 */
export function reduceRevisions(previous: RevisionState | undefined, request: RevisionRequest): LedgerResult<RevisionState> {
    const prev = previous && previous.app === request.app ? previous : undefined;
    const revisions: Record<string, string> = {};
    if (prev) {
        for (const k of Object.keys(prev.revisions)) {
            revisions[k] = prev.revisions[k];
        }
    }
    const used = prev ? prev.used.slice() : [];
    // The primary first, so decisions and messages do not depend on the order the engine hands the tracks in.
    const names = Object.keys(request.tracks).sort((a, b) => (a === request.primary ? -1 : b === request.primary ? 1 : a.localeCompare(b)));
    const missingKeys: string[] = [];
    for (const n of names) {
        const key = request.tracks[n].key;
        if (revisions[key] === undefined && missingKeys.indexOf(key) < 0) {
            missingKeys.push(key);
        }
    }
    if (missingKeys.length > 1) {
        return {
            failure:
                `${names.filter((n) => revisions[request.tracks[n].key] === undefined).join(" and ")} both need a new revision, and a Container App ` +
                `makes one revision per update: deploy ${request.primary} alone first, then add the other track`,
        };
    }
    const unique = (suffix: string) => {
        let candidate = suffix;
        for (let i = 2; used.indexOf(candidate) >= 0; i++) {
            candidate = `${suffix}-${i}`;
        }
        return candidate;
    };
    let current = prev ? prev.current : undefined;
    const make = (c: RevisionCandidate) => {
        const suffix = unique(c.suffix);
        used.push(suffix);
        revisions[c.key] = suffix;
        current = { key: c.key, suffix, desired: c.suffix, template: c.template };
    };
    if (missingKeys.length === 1) {
        const name = names.filter((n) => request.tracks[n].key === missingKeys[0])[0];
        make(request.tracks[name]);
    } else if (current) {
        const holder = names.filter((n) => request.tracks[n].key === current!.key)[0];
        if (holder !== undefined && request.tracks[holder].suffix !== current.desired) {
            make(request.tracks[holder]);
        }
    } else {
        make(request.tracks[request.primary]);
    }
    // Bounded memory: the newest 50 artifacts and 200 suffixes.
    const keys = Object.keys(revisions);
    const kept: Record<string, string> = {};
    for (const k of keys.slice(Math.max(0, keys.length - 50))) {
        kept[k] = revisions[k];
    }
    for (const n of names) {
        kept[request.tracks[n].key] = revisions[request.tracks[n].key];
    }
    return { state: { app: request.app, current: current!, revisions: kept, used: used.slice(Math.max(0, used.length - 200)) } };
}

const provider = ledgerProvider(reduceRevisions as never);

export const REVISION_LEDGER_TYPE = "pulumi-nodejs:dynamic/shipgate:RevisionLedger";

export class RevisionLedger extends Ledger<RevisionState, RevisionRequest> {
    constructor(name: string, request: pulumi.Input<RevisionRequest>, opts?: pulumi.CustomResourceOptions) {
        super(provider, "RevisionLedger", name, { request }, opts);
    }
}
