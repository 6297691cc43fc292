import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { writeFileAtomic } from "./atomic-write";
import { adminCommand } from "../../clients/haproxy-runtime-api";
import { renderGlobal } from "./haproxy-config";
import { RunningProcess, isRunning, startProcess, stopProcess } from "./process-control";
import { waitFor } from "./wait-for";

const run = promisify(execFile);

/** Where one stack's router keeps its files. */
export interface HaproxyPaths {
    readonly dir: string;
    readonly configFile: string;
    readonly confDir: string;
    readonly socketPath: string;
    readonly pidFile: string;
    readonly logFile: string;
}

export function haproxyPaths(dir: string): HaproxyPaths {
    return {
        dir,
        configFile: path.join(dir, "haproxy.cfg"),
        confDir: path.join(dir, "conf.d"),
        // A unix socket path is limited to ~107 bytes; the state folder is short enough in practice.
        socketPath: path.join(dir, "admin.sock"),
        pidFile: path.join(dir, "haproxy.pid"),
        logFile: path.join(dir, "haproxy.log"),
    };
}

/** The master process, identified by its pid and the marker it was started with. */
export interface HaproxyMaster {
    readonly pid: number;
    readonly id: string;
}

export function haproxyBinary(): string {
    return process.env.SHIPGATE_HAPROXY ?? "haproxy";
}

/** `haproxy -c`: a bad file never reaches a running router. */
export async function validateConfig(paths: HaproxyPaths): Promise<void> {
    try {
        await run(haproxyBinary(), ["-c", "-q", "-f", paths.configFile, "-f", paths.confDir]);
    } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`HAProxy rejected the generated configuration: ${(e.stderr || e.message).trim()}`);
    }
}

async function workerPid(paths: HaproxyPaths): Promise<string | undefined> {
    // Generous: on a loaded machine "show info" can take over a second, which read as "no worker yet".
    const info = await adminCommand(paths.socketPath, "show info", 3_000).catch(() => "");
    return /^Pid: (\d+)/m.exec(info)?.[1];
}

/** Starts the master process (master-worker mode, so reloads are seamless) and waits for its runtime API. */
export async function startHaproxy(id: string, paths: HaproxyPaths, statsPort: number): Promise<RunningProcess> {
    mkdirSync(paths.confDir, { recursive: true });
    writeFileAtomic(paths.configFile, renderGlobal({ socketPath: paths.socketPath, statsPort }));
    await validateConfig(paths);
    const started = await startProcess({
        id,
        command: haproxyBinary(),
        args: ["-W", "-f", paths.configFile, "-f", paths.confDir, "-p", paths.pidFile],
        env: {},
        cwd: paths.dir,
        logFile: paths.logFile,
        readyUrl: `http://127.0.0.1:${statsPort}/`,
        readyTimeoutMs: 15_000,
    });
    await waitFor("HAProxy runtime API", async () => (await workerPid(paths)) !== undefined, { timeoutMs: 10_000 });
    return started;
}

/**
 * Reloads the router after a service's file was added, removed or restructured: validate,
 * SIGUSR2 to the master, wait for the new worker. Old workers finish their connections.
 */
export async function reloadHaproxy(master: HaproxyMaster, paths: HaproxyPaths): Promise<void> {
    if (!isRunning(master.pid, master.id)) {
        throw new Error(`the local router (HAProxy, pid ${master.pid}) is not running: run \`pulumi up\` to start it again`);
    }
    await validateConfig(paths);
    const before = await workerPid(paths);
    process.kill(master.pid, "SIGUSR2");
    await waitFor(
        "HAProxy reload",
        async () => {
            const now = await workerPid(paths);
            return now !== undefined && now !== before;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
    );
}

export async function stopHaproxy(pid: number, id: string): Promise<void> {
    await stopProcess(pid, id);
}

export function routeFile(paths: HaproxyPaths, service: string): string {
    return path.join(paths.confDir, `${service}.cfg`);
}

export function configuredServices(paths: HaproxyPaths): string[] {
    return existsSync(paths.confDir)
        ? readdirSync(paths.confDir)
              .filter((f) => f.endsWith(".cfg"))
              .map((f) => f.slice(0, -4))
        : [];
}
