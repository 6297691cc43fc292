import * as pulumi from "@pulumi/pulumi";
import { TrackStatus, Tracks } from "../contract";
import { RollingRelease, RollingReleaseInput } from "../release/rolling";
import { liveArtifact } from "../release/release-state";
import { planTraffic } from "../release/traffic-plan";
import { ShipgateServiceBase } from "../service-base";
import { KubernetesServiceArgs, resolveArgs } from "./component-args";
import { routerEndpoint, serviceEndpoint } from "./endpoints";
import { resourceLabels } from "./labels";
import { createRoute, routeDescriptor } from "./route";
import { trackStatuses } from "./track-status";
import { createWorkload } from "./workload";

export const ROLLING_SERVICE_TYPE = "shipgate:kubernetes:RollingService";

export type RollingServiceArgs = KubernetesServiceArgs<RollingReleaseInput>;

export type RollingTracks = Tracks & {
    readonly current: TrackStatus;
    /** Present while an update runs batch by batch. */
    readonly next?: TrackStatus;
};

/**
 * A rolling release on Kubernetes, batch by batch: Deployment `${name}` (the current track) and,
 * while an update runs, Deployment `${name}-next` with the new artifact on the batch's share of
 * the replicas, each batch verified before the next. The last batch rolls `${name}` itself to the
 * new artifact (Kubernetes' own rolling update, with the release's maxSurge and maxUnavailable)
 * and removes `${name}-next`. With no router Service `${name}` selects every pod of the app, so a
 * batch gets its share of the replicas; with a router the route gives it the same weight.
 */
export class RollingService extends ShipgateServiceBase<"rolling", RollingTracks> {
    constructor(name: string, args: RollingServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveArgs<RollingRelease>("RollingService", name, args, "rolling");
        super(ROLLING_SERVICE_TYPE, name, resolved, opts);
        const { namespace, service, router, labels, links } = resolved;
        const release = service.release;
        const plan = planTraffic(release, service.replicas);
        const names: Record<string, string> = Object.fromEntries(plan.tracks.map((t) => [t.name, t.name === "current" ? name : `${name}-${t.name}`]));
        const common = { app: name, namespace, service, extraLabels: labels, links };
        const rollingUpdate = { maxSurge: release.maxSurge, maxUnavailable: release.maxUnavailable };

        const next = plan.candidate && createWorkload(names.next, { ...common, group: { track: "next" }, artifact: plan.candidate.artifact, replicas: plan.candidate.replicas, rollingUpdate }, this);
        // The current track gives up its replicas only once the batch that takes them is ready.
        const current = createWorkload(
            name,
            { ...common, group: { track: "current" }, artifact: plan.primary.artifact, replicas: plan.primary.replicas, rollingUpdate },
            this,
            { serviceGroup: router.kind === "none" ? {} : undefined, dependsOn: next ? [next.deployment] : undefined },
        );
        createRoute(
            name,
            { namespace, router, plan, backends: names, port: service.port, labels: resourceLabels(name, {}, undefined, labels) },
            { parent: this, dependsOn: [current.deployment, ...(next ? [next.deployment] : [])] },
        );

        const publicEndpoint = routerEndpoint(router);
        const ns = pulumi.output(namespace);
        this.publish({
            strategy: pulumi.output("rolling" as const),
            version: pulumi.output(liveArtifact(release).version),
            endpoint: ns.apply((n) => publicEndpoint ?? serviceEndpoint(name, n, service.port)),
            previewEndpoint: ns.apply((n) => (plan.preview ? serviceEndpoint(names[plan.preview.name], n, service.port) : undefined)),
            tracks: trackStatuses<RollingTracks>(service, plan, names, namespace),
            router: routeDescriptor(name, { router, context: resolved.context, namespace, backends: names, deployments: names }),
        });
    }
}
