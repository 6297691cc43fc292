import { existsSync, rmSync } from "node:fs";
import { writeFileAtomic } from "./atomic-write";
import { adminAction, inMaintenance, serversState, sharesOf } from "../../clients/haproxy-runtime-api";
import {
    CANDIDATE_SERVER,
    RouteServer,
    RouteSpec,
    backendName,
    candidateBackendName,
    candidateServer,
    haproxyWeights,
    renderRoute,
} from "./haproxy-config";
import { HaproxyMaster, HaproxyPaths, reloadHaproxy, routeFile } from "./haproxy-control";
import { serialize } from "./serialize";
import { waitFor } from "./wait-for";

/** How long an applied route waits for its weighted servers' health checks (rise 2, inter 1s) to see them up. */
const SETTLE_MS = 6_000;

/** What HAProxy really does for a service, read back after every change (as Argo's VerifyWeight). */
export interface LiveRoute {
    /** Percent of the traffic by server name, from HAProxy's weights; 0 for a server in maintenance. */
    readonly weights: Record<string, number>;
    /** Port by server name, for the servers that have a process. */
    readonly ports: Record<string, number>;
}

/** Everything but ports and weights: a change here needs a reload, the rest goes through the runtime API. */
export function structureOf(spec: RouteSpec): string {
    return JSON.stringify({
        service: spec.service,
        bindPort: spec.bindPort,
        previewPort: spec.previewPort,
        servers: spec.servers.map((s) => s.name),
        header: spec.header,
        healthPath: spec.healthPath,
        candidate: spec.candidate !== undefined,
    });
}

async function setServer(paths: HaproxyPaths, backend: string, server: string, port: number | undefined, weight: number): Promise<void> {
    const target = `${backend}/${server}`;
    if (port === undefined) {
        await adminAction(paths.socketPath, `set server ${target} state maint`);
        await adminAction(paths.socketPath, `set weight ${target} 0`);
        return;
    }
    await adminAction(paths.socketPath, `set server ${target} addr 127.0.0.1 port ${port}`);
    await adminAction(paths.socketPath, `set weight ${target} ${weight}`);
    await adminAction(paths.socketPath, `set server ${target} state ready`);
}

/**
 * The order to apply servers in: heaviest first, parked last. Each server is its own runtime
 * command, so between two commands HAProxy balances on a mix of old and new weights; raising
 * before lowering means that mix always has a server with weight (a blue-green switch set blue
 * to 0 before green to 100 once, and answered 503 "no server available" in between).
 */
export function inSafeOrder(servers: readonly RouteServer[]): RouteServer[] {
    const weightOf = (s: RouteServer) => (s.port === undefined ? -1 : s.weight);
    return [...servers].sort((a, b) => weightOf(b) - weightOf(a));
}

export async function readRoute(paths: HaproxyPaths, service: string): Promise<LiveRoute> {
    const states = await serversState(paths.socketPath, backendName(service));
    const weights: Record<string, number> = {};
    const ports: Record<string, number> = {};
    for (const s of states) {
        const parked = inMaintenance(s);
        weights[s.server] = parked ? 0 : s.weight;
        if (!parked) {
            ports[s.server] = s.port;
        }
    }
    return { weights: sharesOf(weights), ports };
}

/**
 * Applies a service's route: the file first (so a restart keeps the weights), a reload only
 * when the structure changed, then ports, weights and states through the runtime API, and
 * finally a read-back that must match what was asked for.
 */
export function applyRoute(paths: HaproxyPaths, master: HaproxyMaster, spec: RouteSpec, previous?: RouteSpec): Promise<LiveRoute> {
    return serialize(paths.dir, async () => {
        const file = routeFile(paths, spec.service);
        const needsReload = !previous || !existsSync(file) || structureOf(previous) !== structureOf(spec);
        writeFileAtomic(file, renderRoute(spec));
        if (needsReload) {
            await reloadHaproxy(master, paths);
        }
        const weights = haproxyWeights(spec.servers);
        for (const server of inSafeOrder(spec.servers)) {
            await setServer(paths, backendName(spec.service), server.name, server.port, weights[server.name]);
        }
        const candidate = candidateServer(spec);
        await setServer(paths, candidateBackendName(spec.service), CANDIDATE_SERVER, candidate?.port, 1);

        await settle(paths, spec);
        const live = await readRoute(paths, spec.service);
        const wanted = sharesOf(weights);
        const wrong = spec.servers.filter((s) => {
            const want = wanted[s.name];
            return live.weights[s.name] !== want || (s.port !== undefined && live.ports[s.name] !== s.port);
        });
        if (wrong.length) {
            throw new Error(
                `HAProxy did not take the route of ${spec.service}: wanted ${JSON.stringify(spec.servers)}, reads back ${JSON.stringify(live)}`,
            );
        }
        return live;
    });
}

/**
 * Waits until HAProxy's checks see every server that takes traffic as up, so an `up` that
 * (re)started the router or moved a server ends with the route serving: a router started before
 * its backend marked it down, and answered 503 until two checks passed. Bounded and never an
 * error: a release whose health fails stays down, and the release engine's checks judge it.
 */
async function settle(paths: HaproxyPaths, spec: RouteSpec): Promise<void> {
    const weighted = new Set(spec.servers.filter((s) => s.port !== undefined && s.weight > 0).map((s) => s.name));
    if (!weighted.size) return;
    const up = async () => (await serversState(paths.socketPath, backendName(spec.service))).filter((s) => weighted.has(s.server)).every((s) => s.operational === 2);
    await waitFor(`the servers of ${spec.service}`, up, { timeoutMs: SETTLE_MS, intervalMs: 100 }).catch(() => undefined);
}

export function removeRoute(paths: HaproxyPaths, master: HaproxyMaster | undefined, service: string): Promise<void> {
    return serialize(paths.dir, async () => {
        const file = routeFile(paths, service);
        if (!existsSync(file)) {
            return;
        }
        rmSync(file);
        if (master) {
            // The router may already be gone (a destroy stops it last, a crash earlier): nothing to reload then.
            await reloadHaproxy(master, paths).catch(() => undefined);
        }
    });
}
