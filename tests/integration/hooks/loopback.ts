import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { readFileSync } from "node:fs";

/** Real HTTP servers on loopback ports 26000-26999 (this suite's range), recording what they receive. */

export interface Received {
    readonly method: string;
    readonly url: string;
    readonly headers: IncomingMessage["headers"];
    readonly body: string;
}

export interface Loopback {
    readonly port: number;
    readonly url: string;
    readonly received: Received[];
    close(): Promise<void>;
}

type Handler = (req: Received, res: ServerResponse) => void;

function listen(server: Server, port: number): Promise<boolean> {
    return new Promise((resolve) => {
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => resolve(true));
    });
}

export async function startServer(handler: Handler): Promise<Loopback> {
    const received: Received[] = [];
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const r = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
            received.push(r);
            handler(r, res);
        });
    });
    const offset = Math.floor(Math.random() * 1000);
    for (let i = 0; i < 1000; i++) {
        const port = 26000 + ((offset + i) % 1000);
        if (await listen(server, port)) {
            return {
                port,
                url: `http://127.0.0.1:${port}`,
                received,
                close: () =>
                    new Promise<void>((resolve) => {
                        server.closeAllConnections();
                        server.close(() => resolve());
                    }),
            };
        }
    }
    throw new Error("no free port in 26000-26999");
}

/** A port in the range that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
    const s = await startServer(() => undefined);
    await s.close();
    return s.port;
}

/** True while a process exists and is not a zombie. */
export function alive(pid: number): boolean {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.split(") ")[1]?.[0] !== "Z";
    } catch {
        return false;
    }
}

export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
        if (check()) return true;
        await new Promise((r) => setTimeout(r, 50));
    }
    return check();
}

/** A pino-compatible destination that keeps every line written. */
export class CapturedLog {
    readonly lines: string[] = [];
    write(line: string): void {
        this.lines.push(line);
    }
    get text(): string {
        return this.lines.join("");
    }
}
