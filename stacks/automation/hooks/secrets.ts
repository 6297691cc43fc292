import { z } from "zod";
import { InvalidInputError } from "../../../components/release";

/**
 * Values that must not be written down: webhook URLs (a Slack incoming-webhook URL *is* the
 * credential), tokens in headers. In config they are given directly, or by reference to an
 * environment variable (how CI systems hand out secrets) or to a secret key of the stack's config
 * (`pulumi config set --secret`). However they arrive, they only leave this process in the
 * request itself: every outcome, log line and error message goes through a Redactor first.
 */

export const SecretRefSchema = z.union([z.string().min(1), z.strictObject({ fromEnv: z.string().min(1) }), z.strictObject({ fromConfig: z.string().min(1) })], {
    error: () =>
        'expected a value, {fromEnv: "VARIABLE"} or {fromConfig: "shipgate:key"} (an encrypted {secure: …} value cannot be read from the file: reference its key with fromConfig)',
});
export type SecretRef = z.output<typeof SecretRefSchema>;

/** A config value as the Automation API's `stack.getAllConfig()` returns it (decrypted). */
export interface ConfigEntry {
    readonly value: string;
    readonly secret?: boolean;
}

/** Looks a stack config key up: the runner builds it from the engine's (decrypted) config. */
export type ConfigLookup = (key: string) => ConfigEntry | undefined;

/** A ConfigLookup over `stack.getAllConfig()`'s map; a bare key is also tried under the `shipgate:` namespace. */
export function configLookup(map: Readonly<Record<string, ConfigEntry>>): ConfigLookup {
    return (key) => map[key] ?? (key.includes(":") ? undefined : map[`shipgate:${key}`]);
}

export interface ResolvedSecret {
    readonly value: string;
    /** True when it came from the environment or a config key: shown as "***" everywhere. */
    readonly secret: boolean;
    /** Where it came from, safe to print: "env SLACK_WEBHOOK_URL", "config shipgate:slackWebhook", "config file". */
    readonly source: string;
}

export interface SecretSources {
    readonly env?: NodeJS.ProcessEnv;
    readonly config?: ConfigLookup;
}

/**
 * Resolves a reference now, at construction, so a missing secret stops a promotion in its
 * pre-flight ("required environment present") instead of failing a hook halfway through.
 */
export function resolveSecret(ref: SecretRef, where: string, sources: SecretSources): ResolvedSecret {
    if (typeof ref === "string") {
        return { value: ref, secret: false, source: "config file" };
    }
    if ("fromEnv" in ref) {
        const value = (sources.env ?? process.env)[ref.fromEnv];
        if (!value) {
            throw new InvalidInputError("hook configuration", [{ path: where, message: `environment variable ${ref.fromEnv} is not set (or empty): set it in the CI job's secrets` }]);
        }
        return { value, secret: true, source: `env ${ref.fromEnv}` };
    }
    const entry = sources.config?.(ref.fromConfig);
    if (!entry || !entry.value) {
        throw new InvalidInputError("hook configuration", [
            { path: where, message: `no config key ${ref.fromConfig} in the stack: \`pulumi config set --secret ${ref.fromConfig} <value>\`` },
        ]);
    }
    return { value: entry.value, secret: true, source: `config ${ref.fromConfig}` };
}

const MASK = "***";

/** A path segment that looks like a token: long, or mixing letters and digits (Slack's T…/B…/secret). */
function tokenLike(segment: string): boolean {
    return segment.length >= 16 || (segment.length >= 8 && /\d/.test(segment) && /[A-Za-z]/.test(segment));
}

/**
 * A URL as it may be shown: scheme, host and port, and for a plain (non-secret) URL the path with
 * token-like segments masked; never the query string, never credentials. A secret URL shows only
 * where it goes: `https://hooks.slack.com/***`.
 */
export function displayUrl(url: string, secret: boolean): string {
    let u: URL;
    try {
        u = new URL(url);
    } catch {
        return "(invalid URL)";
    }
    const origin = `${u.protocol}//${u.host}`;
    if (secret) {
        return u.pathname === "/" && !u.search ? origin : `${origin}/${MASK}`;
    }
    const path = u.pathname
        .split("/")
        .map((s) => (tokenLike(decodeURIComponent(s)) ? MASK : s))
        .join("/");
    return `${origin}${path === "/" ? "" : path}${u.search ? `?${MASK}` : ""}`;
}

/**
 * Replaces every known secret (and the sensitive parts of known URLs) in a text. Long values
 * first, so a URL is masked whole before its path would be.
 */
export class Redactor {
    private readonly secrets = new Set<string>();

    add(value: string | undefined): this {
        // Very short values would mask innocent text ("a", "on") and protect nothing.
        if (value && value.length >= 4) this.secrets.add(value);
        return this;
    }

    /** Registers a URL: all of it when secret; otherwise its query, credentials and token-like path segments. */
    addUrl(url: string, secret: boolean): this {
        let u: URL;
        try {
            u = new URL(url);
        } catch {
            return this.add(url);
        }
        if (secret) {
            this.add(url).add(u.href).add(`${u.pathname}${u.search}`);
            for (const s of u.pathname.split("/")) if (s.length >= 8) this.add(s);
        }
        this.add(u.search.slice(1)).add(u.password).add(u.username);
        for (const [, v] of u.searchParams) this.add(v);
        for (const s of u.pathname.split("/")) if (tokenLike(decodeURIComponent(s))) this.add(s).add(decodeURIComponent(s));
        return this;
    }

    redact(text: string): string {
        let out = text;
        for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
            if (out.includes(secret)) out = out.split(secret).join(MASK);
        }
        return out;
    }
}
