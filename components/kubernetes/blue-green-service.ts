import * as pulumi from "@pulumi/pulumi";
import { TrackStatus, Tracks } from "../contract";
import { BlueGreenRelease, BlueGreenReleaseInput, Color, otherColor } from "../release/blue-green";
import { liveArtifact } from "../release/release-state";
import { planTraffic } from "../release/traffic-plan";
import { ShipgateServiceBase } from "../service-base";
import { createClusterService } from "./cluster-service";
import { KubernetesServiceArgs, resolveArgs } from "./component-args";
import { routerEndpoint, serviceEndpoint } from "./endpoints";
import { LABEL, resourceLabels } from "./labels";
import { createRoute, routeDescriptor } from "./route";
import { trackStatuses } from "./track-status";
import { createWorkload } from "./workload";

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
 *
 * `endpoint` is the router's host, else the active Service; `previewEndpoint` the preview Service
 * while it exists.
 */
export class BlueGreenService extends ShipgateServiceBase<"blueGreen", BlueGreenTracks> {
    public readonly activeColor: pulumi.Output<Color>;

    constructor(name: string, args: BlueGreenServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveArgs<BlueGreenRelease>("BlueGreenService", name, args, "blueGreen");
        super(BLUE_GREEN_SERVICE_TYPE, name, resolved, opts);
        const { namespace, service, router, labels, links } = resolved;
        const release = service.release;
        const active = release.active;
        const idle = otherColor(active);
        const plan = planTraffic(release, service.replicas);

        const names: Record<string, string> = Object.fromEntries(plan.tracks.map((t) => [t.name, `${name}-${t.name}`]));
        const deployments = plan.tracks.map(
            (t) =>
                createWorkload(
                    names[t.name],
                    {
                        app: name,
                        group: { color: t.name as Color },
                        namespace,
                        service,
                        artifact: t.artifact,
                        replicas: t.replicas,
                        extraLabels: labels,
                        links,
                        // Says on the object itself why the idle color is still running.
                        annotations: t.name === idle ? { [SCALE_DOWN_DELAY_ANNOTATION]: String(release.scaleDownDelaySeconds) } : undefined,
                    },
                    this,
                ).deployment,
        );

        // Switching moves these selectors, so they wait for the colors' pods to be ready.
        const switchOpts = { parent: this, dependsOn: deployments };
        createClusterService(name, { app: name, group: { color: active }, namespace, port: service.port, extraLabels: labels }, switchOpts);
        const previewName = `${name}-preview`;
        if (plan.preview) {
            createClusterService(previewName, { app: name, group: { color: idle }, namespace, port: service.port, extraLabels: labels }, switchOpts);
        }
        if (router.kind !== "none") {
            createRoute(name, { namespace, router, plan, backends: names, port: service.port, labels: resourceLabels(name, {}, undefined, labels) }, switchOpts);
        }

        const ns = pulumi.output(namespace);
        const publicEndpoint = routerEndpoint(router);
        const previewOn = plan.preview !== undefined;
        this.activeColor = pulumi.output(active);
        this.publish(
            {
                strategy: pulumi.output("blueGreen" as const),
                version: pulumi.output(liveArtifact(release).version),
                endpoint: ns.apply((n) => publicEndpoint ?? serviceEndpoint(name, n, service.port)),
                previewEndpoint: ns.apply((n) => (previewOn ? serviceEndpoint(previewName, n, service.port) : undefined)),
                tracks: trackStatuses<BlueGreenTracks>(service, plan, names, namespace),
                router: routeDescriptor(name, {
                    router,
                    context: resolved.context,
                    namespace,
                    backends: names,
                    deployments: names,
                    // With no router the switch is the active Service's color selector.
                    ...(router.kind === "none" ? { selector: { service: name, label: LABEL.color } } : {}),
                }),
            },
            { activeColor: this.activeColor },
        );
    }
}
