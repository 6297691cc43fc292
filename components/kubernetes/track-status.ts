import * as pulumi from "@pulumi/pulumi";
import { Artifact, imageRef } from "../release/artifact";
import { ServiceSpec } from "../release/service-spec";
import type { TrafficPlan } from "../release/traffic-plan";
import { serviceEndpoint } from "./endpoints";
import type { TrackServices } from "./route";
import { TrackStatus, Tracks } from "../contract";

/** What a track or color reports, reached through the Service that selects only its pods. */
export function trackStatus(
    service: ServiceSpec,
    artifact: Artifact,
    replicas: number,
    weight: number,
    serviceName: string,
    namespace: string,
): TrackStatus {
    return {
        version: artifact.version,
        image: imageRef(service.image, artifact),
        replicas,
        weight,
        endpoint: serviceEndpoint(serviceName, namespace, service.port),
    };
}

/** Every planned track's status, each reached through its Service in `services`. */
export function trackStatuses<T extends Tracks>(service: ServiceSpec, plan: TrafficPlan, services: TrackServices, namespace: pulumi.Input<string>): pulumi.Output<T> {
    return pulumi
        .output(namespace)
        .apply((n) => Object.fromEntries(plan.tracks.map((t) => [t.name, trackStatus(service, t.artifact, t.replicas, t.weight, services[t.name], n)])) as T);
}
