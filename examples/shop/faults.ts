import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";

/** What a release "ships with": a share of failed requests, added latency, a failing health check. */
export interface Faults {
    errorRate: number;
    latencyMs: number;
    health: "ok" | "warning" | "error";
}

const NONE: Faults = { errorRate: 0, latencyMs: 0, health: "ok" };

function checked(raw: unknown, source: string): Faults {
    const value = { ...NONE, ...(raw as Partial<Faults>) };
    if (!(value.errorRate >= 0 && value.errorRate <= 1)) throw new Error(`${source}: errorRate must be a fraction between 0 and 1`);
    if (!(value.latencyMs >= 0)) throw new Error(`${source}: latencyMs must be 0 or more`);
    if (!["ok", "warning", "error"].includes(value.health)) throw new Error(`${source}: health must be ok, warning or error`);
    return value;
}

/** The faults of this process: SHOP_FAULTS, else this version's entry in the faults file, else none. */
export function loadFaults(version: string): Faults {
    if (process.env.SHOP_FAULTS) {
        return checked(JSON.parse(process.env.SHOP_FAULTS), "SHOP_FAULTS");
    }
    const file = faultsFile();
    const catalogue = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    return catalogue[version] ? checked(catalogue[version], `${file} ${version}`) : NONE;
}

function faultsFile(): string {
    return process.env.SHOP_FAULTS_FILE ?? path.join(import.meta.dirname, "faults.json");
}

/**
 * The faults as they are now: the file is read again when it changes (checked at most once a
 * second), so a running release can turn bad mid-promotion, as real ones do under load.
 */
export function liveFaults(version: string): () => Faults {
    let current = loadFaults(version);
    let checkedAt = 0;
    let mtime = 0;
    return () => {
        if (process.env.SHOP_FAULTS || Date.now() - checkedAt < 1_000) return current;
        checkedAt = Date.now();
        try {
            const m = statSync(faultsFile()).mtimeMs;
            if (m !== mtime) {
                mtime = m;
                current = loadFaults(version);
            }
        } catch {
            /* keep the last good reading */
        }
        return current;
    };
}
