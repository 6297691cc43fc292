import { AnalysisConfig } from "../release/analysis";
import { Resources } from "../release/service-spec";

/** Kubernetes CPU quantity in cores. */
export function cpuCores(quantity: string): number {
    return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

const UNITS: Record<string, number> = { "": 1, K: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** Kubernetes memory quantity in GiB. */
export function memoryGiB(quantity: string): number {
    const match = /^([0-9]+)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity);
    if (!match) {
        throw new Error(`not a memory quantity: ${quantity}`);
    }
    return (Number(match[1]) * UNITS[match[2] ?? ""]) / 1024 ** 3;
}

/**
 * Container Apps (consumption) sizes: CPU in steps of 0.25 core up to 4, memory exactly twice the
 * CPU in GiB. The smallest size that holds both limits: "500m"/"256Mi" becomes 0.5 core / 1Gi.
 */
export function containerAppSize(resources: Resources): { cpu: number; memory: string } {
    const byCpu = Math.ceil(cpuCores(resources.limits.cpu) * 4) / 4;
    const byMemory = Math.ceil((memoryGiB(resources.limits.memory) / 2) * 4) / 4;
    const cpu = Math.max(0.25, byCpu, byMemory);
    if (cpu > 4) {
        throw new Error(`no Container Apps size holds ${resources.limits.cpu} CPU and ${resources.limits.memory} memory (at most 4 cores and 8Gi)`);
    }
    return { cpu, memory: `${cpu * 2}Gi` };
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The probe shape Container Apps and this module share (`azure-native` app ContainerAppProbe). */
export interface HttpProbe {
    readonly type: "Startup" | "Readiness" | "Liveness";
    readonly httpGet: { readonly path: string; readonly port: number; readonly scheme: "HTTP" };
    readonly periodSeconds: number;
    readonly timeoutSeconds: number;
    readonly failureThreshold: number;
    readonly successThreshold?: number;
}

/**
 * Startup, readiness and liveness probes on the health path, with the release's health analysis
 * (Container Apps' limits: failureThreshold 1-10, periodSeconds 1-240, timeoutSeconds 1-240).
 * Startup allows 5 minutes (10 × 30 s), readiness reacts within seconds, liveness is tolerant.
 */
export function healthProbes(path: string, port: number, health: AnalysisConfig["health"]): HttpProbe[] {
    const httpGet = { path, port, scheme: "HTTP" as const };
    const timeoutSeconds = clamp(health.timeoutSeconds, 1, 240);
    return [
        { type: "Startup", httpGet, periodSeconds: 30, timeoutSeconds, failureThreshold: 10 },
        { type: "Readiness", httpGet, periodSeconds: 5, timeoutSeconds, failureThreshold: clamp(health.consecutiveFailures, 1, 10), successThreshold: 1 },
        { type: "Liveness", httpGet, periodSeconds: 10, timeoutSeconds, failureThreshold: clamp(Math.max(3, health.consecutiveFailures), 1, 10) },
    ];
}

/** A Key Vault reference: `secretName` names the vault, `key` the secret. */
export function keyVaultSecretUrl(vault: string, secret: string): string {
    return `https://${vault}.vault.azure.net/secrets/${secret}`;
}

/** Container Apps secret names: lower-case letters, digits and "-". */
export function containerAppSecretName(vault: string, secret: string): string {
    return `${vault}-${secret}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "").slice(0, 253);
}
