import * as pulumi from "@pulumi/pulumi";
import type { ShipgateService } from "../../components/contract";

/** The per-service stack output: what `shipgate status` and the promotion read back. */
export function summarise(services: Readonly<Record<string, ShipgateService>>): Record<string, pulumi.Output<unknown>> {
    return Object.fromEntries(
        Object.entries(services).map(([name, svc]) => [
            name,
            pulumi.all([svc.strategy, svc.version, svc.tracks, svc.endpoint, svc.previewEndpoint, svc.router]).apply(
                ([strategy, version, tracks, endpoint, previewEndpoint, router]) => ({
                    strategy,
                    version,
                    tracks,
                    endpoint,
                    previewEndpoint: previewEndpoint ?? null,
                    // The release engine builds its router client from this (stacks/automation/routers).
                    router,
                }),
            ),
        ]),
    );
}
