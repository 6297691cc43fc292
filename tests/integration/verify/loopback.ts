import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { RunningProcess, startProcess, stopProcess } from "../../../components/local/runtime/process-control";

const ROOT = path.resolve(__dirname, "../../..");

/** Every process a suite started, so its `after` hook stops them all, whatever failed. */
export class Processes {
    private readonly running: { id: string; pid: number }[] = [];

    async start(id: string, run: () => Promise<RunningProcess>): Promise<RunningProcess> {
        const p = await run();
        this.running.push({ id, pid: p.pid });
        return p;
    }

    async stop(id: string): Promise<void> {
        const i = this.running.findIndex((p) => p.id === id);
        if (i >= 0) {
            const [p] = this.running.splice(i, 1);
            await stopProcess(p.pid, p.id, 3_000);
        }
    }

    async stopAll(): Promise<void> {
        const all = this.running.splice(0);
        await Promise.all(all.map((p) => stopProcess(p.pid, p.id, 3_000)));
    }
}

export interface ShopSpec {
    readonly id: string;
    readonly port: number;
    readonly track: string;
    readonly version: string;
    readonly dir: string;
    readonly faults?: Record<string, unknown>;
    readonly service?: string;
}

/** One shop backend process (examples/shop), ready when /health answers. */
export function startShop(processes: Processes, spec: ShopSpec): Promise<RunningProcess> {
    return processes.start(spec.id, () =>
        startProcess({
            id: spec.id,
            command: process.execPath,
            args: [path.join(ROOT, "examples/shop/backend.ts")],
            env: {
                PORT: String(spec.port),
                APP_SERVICE: spec.service ?? "backend",
                APP_VERSION: spec.version,
                APP_TRACK: spec.track,
                SHOP_DATA_DIR: path.join(spec.dir, `data-${spec.port}`),
                SHOP_FAULTS: JSON.stringify(spec.faults ?? {}),
            },
            cwd: ROOT,
            logFile: path.join(spec.dir, `shop-${spec.port}.log`),
            readyUrl: `http://127.0.0.1:${spec.port}/health`,
            readyTimeoutMs: 20_000,
        }),
    );
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A scripted HTTP server on a loopback port; `close` also cuts connections left hanging on purpose. */
export async function startServer(port: number, handler: Handler): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
        requests.push(req.url ?? "");
        handler(req, res);
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
    });
    const { port: bound } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${bound}`,
        requests,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** Sends `total` GETs to `url`, `concurrency` at a time, and counts the answers by status code. */
export async function drive(url: string, total: number, concurrency = 10): Promise<Record<number, number>> {
    const codes: Record<number, number> = {};
    let sent = 0;
    const worker = async () => {
        while (sent < total) {
            sent++;
            const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
            await res.arrayBuffer();
            codes[res.status] = (codes[res.status] ?? 0) + 1;
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
    return codes;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
