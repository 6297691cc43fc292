import * as pulumi from "@pulumi/pulumi";
import { BlueGreenRelease, BlueGreenReleaseInput, COLORS, Color, otherColor } from "../release/blue-green";
import { liveArtifact } from "../release/release-state";
import { colorReplicas } from "../release/sizing";
import { createClusterService } from "./cluster-service";
import { KubernetesServiceArgs, resolveArgs } from "./component-args";
import { routerEndpoint, serviceEndpoint } from "./endpoints";
import { resourceLabels } from "./labels";
import { createRoute } from "./route";
import { RoutePlan } from "./route-plan";
import { ShipgateService, TrackStatus, Tracks } from "../contract";
import { trackStatus } from "./track-status";
import { Workload, createWorkload } from "./workload";

export const BLUE_GREEN_SERVICE_TYPE = "shipgate:kubernetes:BlueGreenService";

/** The annotation on the idle color's Deployment: how long it stays up after a switch. */
export const SCALE_DOWN_DELAY_ANNOTATION = "shipgate.dev/scale-down-delay-seconds";

export type BlueGreenServiceArgs = KubernetesServiceArgs<BlueGreenReleaseInput>;

export type BlueGreenTracks = Tracks & {
    readonly blue?: TrackStatus;
    readonly green?: TrackStatus;
};

/**
 * A blue-green release on Kubernetes: a Deployment and a Service per color that has a version,
 * the active Service `${name}` selecting the active color, and the preview Service
 * `${name}-preview` selecting the idle color while it runs and preview is on. With a router,
 * the route weights the colors 100/0 and sends the candidate header to the idle color.
 */
export class BlueGreenService extends pulumi.ComponentResource implements ShipgateService {
    public readonly strategy: pulumi.Output<"blueGreen">;
    public readonly activeColor: pulumi.Output<Color>;
    public readonly tracks: pulumi.Output<BlueGreenTracks>;
    /** Where users' traffic enters: the router's host, else the active Service. */
    public readonly endpoint: pulumi.Output<string>;
    public readonly version: pulumi.Output<string>;
    /** The preview Service while the idle color runs and preview is on. */
    public readonly previewEndpoint: pulumi.Output<string | undefined>;

    constructor(name: string, args: BlueGreenServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveArgs<BlueGreenRelease>("BlueGreenService", name, args, "blueGreen");
        super(BLUE_GREEN_SERVICE_TYPE, name, resolved, opts);
        const { namespace, service, router, labels, links } = resolved;
        const release = service.release;
        const active = release.active;
        const idle = otherColor(active);
        const replicas = colorReplicas(release, service.replicas);
        const colorName = (color: Color) => `${name}-${color}`;

        const workloads: Partial<Record<Color, Workload>> = {};
        for (const color of COLORS) {
            const artifact = release[color];
            if (!artifact) {
                continue;
            }
            workloads[color] = createWorkload(
                colorName(color),
                {
                    app: name,
                    group: { color },
                    namespace,
                    service,
                    artifact,
                    replicas: replicas[color],
                    extraLabels: labels,
                    links,
                    // Says on the object itself why the idle color is still running.
                    annotations: color === idle ? { [SCALE_DOWN_DELAY_ANNOTATION]: String(release.scaleDownDelaySeconds) } : undefined,
                },
                this,
            );
        }
        const deployments = Object.values(workloads).map((w) => w.deployment);
        const previewOn = release.preview && replicas[idle] > 0;

        // Switching moves these selectors, so they wait for the colors' pods to be ready.
        const switchOpts = { parent: this, dependsOn: deployments };
        createClusterService(name, { app: name, group: { color: active }, namespace, port: service.port, extraLabels: labels }, switchOpts);
        const previewName = `${name}-preview`;
        if (previewOn) {
            createClusterService(previewName, { app: name, group: { color: idle }, namespace, port: service.port, extraLabels: labels }, switchOpts);
        }
        if (router.kind !== "none") {
            const plan: RoutePlan = {
                primary: { service: colorName(active), weight: 100 },
                ...(release[idle] ? { candidate: { service: colorName(idle), weight: 0, byHeader: previewOn } } : {}),
            };
            createRoute(name, { namespace, router, plan, port: service.port, labels: resourceLabels(name, {}, undefined, labels) }, switchOpts);
        }

        const ns = pulumi.output(namespace);
        const publicEndpoint = routerEndpoint(router);
        this.strategy = pulumi.output("blueGreen" as const);
        this.activeColor = pulumi.output(active);
        this.version = pulumi.output(liveArtifact(release).version);
        this.endpoint = ns.apply((n) => publicEndpoint ?? serviceEndpoint(name, n, service.port));
        this.previewEndpoint = ns.apply((n) => (previewOn ? serviceEndpoint(previewName, n, service.port) : undefined));
        this.tracks = ns.apply((n) => {
            const tracks: { -readonly [C in Color]?: TrackStatus } = {};
            for (const color of COLORS) {
                const artifact = release[color];
                if (artifact) {
                    tracks[color] = trackStatus(service, artifact, replicas[color], color === active ? 100 : 0, colorName(color), n);
                }
            }
            return tracks as BlueGreenTracks;
        });
        this.registerOutputs({
            strategy: this.strategy,
            activeColor: this.activeColor,
            tracks: this.tracks,
            endpoint: this.endpoint,
            version: this.version,
            previewEndpoint: this.previewEndpoint,
        });
    }
}
