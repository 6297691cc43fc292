import * as pulumi from "@pulumi/pulumi";
import { TrackStatus, Tracks } from "../contract";
import { RollingRelease, RollingReleaseInput } from "../release/rolling";
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

export type RollingTracks = Tracks & { readonly current: TrackStatus };

/**
 * Kubernetes' own rolling update, with shipgate's labels, probes and budget: one Deployment and
 * one Service `${name}`, and the router's route to it when there is one. The release engine
 * verifies it like the other strategies, but there is no second track to keep traffic on, so
 * `previewEndpoint` is always undefined.
 */
export class RollingService extends ShipgateServiceBase<"rolling", RollingTracks> {
    constructor(name: string, args: RollingServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveArgs<RollingRelease>("RollingService", name, args, "rolling");
        super(ROLLING_SERVICE_TYPE, name, resolved, opts);
        const { namespace, service, router, labels, links } = resolved;
        const release = service.release;
        const plan = planTraffic(release, service.replicas);
        const names = { current: name };

        const workload = createWorkload(
            name,
            {
                app: name,
                group: { track: "current" },
                namespace,
                service,
                artifact: release.current,
                replicas: plan.primary.replicas,
                rollingUpdate: { maxSurge: release.maxSurge, maxUnavailable: release.maxUnavailable },
                extraLabels: labels,
                links,
            },
            this,
        );
        createRoute(
            name,
            { namespace, router, plan, backends: names, port: service.port, labels: resourceLabels(name, {}, undefined, labels) },
            { parent: this, dependsOn: [workload.deployment] },
        );

        const publicEndpoint = routerEndpoint(router);
        this.publish({
            strategy: pulumi.output("rolling" as const),
            version: pulumi.output(release.current.version),
            endpoint: pulumi.output(namespace).apply((n) => publicEndpoint ?? serviceEndpoint(name, n, service.port)),
            previewEndpoint: pulumi.output(undefined),
            tracks: trackStatuses<RollingTracks>(service, plan, names, namespace),
            router: routeDescriptor(name, { router, context: resolved.context, namespace, backends: names, deployments: names }),
        });
    }
}
