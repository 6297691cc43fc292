/**
 * HAProxy configuration for the local platform's router, rendered from plain data. One file
 * per service (frontend + backends) in a conf.d folder, loaded by one master process per stack.
 * Every server a strategy can use is always declared (stable/canary, blue/green, current), so a
 * promotion only ever changes weights, addresses and states through the runtime API: no reload,
 * no dropped connection.
 */
import { reducedWeights } from "../../clients/haproxy-runtime-api";

export interface RouteServer {
    /** stable | canary | blue | green | current */
    readonly name: string;
    /** The track's loopback port; absent while the track runs no process. */
    readonly port?: number;
    /** Percent of the service's traffic (HAProxy gets them reduced: haproxyWeights). */
    readonly weight: number;
}

export interface RouteSpec {
    readonly service: string;
    readonly bindPort: number;
    /** A second frontend that always reaches the candidate (canary or idle color). */
    readonly previewPort?: number;
    readonly servers: readonly RouteServer[];
    /** The server the header and the preview frontend reach. */
    readonly candidate?: string;
    readonly header: { readonly name: string; readonly value: string };
    readonly healthPath: string;
}

/** An address for a server with no process: nothing listens on port 1, and the server is in maintenance. */
export const PARKED_PORT = 1;

export const backendName = (service: string) => `be_${service}`;
export const candidateBackendName = (service: string) => `be_${service}_candidate`;
export const CANDIDATE_SERVER = "candidate";

export function renderGlobal(options: { socketPath: string; statsPort: number }): string {
    return [
        "# Written by shipgate (components/local): the global part of the local router.",
        "global",
        `    stats socket ${options.socketPath} mode 600 level admin expose-fd listeners`,
        "    stats timeout 30s",
        "",
        "defaults",
        "    mode http",
        "    timeout connect 2s",
        "    timeout client 30s",
        "    timeout server 30s",
        "    option redispatch",
        "    retries 2",
        "",
        "frontend stats",
        `    bind 127.0.0.1:${options.statsPort}`,
        "    http-request use-service prometheus-exporter if { path /metrics }",
        "    stats enable",
        "    stats uri /",
        "    stats refresh 5s",
        "",
    ].join("\n");
}

/** HAProxy's weights for a route's servers (reduced, see reducedWeights); a track with no process weighs 0. */
export function haproxyWeights(servers: readonly RouteServer[]): Record<string, number> {
    return reducedWeights(Object.fromEntries(servers.map((s) => [s.name, s.port === undefined ? 0 : s.weight])));
}

function serverLine(name: string, port: number | undefined, weight: number): string {
    const parked = port === undefined;
    return `    server ${name} 127.0.0.1:${parked ? PARKED_PORT : port} weight ${parked ? 0 : weight} check inter 1s fall 3 rise 2${parked ? " disabled" : ""}`;
}

export function candidateServer(spec: RouteSpec): RouteServer | undefined {
    return spec.servers.find((s) => s.name === spec.candidate);
}

export function renderRoute(spec: RouteSpec): string {
    const candidate = candidateServer(spec);
    const healthCheck = [`    option httpchk GET ${spec.healthPath}`, "    http-check expect status 200"];
    const weights = haproxyWeights(spec.servers);
    const lines = [
        `# Written by shipgate (components/local): the router of service ${spec.service}.`,
        `frontend fe_${spec.service}`,
        `    bind 127.0.0.1:${spec.bindPort}`,
        `    use_backend ${candidateBackendName(spec.service)} if { req.hdr(${spec.header.name}) -m str ${spec.header.value} }`,
        `    default_backend ${backendName(spec.service)}`,
        "",
        `backend ${backendName(spec.service)}`,
        "    balance roundrobin",
        ...healthCheck,
        ...spec.servers.map((s) => serverLine(s.name, s.port, weights[s.name])),
        "",
        `backend ${candidateBackendName(spec.service)}`,
        ...healthCheck,
        serverLine(CANDIDATE_SERVER, candidate?.port, 1),
        "",
    ];
    if (spec.previewPort) {
        lines.push(`frontend fe_${spec.service}_preview`, `    bind 127.0.0.1:${spec.previewPort}`, `    default_backend ${candidateBackendName(spec.service)}`, "");
    }
    return lines.join("\n");
}
