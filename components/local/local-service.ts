import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { ReleaseState, liveArtifact, planTraffic } from "../release";
import type { TrackStatus } from "../contract";
import { ShipgateServiceBase } from "../service-base";
import { LocalServiceArgs, ResolvedLocalArgs, resolveLocalArgs } from "./local-service-args";
import { HaproxyRoute } from "./resources/haproxy-route";
import { LocalProcess } from "./resources/local-process";
import { PrometheusTargets } from "./resources/prometheus-targets";
import { backendName } from "./runtime/haproxy-config";
import { haproxyPaths } from "./runtime/haproxy-control";

/**
 * A service on the local platform, whatever its strategy: a process per running track or
 * color, a route in the stack's HAProxy weighted as the release state says, and Prometheus
 * scrape targets. The strategy components below differ only in their type token.
 */
export abstract class LocalService<S extends ReleaseState> extends ShipgateServiceBase {
    /** Where Prometheus for this service's stack answers (analysis reads it). */
    public readonly prometheusUrl: pulumi.Output<string>;

    protected constructor(type: string, name: string, args: LocalServiceArgs, strategy: S["strategy"], opts?: pulumi.ComponentResourceOptions) {
        const resolved: ResolvedLocalArgs<S> = resolveLocalArgs<S>(type, name, args, strategy);
        // The resolved spec (defaults filled in) is what policies read at preview.
        super(type, name, { service: resolved.service, run: resolved.run, port: resolved.port, previewPort: resolved.previewPort }, opts);
        const { service, run } = resolved;
        const platform = args.platform;
        // One process per running track; every server name declared, so HAProxy's structure never
        // changes during a promotion (only weights, addresses and states, through its runtime API).
        const plan = planTraffic(service.release, 1, { sizing: "fullSize", everyTrack: true });
        const running = plan.tracks.filter((t) => t.replicas > 0);
        const dataDir = path.join(platform.stateDir, "data", name);
        const secretEnv = pulumi.output(args.secrets ?? {}).apply((secrets) =>
            Object.fromEntries(
                Object.entries(service.secretEnv).map(([env, ref]) => {
                    const value = secrets[ref.secretName]?.[ref.key];
                    if (value === undefined) {
                        throw new Error(`service ${name}: secretEnv.${env} needs secret ${ref.secretName}.${ref.key}: set it with \`pulumi config set --secret --path shipgate:localSecrets.${ref.secretName}.${ref.key} <value>\``);
                    }
                    return [env, value];
                }),
            ),
        );
        const hasSecrets = Object.keys(service.secretEnv).length > 0;

        const processes: Record<string, LocalProcess> = {};
        for (const track of running) {
            const env = pulumi
                .all([pulumi.output(args.links ?? {}), hasSecrets ? pulumi.secret(secretEnv) : pulumi.output({})])
                .apply(([links, secrets]) => ({
                    ...service.env,
                    ...links,
                    ...secrets,
                    APP_SERVICE: name,
                    APP_VERSION: track.artifact!.version,
                    APP_TRACK: track.name,
                    SHIPGATE_DATA_DIR: dataDir,
                }));
            processes[track.name] = new LocalProcess(
                `${name}-${track.name}`,
                {
                    marker: `${platform.markerPrefix}/${name}/${track.name}`,
                    command: run.command === "node" ? process.execPath : run.command,
                    args: run.args,
                    env: hasSecrets ? pulumi.secret(env) : env,
                    cwd: path.resolve(args.projectRoot, run.cwd),
                    logFile: path.join(platform.stateDir, "logs", `${name}-${track.name}.log`),
                    healthPath: service.healthPath,
                },
                { parent: this, additionalSecretOutputs: hasSecrets ? ["env"] : [] },
            );
        }

        const port = (track: string) => processes[track]?.port;
        new HaproxyRoute(
            `${name}-route`,
            {
                dir: platform.router.dir,
                master: { pid: platform.router.pid, id: platform.router.marker },
                spec: pulumi
                    .all(plan.tracks.map((t) => (port(t.name) ?? pulumi.output(undefined)) as pulumi.Output<number | undefined>))
                    .apply((ports) => ({
                        service: name,
                        bindPort: resolved.port,
                        previewPort: resolved.previewPort,
                        servers: plan.tracks.map((t, i) => ({ name: t.name, weight: t.weight, ...(ports[i] ? { port: ports[i] } : {}) })),
                        candidate: plan.header?.track,
                        header: resolved.canaryHeader,
                        healthPath: service.healthPath,
                    })),
            },
            { parent: this },
        );
        new PrometheusTargets(
            `${name}-targets`,
            {
                dir: platform.prometheus.dir,
                service: name,
                targets: Object.entries(processes).map(([track, proc]) => ({ port: proc.port, labels: { service: name, track } })),
            },
            { parent: this },
        );

        this.prometheusUrl = platform.prometheusUrl;
        this.publish(
            {
                strategy: pulumi.output(service.release.strategy),
                version: pulumi.output(liveArtifact(service.release).version),
                // Known at preview, so linked services do not see a change; dependents wait for this
                // component (and so for its route) through dependsOn.
                endpoint: pulumi.output(`http://127.0.0.1:${resolved.port}`),
                previewEndpoint: pulumi.output(plan.preview ? `http://127.0.0.1:${resolved.previewPort}` : undefined),
                tracks: pulumi.all(running.map((t) => processes[t.name].port)).apply((ports) => {
                    const tracks: Record<string, TrackStatus> = {};
                    running.forEach((t, i) => {
                        tracks[t.name] = {
                            version: t.artifact!.version,
                            image: `local:${run.args[0]}@${t.artifact!.version}`,
                            replicas: 1,
                            weight: t.weight,
                            endpoint: `http://127.0.0.1:${ports[i]}`,
                        };
                    });
                    return tracks;
                }),
                // The route's own server names are the tracks' (HaproxyRoute keeps its read-back for drift).
                router: pulumi.output(platform.router.dir).apply((dir) => ({
                    kind: "haproxy" as const,
                    socket: haproxyPaths(dir).socketPath,
                    backend: backendName(name),
                    servers: Object.fromEntries(plan.tracks.map((t) => [t.name, t.name])),
                })),
            },
            { prometheusUrl: this.prometheusUrl },
        );
    }
}
