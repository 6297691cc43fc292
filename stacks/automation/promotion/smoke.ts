import { NoAnswer, httpRequest } from "../http-request";
import { StackOutputs } from "../stack-outputs";

export interface SmokeCheck {
    readonly service: string;
    readonly path: string;
    readonly expectStatus: number;
    readonly timeoutSeconds: number;
}

export interface SmokeResult {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
}

/** The seeds' smoke tests: each configured page answers with the expected status on the live endpoint. */
export async function runSmokeChecks(checks: readonly SmokeCheck[], outputs: StackOutputs, signal?: AbortSignal): Promise<{ ok: boolean; results: SmokeResult[] }> {
    const results: SmokeResult[] = [];
    for (const check of checks) {
        const endpoint = outputs.services[check.service]?.endpoint;
        const name = `${check.service}${check.path}`;
        if (!endpoint) {
            results.push({ name, ok: false, detail: `no endpoint for ${check.service} in the stack's outputs` });
            continue;
        }
        const url = `${endpoint.replace(/\/$/, "")}${check.path}`;
        const started = Date.now();
        try {
            const { status } = await httpRequest(url, { timeoutMs: check.timeoutSeconds * 1000, signal });
            const ok = status === check.expectStatus;
            results.push({ name, ok, detail: `GET ${url} → ${status}${ok ? "" : ` (expected ${check.expectStatus})`} in ${Date.now() - started} ms` });
        } catch (err) {
            if (!(err instanceof NoAnswer)) throw err;
            results.push({ name, ok: false, detail: `GET ${url} failed: ${err.message}` });
        }
    }
    return { ok: results.every((r) => r.ok), results };
}
