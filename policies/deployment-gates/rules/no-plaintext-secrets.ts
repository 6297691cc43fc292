import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { AWS, AZURE, isKeyVaultReference, list } from "../lib/cloud";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { UNKNOWN_AT_PREVIEW, ifKnown, readKnown } from "../lib/known";
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
    [/(^|;)\s*(password|pwd|accountkey|sharedaccesskey)\s*=\s*[^;\s]/i, "a connection string with a password or key in it"],
];

/** What kind of secret a value looks like, if any. */
export function secretValueKind(value: string): string | undefined {
    return SECRET_VALUES.find(([re]) => re.test(value))?.[1];
}

/**
 * Why a plain variable leaks a secret, or undefined. `value` undefined: not known at preview.
 * `what` names the kind of variable in the message (an App Service "app setting").
 */
export function plaintextSecret(name: string, value: unknown, allow: readonly string[], what = "environment variable"): string | undefined {
    if (allow.includes(name)) return undefined;
    if (typeof value === "string") {
        const kind = secretValueKind(value);
        if (kind) return `${what} ${name} holds ${kind} in plain text`;
        if (value === "") return undefined;
    }
    if (secretName(name)) return `${what} ${name} holds a secret in plain text`;
    return undefined;
}

/** A finding on a hand-written AWS or Azure resource: where, what, and how to fix it. */
interface CloudFinding {
    readonly subject: string;
    readonly problem: string;
    readonly fix: string;
}

/** Plain variables of a name → value map (Lambda environment.variables, App Service settings). */
function fromMap(
    map: unknown,
    allow: readonly string[],
    subject: string,
    what: string,
    fix: (name: string) => string,
    isReference: (value: unknown) => boolean = () => false,
): CloudFinding[] {
    if (!map || typeof map !== "object") return [];
    const out: CloudFinding[] = [];
    for (const name of Object.keys(map)) {
        const value = ifKnown(() => (map as Record<string, unknown>)[name]);
        if (isReference(value)) continue;
        const problem = plaintextSecret(name, value, allow, what);
        if (problem) out.push({ subject, problem, fix: fix(name) });
    }
    return out;
}

/** An ECS task definition's plain `environment` (secrets belong in `secrets` with `valueFrom`). */
function taskDefinitionFindings(name: string, props: Record<string, any>, allow: readonly string[]): CloudFinding[] {
    // The container definitions are one JSON string: a value the gate decides on, read as is.
    const json = props.containerDefinitions;
    let definitions: unknown;
    try {
        definitions = typeof json === "string" ? JSON.parse(json) : json;
    } catch {
        return []; // AWS refuses it with its own message.
    }
    const out: CloudFinding[] = [];
    list(definitions).forEach((c: Record<string, any>, i: number) => {
        const container = typeof c?.name === "string" && c.name ? c.name : `#${i}`;
        for (const e of list(c?.environment)) {
            if (typeof e?.name !== "string") continue;
            const problem = plaintextSecret(e.name, e.value, allow);
            if (problem) {
                out.push({
                    subject: `ECS task definition "${name}", container "${container}"`,
                    problem,
                    fix: `move it from environment to secrets: [{name: "${e.name}", valueFrom: <Secrets Manager secret or SSM parameter ARN>}], and rotate the value`,
                });
            }
        }
        for (const secret of list(c?.secrets)) {
            if (typeof secret?.name === "string" && !(typeof secret.valueFrom === "string" && secret.valueFrom)) {
                out.push({
                    subject: `ECS task definition "${name}", container "${container}"`,
                    problem: `secret ${secret.name} has no valueFrom`,
                    fix: "set valueFrom to the Secrets Manager secret or SSM parameter ARN",
                });
            }
        }
    });
    return out;
}

/** A Container App's secrets (Key Vault references, not values) and its containers' plain env. */
function containerAppFindings(name: string, props: Record<string, any>, allow: readonly string[]): CloudFinding[] {
    const out: CloudFinding[] = [];
    const subject = `Container App "${name}"`;
    for (const secret of list(props.configuration?.secrets)) {
        const secretName = ifKnown(() => secret?.name) ?? "<unnamed>";
        const reference = readKnown(() => secret?.keyVaultUrl);
        // A reference unknown at preview (a vault's URI from another resource) is a reference.
        if (reference === UNKNOWN_AT_PREVIEW || (typeof reference === "string" && reference !== "")) continue;
        if ((ifKnown(() => secret?.value !== undefined) ?? true) === false) continue;
        out.push({
            subject,
            problem: `secret "${secretName}" carries its value in the app's configuration and the Pulumi state instead of referencing Key Vault`,
            fix: `replace value with keyVaultUrl: "https://<vault>.vault.azure.net/secrets/<name>" and identity: <a user-assigned identity with Key Vault Secrets User>, and rotate the value`,
        });
    }
    list(props.template?.containers).forEach((c: Record<string, any>, i: number) => {
        const container = typeof c?.name === "string" && c.name ? c.name : `#${i}`;
        for (const e of list(c?.env)) {
            const envName = ifKnown(() => e?.name);
            // From an app secret (or not known yet): not a literal in the template.
            if (typeof envName !== "string" || (ifKnown(() => e.secretRef !== undefined) ?? true)) continue;
            const problem = plaintextSecret(envName, ifKnown(() => e.value), allow);
            if (problem) {
                out.push({
                    subject: `${subject}, container "${container}"`,
                    problem,
                    fix: `add it to configuration.secrets as a Key Vault reference and use env {name: ${envName}, secretRef: <secret name>}, and rotate the value`,
                });
            }
        }
    });
    return out;
}

const APP_SETTING_FIX = (name: string) => `make ${name} a Key Vault reference, "@Microsoft.KeyVault(VaultName=<vault>;SecretName=<secret>)", read with the site's identity, and rotate the value`;

/** An App Service site's or slot's app settings and connection strings. */
function webAppFindings(name: string, props: Record<string, any>, allow: readonly string[]): CloudFinding[] {
    const subject = `Web App "${name}"`;
    const settings: Record<string, unknown> = {};
    for (const s of list(props.siteConfig?.appSettings)) {
        const n = ifKnown(() => s?.name);
        if (typeof n === "string") settings[n] = ifKnown(() => s.value);
    }
    const out = fromMap(settings, allow, subject, "app setting", APP_SETTING_FIX, isKeyVaultReference);
    for (const cs of list(props.siteConfig?.connectionStrings)) {
        const n = ifKnown(() => cs?.name);
        const value = ifKnown(() => cs?.connectionString);
        if (typeof n !== "string" || typeof value !== "string" || isKeyVaultReference(value)) continue;
        const kind = secretValueKind(value);
        if (kind) out.push({ subject, problem: `connection string ${n} holds ${kind} in plain text`, fix: APP_SETTING_FIX(`connection string ${n}`) });
    }
    return out;
}

const CLOUD_TYPES = new Set<string>([AWS.taskDefinition, AWS.lambdaFunction, AZURE.containerApp, ...AZURE.webApp, ...AZURE.appSettings]);

/** The hand-written AWS and Azure resources that carry variables, and what is wrong with them. */
function cloudFindings(type: string, name: string, props: Record<string, any>, allow: readonly string[]): CloudFinding[] | undefined {
    if (type === AWS.taskDefinition) return taskDefinitionFindings(name, props, allow);
    if (type === AWS.lambdaFunction) {
        return fromMap(
            props.environment?.variables,
            allow,
            `Lambda function "${name}"`,
            "environment variable",
            (n) => `read ${n} from Secrets Manager or SSM in the function (e.g. the Parameters and Secrets extension) instead of environment.variables, and rotate the value`,
        );
    }
    if (type === AZURE.containerApp) return containerAppFindings(name, props, allow);
    if (AZURE.webApp.has(type)) return webAppFindings(name, props, allow);
    if (AZURE.appSettings.has(type)) return fromMap(props.properties, allow, `app settings "${name}"`, "app setting", APP_SETTING_FIX, isKeyVaultReference);
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
            "No secret sits in a plain environment variable: variables named like secrets (PASSWORD, TOKEN, API_KEY, …) or holding secret-looking values (private keys, cloud keys, URLs or connection strings with passwords) must come from a secret store: Kubernetes Secrets, ECS secrets with valueFrom, Key Vault references on Container Apps and App Service.",
        enforcementLevel: "mandatory",
        severity: "critical",
        remediationSteps:
            "Move the variable from env to secretEnv (shipgate:services.<name>.secretEnv.<VAR>: {secretName, key}); on a Kubernetes workload use valueFrom.secretKeyRef; on an ECS task definition secrets[].valueFrom (Secrets Manager or SSM); on a Container App a secret with keyVaultUrl and env secretRef; on App Service an app setting \"@Microsoft.KeyVault(VaultName=…;SecretName=…)\". Rotate any secret that was committed or deployed in plain text.",
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
            // A workload a shipgate service rendered gets env from the service (checked above) and links;
            // its secrets are references by construction (secretEnv).
            if (owningServiceComponent(args.urn)) return;
            const cloud = CLOUD_TYPES.has(args.type) ? cloudFindings(args.type, args.name, args.props, readConfig(NAME, Config, args).allowNames) : undefined;
            if (cloud) {
                for (const f of cloud) report(violation(f.subject, f.problem, f.fix));
                return;
            }
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
