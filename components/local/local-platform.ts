import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { HaproxyInstance } from "./resources/haproxy-instance";
import { PrometheusServer } from "./resources/prometheus-server";

export interface LocalPlatformArgs {
    /** Names the processes' markers, so two stacks on one machine never touch each other's. */
    readonly stack: string;
    /** Absolute folder for every file and log of this stack's platform (git-ignored). */
    readonly stateDir: string;
    /** HAProxy's stats page and Prometheus exporter. */
    readonly routerStatsPort: number;
    readonly prometheusPort: number;
    readonly scrapeIntervalSeconds?: number;
}

/**
 * The local platform of one stack: its router (HAProxy) and its metrics (Prometheus), real
 * processes on loopback. Service components attach their routes and scrape targets to it.
 */
export class LocalPlatform extends pulumi.ComponentResource {
    public readonly router: HaproxyInstance;
    public readonly prometheus: PrometheusServer;
    public readonly routerStatsUrl: pulumi.Output<string>;
    public readonly prometheusUrl: pulumi.Output<string>;
    public readonly stack: string;
    public readonly stateDir: string;
    /**
     * Starts every process marker of this stack: the stack's name and its state folder, so two
     * projects with a stack of the same name on one machine never mistake each other's processes.
     */
    public readonly markerPrefix: string;

    constructor(name: string, args: LocalPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("shipgate:local:Platform", name, args, opts);
        this.stack = args.stack;
        this.stateDir = args.stateDir;
        this.markerPrefix = `${args.stack}@${args.stateDir}`;
        this.router = new HaproxyInstance(
            `${name}-router`,
            { marker: `${this.markerPrefix}/router`, dir: path.join(args.stateDir, "haproxy"), statsPort: args.routerStatsPort },
            { parent: this },
        );
        this.prometheus = new PrometheusServer(
            `${name}-prometheus`,
            {
                marker: `${this.markerPrefix}/prometheus`,
                dir: path.join(args.stateDir, "prometheus"),
                port: args.prometheusPort,
                scrapeIntervalSeconds: args.scrapeIntervalSeconds ?? 2,
                routerMetrics: `127.0.0.1:${args.routerStatsPort}`,
            },
            { parent: this },
        );
        this.routerStatsUrl = this.router.statsUrl;
        this.prometheusUrl = this.prometheus.url;
        this.registerOutputs({ routerStatsUrl: this.routerStatsUrl, prometheusUrl: this.prometheusUrl });
    }
}
