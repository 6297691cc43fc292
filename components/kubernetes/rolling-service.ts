import * as pulumi from "@pulumi/pulumi";
import { RollingRelease, RollingReleaseInput } from "../release/rolling";
import { KubernetesServiceArgs, resolveArgs } from "./component-args";
import { routerEndpoint, serviceEndpoint } from "./endpoints";
import { resourceLabels } from "./labels";
import { createRoute } from "./route";
import { ShipgateService, TrackStatus, Tracks } from "../contract";
import { trackStatus } from "./track-status";
import { createWorkload } from "./workload";

export const ROLLING_SERVICE_TYPE = "shipgate:kubernetes:RollingService";

export type RollingServiceArgs = KubernetesServiceArgs<RollingReleaseInput>;

export type RollingTracks = Tracks & { readonly current: TrackStatus };

/**
 * Kubernetes' own rolling update, with shipgate's labels, probes and budget: one Deployment and
 * one Service `${name}`, and the router's route to it when there is one. The release engine
 * verifies it like the other strategies, but there is no second track to keep traffic on.
 */
export class RollingService extends pulumi.ComponentResource implements ShipgateService {
    public readonly strategy: pulumi.Output<"rolling">;
    public readonly tracks: pulumi.Output<RollingTracks>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly version: pulumi.Output<string>;
    /** Always undefined: a rolling update has no candidate to reach apart. */
    public readonly previewEndpoint: pulumi.Output<string | undefined>;

    constructor(name: string, args: RollingServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveArgs<RollingRelease>("RollingService", name, args, "rolling");
        super(ROLLING_SERVICE_TYPE, name, resolved, opts);
        const { namespace, service, router, labels, links } = resolved;
        const release = service.release;

        const workload = createWorkload(
            name,
            {
                app: name,
                group: { track: "current" },
                namespace,
                service,
                artifact: release.current,
                replicas: service.replicas,
                rollingUpdate: { maxSurge: release.maxSurge, maxUnavailable: release.maxUnavailable },
                extraLabels: labels,
                links,
            },
            this,
        );
        createRoute(
            name,
            {
                namespace,
                router,
                plan: { primary: { service: name, weight: 100 } },
                port: service.port,
                labels: resourceLabels(name, {}, undefined, labels),
            },
            { parent: this, dependsOn: [workload.deployment] },
        );

        const ns = pulumi.output(namespace);
        const publicEndpoint = routerEndpoint(router);
        this.strategy = pulumi.output("rolling" as const);
        this.version = pulumi.output(release.current.version);
        this.endpoint = ns.apply((n) => publicEndpoint ?? serviceEndpoint(name, n, service.port));
        this.previewEndpoint = pulumi.output(undefined);
        this.tracks = ns.apply((n): RollingTracks => ({ current: trackStatus(service, release.current, service.replicas, 100, name, n) }));
        this.registerOutputs({
            strategy: this.strategy,
            tracks: this.tracks,
            endpoint: this.endpoint,
            version: this.version,
            previewEndpoint: this.previewEndpoint,
        });
    }
}
