import * as net from "node:net";

/** Asks the kernel for a free loopback port. Callers bind it straight away; the window is small. */
export function freePort(host = "127.0.0.1"): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.unref();
        server.once("error", reject);
        server.listen(0, host, () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(port: number, host = "127.0.0.1", timeoutMs = 500): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ port, host });
        const done = (open: boolean) => {
            socket.destroy();
            resolve(open);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once("connect", () => done(true));
        socket.once("error", () => done(false));
    });
}
