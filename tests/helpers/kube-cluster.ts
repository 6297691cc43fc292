// A real Kubernetes control plane for tests (engine/kubernetes/cluster.sh: etcd, kube-apiserver,
// controller-manager, scheduler and kwok on 127.0.0.1), each in its own temporary folder and on
// free ports, so suites can run clusters side by side.
//
//   const cluster = await startCluster();          // ~10 s
//   ... KUBECONFIG=cluster.kubeconfigPath ...
//   await cluster.stop();
//
// Nothing outlives the test process: stop() on exit and on SIGINT/SIGTERM, and cluster.sh's
// watchdog stops the cluster when this process is gone even after a SIGKILL.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const REPO_ROOT = path.resolve(__dirname, "../..");
const CLUSTER_SH = path.join(REPO_ROOT, "engine", "kubernetes", "cluster.sh");
const BIN = path.join(REPO_ROOT, ".shipgate", "bin");
/** The provider plugin binary ./dev.sh setup built (engine/kubernetes/setup.sh links it here). */
export const KUBERNETES_PLUGIN = path.join(REPO_ROOT, ".shipgate", "plugins", "pulumi-resource-kubernetes");
/** The plugin version @pulumi/kubernetes asks for (engine/kubernetes/versions.sh). */
export const KUBERNETES_PLUGIN_VERSION = "4.24.1";

export interface KubeCluster {
    /** A kubeconfig with one context (`shipgate`), the admin token and the cluster's CA. */
    readonly kubeconfigPath: string;
    /** https://127.0.0.1:<port> */
    readonly server: string;
    /** A static bearer token in group system:masters. */
    readonly token: string;
    readonly dir: string;
    /** The Gateway the stacks attach their HTTPRoutes to (HTTPS listener, TLS secret, any namespace). */
    readonly gateway: { namespace: string; name: string; sectionName: string };
    /** Stops every process of the cluster and removes its folder (if startCluster made it). */
    stop(): Promise<void>;
}

export interface StartClusterOptions {
    /** The cluster's folder; a new temporary one when omitted (removed again by stop()). */
    dir?: string;
    /** The API server's port; a free one when omitted. */
    apiPort?: number;
}

const running = new Set<string>();

function clusterEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
        ...process.env,
        PATH: `${BIN}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        SHIPGATE_CLUSTER_DIR: dir,
        ...extra,
    };
}

function stopSync(dir: string, purge: boolean): void {
    try {
        execFileSync(CLUSTER_SH, purge ? ["down", "--purge"] : ["down"], { env: clusterEnv(dir), stdio: "ignore", timeout: 30_000 });
    } catch {
        // The watchdog stops whatever is left once this process is gone.
    }
    running.delete(dir);
}

let hooked = false;
const purgeOnExit = new Set<string>();
function hookProcessExit(): void {
    if (hooked) return;
    hooked = true;
    process.on("exit", () => {
        for (const dir of [...running]) stopSync(dir, purgeOnExit.has(dir));
    });
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.once(signal, () => {
            for (const dir of [...running]) stopSync(dir, purgeOnExit.has(dir));
            process.kill(process.pid, signal);
        });
    }
}

/** Starts a cluster; rejects with cluster.sh's own message (what failed, and the fix) on failure. */
export async function startCluster(options: StartClusterOptions = {}): Promise<KubeCluster> {
    if (!existsSync(CLUSTER_SH)) throw new Error(`${CLUSTER_SH} is missing`);
    const madeDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), "shipgate-cluster-"));
    hookProcessExit();
    running.add(dir);
    if (madeDir) purgeOnExit.add(dir);
    // The watchdog inherits this environment: with PURGE it also removes a folder made here.
    const extra: Record<string, string> = { SHIPGATE_CLUSTER_OWNER_PID: String(process.pid) };
    if (madeDir) extra.SHIPGATE_CLUSTER_PURGE = "1";
    if (options.apiPort !== undefined) extra.SHIPGATE_CLUSTER_API_PORT = String(options.apiPort);
    let stdout: string;
    try {
        ({ stdout } = await promisify(execFile)(CLUSTER_SH, ["up"], { env: clusterEnv(dir, extra), timeout: 180_000, maxBuffer: 1 << 20 }));
    } catch (err) {
        const e = err as { stderr?: string; message: string };
        stopSync(dir, false);
        throw new Error(`cluster.sh up failed (logs in ${dir}/logs):\n${e.stderr?.trim() || e.message}`);
    }
    const info = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { kubeconfig: string; server: string; token: string; gateway: KubeCluster["gateway"] };
    return {
        kubeconfigPath: info.kubeconfig,
        server: info.server,
        token: info.token,
        dir,
        gateway: info.gateway,
        async stop() {
            await promisify(execFile)(CLUSTER_SH, madeDir ? ["down", "--purge"] : ["down"], { env: clusterEnv(dir), timeout: 30_000 });
            running.delete(dir);
            purgeOnExit.delete(dir);
            if (madeDir) rmSync(dir, { recursive: true, force: true });
        },
    };
}

/**
 * Installs the built provider plugin into a (temporary) PULUMI_HOME, as `./dev.sh setup` does for
 * the real one: the engine then loads it with automatic plugin acquisition off.
 */
export function installKubernetesPlugin(env: Record<string, string>): void {
    if (!existsSync(KUBERNETES_PLUGIN)) {
        throw new Error(`${KUBERNETES_PLUGIN} is missing: run ./dev.sh setup (it builds the Kubernetes provider plugin)`);
    }
    const pulumi = existsSync(path.join(BIN, "pulumi")) ? path.join(BIN, "pulumi") : "pulumi";
    execFileSync(pulumi, ["plugin", "install", "resource", "kubernetes", KUBERNETES_PLUGIN_VERSION, "--file", KUBERNETES_PLUGIN], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "ignore", "pipe"],
    });
}
