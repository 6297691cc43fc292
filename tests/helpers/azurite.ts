// Azurite, Microsoft's Azure Storage emulator (the npm package), on loopback: the blob store a
// team's Pulumi state lives in, for the tests of shipgate's shared lock and log.
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { REPO_ROOT } from "./engine";

/** The emulator's one account and its published key (the same in every Azurite: not a secret). */
const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface Azurite {
    readonly port: number;
    /** What the Pulumi CLI and shipgate read to reach it (gocloud's azureblob variables). */
    readonly env: Record<string, string>;
    /** A new, empty container; its `azblob://` URL. */
    container(name: string): Promise<string>;
    /** A client on a container, to look at what was written. */
    client(name: string): ContainerClient;
    stop(): Promise<void>;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as { port: number }).port;
            server.close(() => resolve(port));
        });
    });
}

export async function startAzurite(): Promise<Azurite> {
    const port = await freePort();
    const location = mkdtempSync(path.join(os.tmpdir(), "shipgate-azurite-"));
    const child: ChildProcess = spawn(
        process.execPath,
        [path.join(REPO_ROOT, "node_modules", "azurite", "dist", "src", "blob", "main.js"), "--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", location, "--silent", "--skipApiVersionCheck", "--disableTelemetry"],
        { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    const env = {
        AZURE_STORAGE_ACCOUNT: ACCOUNT,
        AZURE_STORAGE_KEY: KEY,
        AZURE_STORAGE_IS_LOCAL_EMULATOR: "true",
        AZURE_STORAGE_DOMAIN: `127.0.0.1:${port}`,
        AZURE_STORAGE_PROTOCOL: "http",
    };
    const client = (name: string) => new ContainerClient(`http://127.0.0.1:${port}/${ACCOUNT}/${name}`, new StorageSharedKeyCredential(ACCOUNT, KEY));
    const deadline = Date.now() + 30_000;
    for (;;) {
        if (child.exitCode !== null) throw new Error(`azurite exited (${child.exitCode}):\n${output}`);
        if (/successfully listens on/.test(output)) break;
        if (Date.now() > deadline) throw new Error(`azurite did not start in 30 s:\n${output}`);
        await delay(100);
    }
    return {
        port,
        env,
        async container(name) {
            await client(name).create();
            return `azblob://${name}`;
        },
        client,
        async stop() {
            if (child.exitCode === null) {
                const exited = new Promise((resolve) => child.once("exit", resolve));
                child.kill("SIGTERM");
                await Promise.race([exited, delay(5_000)]);
                if (child.exitCode === null) child.kill("SIGKILL");
            }
            rmSync(location, { recursive: true, force: true });
        },
    };
}
