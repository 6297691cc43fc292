// How the cloud routers reach their APIs and what they say when a call fails. Only types are
// imported at the top: the SDKs themselves load in the router files, which the factory
// requires lazily.
import type { TokenCredential } from "@azure/core-auth";
import { RouterContext, RouterError } from "./router";

/** AWS client configuration: the SDK's default credential chain, the descriptor's region. */
export function awsClientConfig(region: string, context: RouterContext): Record<string, unknown> {
    return {
        region,
        ...(context.awsEndpoint ? { endpoint: context.awsEndpoint } : {}),
        ...context.clientOptions,
    };
}

/** What a failed call was for, and what fixes the usual failures. */
export interface CallFailure {
    /** What shipgate asked, e.g. "reading rule arn:…". */
    readonly asked: string;
    /** The permission the call needs (`elasticloadbalancing:DescribeRules`, `Microsoft.App/containerApps/read`). */
    readonly permission: string;
    /** What the descriptor names that the API says is gone. */
    readonly resource: string;
}

function aborted(router: string, failure: CallFailure, signal: AbortSignal | undefined, err: unknown): RouterError | undefined {
    const name = (err as { name?: string })?.name;
    if (!signal?.aborted && name !== "AbortError") return undefined;
    const reason = signal?.reason instanceof Error ? signal.reason.message : signal?.reason !== undefined ? String(signal.reason) : "aborted";
    return new RouterError(router, `${failure.asked}: cancelled (${reason})`, err);
}

const AWS_DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredTokenException"]);
// ELBv2 answers 400 RuleNotFound / ListenerNotFound (the SDK names them …Exception), Lambda 404 ResourceNotFoundException.
const AWS_GONE = /^(Rule|Listener|TargetGroup|Resource)NotFound(Exception)?$/;

/** An AWS SDK failure as a RouterError: who refused, and the fix where there is one. */
export function awsRouterError(router: string, failure: CallFailure, err: unknown, signal?: AbortSignal): RouterError {
    const cancelled = aborted(router, failure, signal, err);
    if (cancelled) return cancelled;
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const said = `${status ? `HTTP ${status} ` : ""}${e.name ?? "Error"}: ${e.message ?? String(err)}`;
    let fix = "";
    if (AWS_DENIED.has(e.name ?? "") || status === 403) {
        fix = `: the engine's AWS identity needs ${failure.permission} on ${failure.resource}`;
    } else if (AWS_GONE.test(e.name ?? "") || status === 404) {
        fix = `: ${failure.resource} (from the service's router descriptor) is gone; run \`pulumi up\` for the stack, then retry`;
    } else if (e.name === "PreconditionFailedException") {
        fix = ": it changed while shipgate was setting it; read it again and retry";
    } else if (e.name === "CredentialsProviderError") {
        fix = ": no AWS credentials (set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is attached)";
    }
    return new RouterError(router, `${failure.asked} failed (${said})${fix}`, err);
}

/** The credential and subscription an Azure router signs in with. */
export interface AzureAccess {
    readonly credential: TokenCredential;
    readonly subscriptionId: string;
    readonly options: Record<string, unknown>;
}

export function azureAccess(router: string, subscriptionId: string | undefined, context: RouterContext): AzureAccess {
    const subscription = subscriptionId ?? context.env.ARM_SUBSCRIPTION_ID ?? context.env.AZURE_SUBSCRIPTION_ID;
    if (!subscription) {
        throw new RouterError(router, "no Azure subscription: the router descriptor names none and neither ARM_SUBSCRIPTION_ID nor AZURE_SUBSCRIPTION_ID is set");
    }
    // Loaded here, not at the top: @azure/identity pulls MSAL, seconds at start for stacks that never use it.
    const credential = context.azureCredential ?? new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential();
    return {
        credential,
        subscriptionId: subscription,
        options: { ...context.clientOptions, ...(context.azureEndpoint ? { endpoint: context.azureEndpoint } : {}) },
    };
}

/** An ARM failure (RestError or an LRO's failed status) as a RouterError. */
export function azureRouterError(router: string, failure: CallFailure, err: unknown, signal?: AbortSignal): RouterError {
    const cancelled = aborted(router, failure, signal, err);
    if (cancelled) return cancelled;
    const e = err as { code?: string; statusCode?: number; message?: string; details?: { error?: { code?: string; message?: string } } };
    const code = e.details?.error?.code ?? e.code;
    const message = e.details?.error?.message ?? e.message ?? String(err);
    const said = `${e.statusCode ? `HTTP ${e.statusCode} ` : ""}${code ? `${code}: ` : ""}${message}`;
    let fix = "";
    if (e.statusCode === 403 || code === "AuthorizationFailed") {
        fix = `: the engine's Azure identity needs ${failure.permission} on ${failure.resource}`;
    } else if (e.statusCode === 404 || code === "ResourceNotFound" || code === "ResourceGroupNotFound") {
        fix = `: ${failure.resource} (from the service's router descriptor) is gone; run \`pulumi up\` for the stack, then retry`;
    } else if (e.statusCode === 401 || (err as Error)?.name === "CredentialUnavailableError" || (err as Error)?.name === "AuthenticationError") {
        fix = ": no usable Azure credential (az login, AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or a managed identity)";
    } else if (e.statusCode === 409) {
        fix = ": another operation is in progress on it; retry when it has finished";
    }
    return new RouterError(router, `${failure.asked} failed (${said})${fix}`, err);
}

/** Percent shares of relative weights; all zero when nothing carries weight. */
export function percentShares(raw: Readonly<Record<string, number>>): Record<string, number> {
    const total = Object.values(raw).reduce((a, b) => a + b, 0);
    return Object.fromEntries(Object.entries(raw).map(([k, w]) => [k, total > 0 ? (w / total) * 100 : 0]));
}

/** Tracks that share one target (revision, version): a router cannot tell their shares apart. */
export function sharedTargets(targets: Readonly<Record<string, string>>): string | undefined {
    const byTarget = new Map<string, string[]>();
    for (const [track, target] of Object.entries(targets)) byTarget.set(target, [...(byTarget.get(target) ?? []), track]);
    const shared = [...byTarget].find(([, tracks]) => tracks.length > 1);
    return shared ? `tracks ${shared[1].join(" and ")} both run ${shared[0]}, so their shares cannot be told apart` : undefined;
}
