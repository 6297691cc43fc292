import { Artifact, imageRef } from "../release/artifact";
import { ServiceSpec } from "../release/service-spec";
import { serviceEndpoint } from "./endpoints";
import { TrackStatus } from "../contract";

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
