import { seconds } from "../verify";

/**
 * How traffic came back after a failed check, as every view says it (live view, error,
 * report, demo): "70 ms after the failed check, set at the router", or "9.8 s after the failed
 * check, by the up (backend: the stable track runs 2.0.0, not 1.0.0: …)".
 */
export function describeTrafficRestore(afterMs: number, path: "router" | "up" | undefined, slowPath?: string): string {
    const after = `${afterMs < 1000 ? `${Math.max(0, Math.round(afterMs))} ms` : seconds(afterMs)} after the failed check`;
    if (path === "router") return `${after}, set at the router`;
    return `${after}, by the up${slowPath ? ` (${slowPath})` : ""}`;
}

/** The same for a rollback's record; undefined while traffic is not known to be back (or a record older than trafficPath). */
export function rollbackTrafficRestore(rb: { failedAt?: string; trafficRestoredAt?: string; trafficPath?: "router" | "up"; slowPath?: string }): string | undefined {
    if (!rb.failedAt || !rb.trafficRestoredAt || !rb.trafficPath) return undefined;
    return describeTrafficRestore(Date.parse(rb.trafficRestoredAt) - Date.parse(rb.failedAt), rb.trafficPath, rb.slowPath);
}
