import * as pulumi from "@pulumi/pulumi";
import { TrackStatus, Tracks } from "../contract";
import { CanaryRelease, CanaryReleaseInput } from "../release/canary";
import { liveArtifact } from "../release/release-state";
import { planTraffic } from "../release/traffic-plan";
import { ShipgateServiceBase } from "../service-base";
import { createClusterService } from "./cluster-service";
import { KubernetesServiceArgs, resolveArgs } from "./component-args";
import { routerEndpoint, serviceEndpoint } from "./endpoints";
import { resourceLabels } from "./labels";
import { createRoute, routeDescriptor } from "./route";
import { trackStatuses } from "./track-status";
import { createWorkload } from "./workload";

export const CANARY_SERVICE_TYPE = "shipgate:kubernetes:CanaryService";

export type CanaryServiceArgs = KubernetesServiceArgs<CanaryReleaseInput>;

export type CanaryTracks = Tracks & {
    readonly stable: TrackStatus;
    /** Present while the release has a canary. */
    readonly canary?: TrackStatus;
};

/**
 * A canary release on Kubernetes: a stable track, a canary track while the release has one, and
 * a router that gives the canary its weight. With Gateway API or ingress-nginx the router honours
 * the weight exactly; with no router one Service selects both tracks, so the canary's share is
 * its share of the replicas.
 *
 * `endpoint` is the router's host; with no router the Service over both tracks; a Gateway API
 * route without hostnames has no address of its own, so the stable Service. `previewEndpoint` is
 * the canary track's own Service while it has pods.
 */
export class CanaryService extends ShipgateServiceBase<"canary", CanaryTracks> {
    /** The canary's real share of traffic in percent (the replica ratio without a router). */
    public readonly weight: pulumi.Output<number>;

    constructor(name: string, args: CanaryServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveArgs<CanaryRelease>("CanaryService", name, args, "canary");
        super(CANARY_SERVICE_TYPE, name, resolved, opts);
        const { namespace, service, router, labels, links } = resolved;
        const release = service.release;
        const plan = planTraffic(release, service.replicas, { sizing: router.kind === "none" ? "replicaRatio" : "weighted" });
        const common = { app: name, namespace, service, extraLabels: labels, links };

        // A Deployment and a Service per track, named alike; the canary only while the release has
        // one (finalize and rollback remove the whole track).
        const names: Record<string, string> = Object.fromEntries(plan.tracks.map((t) => [t.name, `${name}-${t.name}`]));
        const deployments = plan.tracks.map(
            (t) => createWorkload(names[t.name], { ...common, group: { track: t.name as "stable" | "canary" }, artifact: t.artifact, replicas: t.replicas }, this).deployment,
        );

        let liveService = names.stable;
        if (router.kind === "none") {
            // Argo Rollouts without a router: one Service over both tracks, weight = replica ratio.
            createClusterService(name, { app: name, group: {}, namespace, port: service.port, extraLabels: labels }, { parent: this });
            liveService = name;
        } else {
            createRoute(
                name,
                { namespace, router, plan, backends: names, port: service.port, labels: resourceLabels(name, {}, undefined, labels) },
                { parent: this, dependsOn: deployments },
            );
        }

        const ns = pulumi.output(namespace);
        const publicEndpoint = routerEndpoint(router);
        const preview = plan.preview;
        this.weight = pulumi.output(plan.candidate?.weight ?? 0);
        this.publish(
            {
                strategy: pulumi.output("canary" as const),
                version: pulumi.output(liveArtifact(release).version),
                endpoint: ns.apply((n) => publicEndpoint ?? serviceEndpoint(liveService, n, service.port)),
                tracks: trackStatuses<CanaryTracks>(service, plan, names, namespace),
                previewEndpoint: ns.apply((n) => (preview ? serviceEndpoint(names[preview.name], n, service.port) : undefined)),
                router: routeDescriptor(name, { router, context: resolved.context, namespace, backends: names, deployments: names }),
            },
            { weight: this.weight },
        );
    }
}
