import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { ifKnown } from "../lib/known";
import { violation } from "../lib/messages";
import { containers, owningServiceComponent, serviceComponent, serviceKey, serviceSubject, workload } from "../lib/resources";

export const NAME = "no-plaintext-secrets";

const Config = z
    .object({
        /** Variable names that look secret but are not (e.g. a public key). */
        allowNames: z.array(z.string().min(1)).default([]),
    })
    .strict();

/** Words (and word pairs) of a variable name that mark it as a secret, e.g. DB_PASSWORD, STRIPE_API_KEY. */
const SECRET_WORDS = new Set(["PASSWORD", "PASSWD", "SECRET", "SECRETS", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATEKEY", "SECRETKEY", "PASSPHRASE"]);
const SECRET_PAIRS = new Set(["API_KEY", "PRIVATE_KEY", "ACCESS_KEY", "SECRET_KEY", "CLIENT_SECRET", "AUTH_TOKEN", "SIGNING_KEY", "ENCRYPTION_KEY", "MASTER_KEY"]);
/** A last word that makes the variable point at a secret rather than hold one, e.g. PASSWORD_FILE, TOKEN_URL. */
const REFERENCE_WORDS = new Set(["FILE", "PATH", "NAME", "URL", "URI", "ENDPOINT", "ID", "ARN", "REF", "HEADER", "TTL", "TIMEOUT", "LENGTH", "TYPE", "ISSUER", "AUDIENCE", "SCOPE", "ENABLED", "EXPIRY"]);

/** Whether a variable's name says it holds a secret. */
export function secretName(name: string): boolean {
    const words = name.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
    if (!words.length || REFERENCE_WORDS.has(words[words.length - 1])) return false;
    if (words.some((w) => SECRET_WORDS.has(w))) return true;
    // "PASS" only as the last word (DB_PASS), not in PASS_THROUGH.
    if (words[words.length - 1] === "PASS" && words.length > 1) return true;
    return words.slice(1).some((w, i) => SECRET_PAIRS.has(`${words[i]}_${w}`));
}

const SECRET_VALUES: ReadonlyArray<readonly [RegExp, string]> = [
    [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
    [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key"],
    [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, "a GitHub token"],
    [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, "a Slack token"],
    [/\b(sk|rk)_live_[A-Za-z0-9]{10,}/, "a Stripe live key"],
    [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, "a JSON web token"],
    [/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, "a URL with a password in it"],
];

/** What kind of secret a value looks like, if any. */
export function secretValueKind(value: string): string | undefined {
    return SECRET_VALUES.find(([re]) => re.test(value))?.[1];
}

/** Why a plain variable leaks a secret, or undefined. `value` undefined: not known at preview. */
export function plaintextSecret(name: string, value: unknown, allow: readonly string[]): string | undefined {
    if (allow.includes(name)) return undefined;
    if (typeof value === "string") {
        const kind = secretValueKind(value);
        if (kind) return `environment variable ${name} holds ${kind} in plain text`;
        if (value === "") return undefined;
    }
    if (secretName(name)) return `environment variable ${name} holds a secret in plain text`;
    return undefined;
}

/**
 * No secret in plain container environment variables: a value written into a pod spec is visible
 * to anyone who can read the Deployment and lands in the Pulumi state. Secrets come from the
 * platform's secret store (shipgate: `secretEnv`, Kubernetes: `valueFrom.secretKeyRef`).
 */
export function noPlaintextSecrets(_deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description:
            "No secret sits in a plain environment variable: variables named like secrets (PASSWORD, TOKEN, API_KEY, …) or holding secret-looking values (private keys, cloud keys, URLs with passwords) must come from a secret store.",
        enforcementLevel: "mandatory",
        severity: "critical",
        remediationSteps:
            "Move the variable from env to secretEnv (shipgate:services.<name>.secretEnv.<VAR>: {secretName, key}); on a Kubernetes workload use valueFrom.secretKeyRef. Rotate any secret that was committed or deployed in plain text.",
        configSchema: configSchemaOf(Config),
        validateResource: (args, report) => {
            const svc = serviceComponent(args.type, args.name, args.props);
            if (svc) {
                const { allowNames } = readConfig(NAME, Config, args);
                const env = svc.service.env;
                if (!env || typeof env !== "object") return;
                for (const name of Object.keys(env)) {
                    const problem = plaintextSecret(name, ifKnown(() => env[name]), allowNames);
                    if (problem) {
                        report(
                            violation(
                                serviceSubject(svc),
                                `${problem}: it is written into the service spec, the Pulumi state and every process's environment listing`,
                                `move it to ${serviceKey(svc, `secretEnv.${name}`)}: {secretName: <secret>, key: <key>}, and rotate the value`,
                            ),
                        );
                    }
                }
                return;
            }
            // A workload a shipgate service rendered gets env from the service (checked above) and links.
            if (owningServiceComponent(args.urn)) return;
            const w = workload(args.type, args.name, args.props);
            if (!w) return;
            const { allowNames } = readConfig(NAME, Config, args);
            for (const c of containers(w)) {
                const env = c.spec.env;
                if (!Array.isArray(env)) continue;
                for (const e of [...env]) {
                    const name = ifKnown(() => e?.name);
                    // From a Secret or a ConfigMap (or not known yet): not a literal in the spec.
                    if (typeof name !== "string" || (ifKnown(() => e.valueFrom !== undefined) ?? true)) continue;
                    const problem = plaintextSecret(name, ifKnown(() => e.value), allowNames);
                    if (problem) {
                        report(violation(c.subject, problem, `take it from a Secret: env {name: ${name}, valueFrom: {secretKeyRef: {name: <secret>, key: <key>}}}, and rotate the value`));
                    }
                }
            }
        },
    };
}
