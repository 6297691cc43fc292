import * as http from "node:http";
import * as https from "node:https";
import { AddressInfo } from "node:net";

/** One request a loopback server received: what a cloud API would see. */
export interface Received {
    readonly method: string;
    readonly url: string;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
}

export interface Reply {
    readonly status: number;
    readonly headers?: Record<string, string>;
    /** An object is sent as JSON; `undefined` sends no body; "hang" never answers. */
    readonly body?: unknown;
}

export type Script = (req: Received, index: number) => Reply | "hang" | Promise<Reply | "hang">;

export interface LoopbackServer {
    readonly url: string;
    readonly port: number;
    readonly received: Received[];
    close(): Promise<void>;
}

/**
 * A scripted HTTP(S) server on a loopback port within [from, to] (the ports this suite owns):
 * each request is recorded and answered by `script`. `tls` makes it HTTPS with that key and
 * certificate (the Azure SDKs refuse bearer tokens over plain HTTP).
 */
export async function startLoopback(range: readonly [number, number], script: Script, tls?: { key: string; cert: string }): Promise<LoopbackServer> {
    const received: Received[] = [];
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", async () => {
            const entry: Received = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
            received.push(entry);
            try {
                const reply = await script(entry, received.length - 1);
                if (reply === "hang") {
                    return;
                }
                const body = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
                res.writeHead(reply.status, { "content-length": Buffer.byteLength(body), ...(reply.headers ?? {}) });
                res.end(body);
            } catch (err) {
                res.writeHead(599);
                res.end(String(err));
            }
        });
    };
    const server: http.Server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
    const [from, to] = range;
    let lastError: unknown;
    for (let attempt = 0; attempt < 50; attempt++) {
        const port = from + Math.floor(Math.random() * (to - from + 1));
        try {
            await new Promise<void>((resolve, reject) => {
                server.once("error", reject);
                server.listen(port, "127.0.0.1", () => {
                    server.off("error", reject);
                    resolve();
                });
            });
            const bound = (server.address() as AddressInfo).port;
            return {
                url: `${tls ? "https" : "http"}://127.0.0.1:${bound}`,
                port: bound,
                received,
                close: () =>
                    new Promise<void>((resolve) => {
                        server.closeAllConnections();
                        server.close(() => resolve());
                    }),
            };
        } catch (err) {
            lastError = err;
            if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") {
                throw err;
            }
        }
    }
    throw new Error(`no free loopback port in ${from}-${to}: ${String(lastError)}`);
}
