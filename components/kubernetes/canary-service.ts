import * as pulumi from "@pulumi/pulumi";
import { CanaryRelease, CanaryReleaseInput } from "../release/canary";
import { liveArtifact } from "../release/release-state";
import { canarySizing } from "../release/sizing";
import { createClusterService } from "./cluster-service";
import { KubernetesServiceArgs, resolveArgs } from "./component-args";
import { routerEndpoint, serviceEndpoint } from "./endpoints";
import { resourceLabels } from "./labels";
import { createRoute } from "./route";
import { RoutePlan } from "./route-plan";
import { ShipgateService, TrackStatus, Tracks } from "../contract";
import { trackStatus } from "./track-status";
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
 */
export class CanaryService extends pulumi.ComponentResource implements ShipgateService {
    public readonly strategy: pulumi.Output<"canary">;
    public readonly tracks: pulumi.Output<CanaryTracks>;
    /**
     * Where users' traffic enters: the router's host; with no router the Service over both
     * tracks; a Gateway API route without hostnames has no address of its own, so the stable Service.
     */
    public readonly endpoint: pulumi.Output<string>;
    /** The version that carries the majority of traffic. */
    public readonly version: pulumi.Output<string>;
    /** The canary's real share of traffic in percent (the replica ratio without a router). */
    public readonly weight: pulumi.Output<number>;
    /** The canary track's own Service while it has pods. */
    public readonly previewEndpoint: pulumi.Output<string | undefined>;

    constructor(name: string, args: CanaryServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveArgs<CanaryRelease>("CanaryService", name, args, "canary");
        super(CANARY_SERVICE_TYPE, name, resolved, opts);
        const { namespace, service, router, labels, links } = resolved;
        const release = service.release;
        const sizing = canarySizing(release, service.replicas, router.kind === "none" ? "replicaRatio" : "weighted");
        const common = { app: name, namespace, service, extraLabels: labels, links };

        const stableName = `${name}-stable`;
        const canaryName = `${name}-canary`;
        const stable = createWorkload(
            stableName,
            { ...common, group: { track: "stable" }, artifact: release.stable, replicas: sizing.stableReplicas },
            this,
        );
        // Only while the release has a canary: finalize and rollback remove the whole track.
        const canary = release.canary
            ? createWorkload(canaryName, { ...common, group: { track: "canary" }, artifact: release.canary, replicas: sizing.canaryReplicas }, this)
            : undefined;
        const deployments = canary ? [stable.deployment, canary.deployment] : [stable.deployment];

        let liveService = stableName;
        if (router.kind === "none") {
            // Argo Rollouts without a router: one Service over both tracks, weight = replica ratio.
            createClusterService(name, { app: name, group: {}, namespace, port: service.port, extraLabels: labels }, { parent: this });
            liveService = name;
        } else {
            const plan: RoutePlan = {
                primary: { service: stableName, weight: 100 - sizing.canaryShare },
                ...(release.canary
                    ? { candidate: { service: canaryName, weight: sizing.canaryShare, byHeader: sizing.canaryReplicas > 0 } }
                    : {}),
            };
            createRoute(
                name,
                { namespace, router, plan, port: service.port, labels: resourceLabels(name, {}, undefined, labels) },
                { parent: this, dependsOn: deployments },
            );
        }

        const ns = pulumi.output(namespace);
        const publicEndpoint = routerEndpoint(router);
        this.strategy = pulumi.output("canary" as const);
        this.weight = pulumi.output(sizing.canaryShare);
        this.version = pulumi.output(liveArtifact(release).version);
        this.endpoint = ns.apply((n) => publicEndpoint ?? serviceEndpoint(liveService, n, service.port));
        this.tracks = ns.apply(
            (n): CanaryTracks => ({
                stable: trackStatus(service, release.stable, sizing.stableReplicas, 100 - sizing.canaryShare, stableName, n),
                ...(release.canary
                    ? { canary: trackStatus(service, release.canary, sizing.canaryReplicas, sizing.canaryShare, canaryName, n) }
                    : {}),
            }),
        );
        // The canary can be checked alone only while it has pods.
        this.previewEndpoint = ns.apply((n) =>
            release.canary && sizing.canaryReplicas > 0 ? serviceEndpoint(canaryName, n, service.port) : undefined,
        );
        this.registerOutputs({
            strategy: this.strategy,
            tracks: this.tracks,
            endpoint: this.endpoint,
            version: this.version,
            weight: this.weight,
            previewEndpoint: this.previewEndpoint,
        });
    }
}
