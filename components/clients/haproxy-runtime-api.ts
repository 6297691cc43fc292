import * as net from "node:net";

/**
 * A client for HAProxy's runtime API (the admin stats socket): one command per connection,
 * as HAProxy answers and closes in non-interactive mode.
 */
export function adminCommand(socketPath: string, command: string, timeoutMs = 3_000): Promise<string> {
    return new Promise((resolve, reject) => {
        const socket = net.connect(socketPath);
        let out = "";
        socket.setTimeout(timeoutMs, () => {
            socket.destroy();
            reject(new Error(`HAProxy runtime API did not answer "${command}" within ${timeoutMs}ms`));
        });
        socket.on("connect", () => socket.write(`${command}\n`));
        socket.on("data", (chunk) => (out += chunk.toString("utf8")));
        socket.on("error", reject);
        socket.on("close", () => resolve(out));
    });
}

/** Runs a command that answers with nothing on success; anything else is HAProxy's error text. */
export async function adminAction(socketPath: string, command: string): Promise<void> {
    const out = (await adminCommand(socketPath, command)).trim();
    if (out && !/^(Done\.?|)$/.test(out) && !/changed from|no need to change/i.test(out)) {
        throw new Error(`HAProxy refused "${command}": ${out}`);
    }
}

export interface ServerState {
    readonly backend: string;
    readonly server: string;
    readonly address: string;
    readonly port: number;
    /** 0 stopped, 1 starting, 2 running, 3 stopping (health-check view). */
    readonly operational: number;
    /** Bit field; any of the maintenance bits means no traffic. */
    readonly admin: number;
    readonly weight: number;
}

/** Parses `show servers state <backend>`, whose columns HAProxy names in its header line. */
export async function serversState(socketPath: string, backend: string): Promise<ServerState[]> {
    const text = await adminCommand(socketPath, `show servers state ${backend}`);
    const lines = text.split("\n").filter((l) => l.trim());
    const header = lines.find((l) => l.startsWith("# be_id"));
    if (!header) {
        throw new Error(`HAProxy has no backend ${backend}: ${text.trim().slice(0, 200)}`);
    }
    const cols = header.slice(2).split(" ");
    const at = (name: string) => cols.indexOf(name);
    return lines
        .filter((l) => !l.startsWith("#") && l.split(" ").length >= cols.length - 2)
        .map((l) => l.split(" "))
        .filter((f) => f.length > 3)
        .map((f) => ({
            backend: f[at("be_name")],
            server: f[at("srv_name")],
            address: f[at("srv_addr")],
            port: Number(f[at("srv_port")]),
            operational: Number(f[at("srv_op_state")]),
            admin: Number(f[at("srv_admin_state")]),
            weight: Number(f[at("srv_uweight")]),
        }));
}

/** Maintenance bits of srv_admin_state: forced, inherited, DNS resolution. (0x04 only records that the config said `disabled`.) */
export const MAINTENANCE_BITS = 0x01 | 0x02 | 0x20;

export function inMaintenance(state: ServerState): boolean {
    return (state.admin & MAINTENANCE_BITS) !== 0;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The weights HAProxy is given for whole-percent shares: divided by their greatest common
 * divisor (75/25 is 3/1, 50/50 is 1/1). Weights are relative, so the split is the same; but
 * roundrobin schedules in rounds as long as their sum, and right after a weight change one
 * server can take up to a round of requests in a row. With 75/25 as is, a canary brought to 25%
 * took the next ~60 requests alone; with 3/1 no more than 4.
 */
export function reducedWeights(shares: Readonly<Record<string, number>>): Record<string, number> {
    const rounded = Object.entries(shares).map(([name, share]) => [name, Math.round(share)] as const);
    const divisor = rounded.map(([, w]) => w).reduce(gcd, 0) || 1;
    return Object.fromEntries(rounded.map(([name, w]) => [name, w / divisor]));
}

/** Weights back to percentages of the traffic (HAProxy reports the reduced weights). */
export function sharesOf(weights: Readonly<Record<string, number>>): Record<string, number> {
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    return Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, total ? Math.round((10_000 * w) / total) / 100 : 0]));
}
