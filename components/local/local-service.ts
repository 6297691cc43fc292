import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { ReleaseState, Strategy, liveArtifact } from "../release";
import type { ShipgateService, TrackStatus, Tracks } from "../contract";
import { LocalServiceArgs, ResolvedLocalArgs, resolveLocalArgs } from "./local-service-args";
import { HaproxyRoute } from "./resources/haproxy-route";
import { LocalProcess } from "./resources/local-process";
import { PrometheusTargets } from "./resources/prometheus-targets";
import { planTracks } from "./track-plan";

/**
 * A service on the local platform, whatever its strategy: a process per running track or
 * color, a route in the stack's HAProxy weighted as the release state says, and Prometheus
 * scrape targets. The strategy components below differ only in their type token.
 */
export abstract class LocalService<S extends ReleaseState> extends pulumi.ComponentResource implements ShipgateService {
    public readonly strategy: pulumi.Output<Strategy>;
    public readonly tracks: pulumi.Output<Tracks>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly previewEndpoint: pulumi.Output<string | undefined>;
    public readonly version: pulumi.Output<string>;
    /** Where Prometheus for this service's stack answers (analysis reads it). */
    public readonly prometheusUrl: pulumi.Output<string>;
    /** HAProxy's view of the service's weights after this update, read back from its runtime API. */
    public readonly routerWeights: pulumi.Output<Record<string, number> | undefined>;

    protected constructor(type: string, name: string, args: LocalServiceArgs, strategy: S["strategy"], opts?: pulumi.ComponentResourceOptions) {
        const resolved: ResolvedLocalArgs<S> = resolveLocalArgs<S>(type, name, args, strategy);
        // The resolved spec (defaults filled in) is what policies read at preview.
        super(type, name, { service: resolved.service, run: resolved.run, port: resolved.port, previewPort: resolved.previewPort }, opts);
        const { service, run } = resolved;
        const platform = args.platform;
        const plan = planTracks(service.release);
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
        for (const track of plan.tracks) {
            if (!track.artifact) continue;
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
        const route = new HaproxyRoute(
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
                        candidate: plan.candidate,
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

        const endpoint = `http://127.0.0.1:${resolved.port}`;
        this.strategy = pulumi.output(service.release.strategy);
        this.version = pulumi.output(liveArtifact(service.release).version);
        // Known at preview, so linked services do not see a change; dependents wait for this
        // component (and so for its route) through dependsOn.
        this.endpoint = pulumi.output(endpoint);
        this.previewEndpoint = pulumi.output(plan.candidate && plan.tracks.find((t) => t.name === plan.candidate)?.artifact ? `http://127.0.0.1:${resolved.previewPort}` : undefined);
        this.prometheusUrl = platform.prometheusUrl;
        // Undefined until the route has been applied (a preview, the mocks): no read-back to compare.
        this.routerWeights = route.live.apply((live) => live?.weights);
        this.tracks = pulumi
            .all(plan.tracks.map((t) => (port(t.name) ?? pulumi.output(undefined)) as pulumi.Output<number | undefined>))
            .apply((ports) => {
                const tracks: Record<string, TrackStatus> = {};
                plan.tracks.forEach((t, i) => {
                    if (!t.artifact) return;
                    tracks[t.name] = {
                        version: t.artifact.version,
                        image: `local:${run.args[0]}@${t.artifact.version}`,
                        replicas: 1,
                        weight: t.weight,
                        endpoint: `http://127.0.0.1:${ports[i]}`,
                    };
                });
                return tracks;
            });
        this.registerOutputs({
            strategy: this.strategy,
            version: this.version,
            tracks: this.tracks,
            endpoint: this.endpoint,
            previewEndpoint: this.previewEndpoint,
            routerWeights: this.routerWeights,
        });
    }
}
