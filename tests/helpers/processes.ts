import { readFileSync, readdirSync } from "node:fs";

/** Live (non-zombie) processes whose environment carries shipgate's marker for `stack`. */
export function shipgateProcesses(stackPrefix: string): { pid: number; marker: string }[] {
    const found: { pid: number; marker: string }[] = [];
    for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
            if (stat.split(") ")[1]?.[0] === "Z") continue;
            const marker = readFileSync(`/proc/${entry}/environ`, "utf8")
                .split("\0")
                .find((kv) => kv.startsWith("SHIPGATE_PROCESS_ID="));
            if (marker && marker.slice("SHIPGATE_PROCESS_ID=".length).startsWith(stackPrefix)) {
                found.push({ pid: Number(entry), marker: marker.slice("SHIPGATE_PROCESS_ID=".length) });
            }
        } catch {
            /* the process ended while we looked */
        }
    }
    return found;
}

/** Loopback ports in LISTEN state, from /proc/net/tcp. */
export function listeningPorts(): Set<number> {
    const ports = new Set<number>();
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
        try {
            for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
                const cols = line.trim().split(/\s+/);
                if (cols[3] === "0A") ports.add(parseInt(cols[1].split(":")[1], 16));
            }
        } catch {
            /* no IPv6 */
        }
    }
    return ports;
}
