// App Service's slot swap: an action, not a resource (no Pulumi resource models it; see
// pulumi/pulumi-azure-native#632), so the release engine performs it through the Azure SDK.
//
// The protocol with the stack (the App Service component of the Azure platform): a blue-green WebAppService
// declares production = the active color, staging = the idle one. To switch, the engine
//   1. swaps the staging slot with production (warm: App Service starts the staging content with
//      production's settings, waits for it, then exchanges the host names), then
//   2. applies the switched release state with one `up`: the images it declares are exactly what
//      the swap put in place, so the `up` changes none and the stack has no drift.
// A rollback is the same swap again, then the previous state.
import type { TokenCredential } from "@azure/core-auth";
import { WebSiteManagementClient, type WebSiteManagementClientOptionalParams } from "@azure/arm-appservice";

export interface SlotSwapTarget {
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    /** The site's name (`<app>.azurewebsites.net`). */
    readonly app: string;
    /** The slot to swap into production, e.g. "staging". */
    readonly slot: string;
}

export interface SlotSwapOptions {
    /** ARM's endpoint (default https://management.azure.com; sovereign clouds, tests). */
    readonly endpoint?: string;
    /** How often to poll the operation when ARM gives no Retry-After (default 5 s). */
    readonly pollIntervalMs?: number;
    /** Keep the slots' VNet integration where it is (default true, as the portal does). */
    readonly preserveVnet?: boolean;
    /** Passed to the SDK client (retry options, TLS settings…). */
    readonly clientOptions?: WebSiteManagementClientOptionalParams;
}

export interface SlotSwapResult {
    readonly target: SlotSwapTarget;
    readonly durationMs: number;
}

/** The swap did not complete: ARM refused it, the operation failed, or it was cancelled. */
export class SlotSwapError extends Error {
    constructor(
        readonly target: SlotSwapTarget,
        message: string,
        /** ARM's error code (e.g. "Conflict", "ResourceNotFound"), when it gave one. */
        readonly code?: string,
        /** The HTTP status of the failing answer, when there was one. */
        readonly statusCode?: number,
        readonly cause?: unknown,
    ) {
        super(`swapping ${target.slot} into production of ${target.app} (resource group ${target.resourceGroup}): ${message}`);
        this.name = "SlotSwapError";
    }
}

const NAME = /^[A-Za-z0-9-]{1,60}$/;

/**
 * Swaps `slot` with production (ARM `POST …/sites/{app}/slotsswap`, a long-running operation:
 * 202 Accepted, then polling the Location or Azure-AsyncOperation until it completes) and waits
 * for the result. Throttling (429) and transient errors are retried by the SDK; `signal` cancels
 * the wait (the swap itself may still complete in Azure: check the site before retrying).
 */
export async function swapSlots(target: SlotSwapTarget, credential: TokenCredential, signal?: AbortSignal, options: SlotSwapOptions = {}): Promise<SlotSwapResult> {
    for (const [field, value] of Object.entries({ app: target.app, slot: target.slot })) {
        if (!NAME.test(value)) {
            throw new SlotSwapError(target, `${field} ${JSON.stringify(value)} is not an App Service name (letters, digits, "-")`);
        }
    }
    if (target.slot.toLowerCase() === "production") {
        throw new SlotSwapError(target, "the slot to swap in must not be production itself");
    }
    const client = new WebSiteManagementClient(credential, target.subscriptionId, {
        ...options.clientOptions,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    const started = Date.now();
    try {
        await client.webApps
            .swapSlotWithProduction(
                target.resourceGroup,
                target.app,
                { targetSlot: target.slot, preserveVnet: options.preserveVnet ?? true },
                { abortSignal: signal, updateIntervalInMs: options.pollIntervalMs ?? 5000 },
            )
            .pollUntilDone({ abortSignal: signal });
    } catch (err) {
        if (signal?.aborted) {
            throw new SlotSwapError(target, `cancelled while waiting: ${String(signal.reason?.message ?? signal.reason)} (the swap may still complete in Azure)`, "Cancelled", undefined, err);
        }
        const e = err as { code?: string; statusCode?: number; message?: string; details?: { error?: { code?: string; message?: string } } };
        const code = e.details?.error?.code ?? e.code;
        const message = e.details?.error?.message ?? e.message ?? String(err);
        throw new SlotSwapError(target, `${e.statusCode ? `HTTP ${e.statusCode} ` : ""}${code ? `${code}: ` : ""}${message}`, code, e.statusCode, err);
    }
    return { target, durationMs: Date.now() - started };
}
