import * as pulumi from "@pulumi/pulumi";
import { parseOrThrow } from "../release/errors";
import { ReleaseStateInput } from "../release/release-state";
import { ServiceSpecSchema } from "../release/service-spec";
import { BlueGreenService } from "./blue-green-service";
import { CanaryService } from "./canary-service";
import { KubernetesServiceArgs } from "./component-args";
import { RollingService } from "./rolling-service";
import { ShipgateService } from "../contract";

/** The component for the release's strategy, seen through the interface every platform shares. */
export function createKubernetesService(
    name: string,
    args: KubernetesServiceArgs<ReleaseStateInput>,
    opts?: pulumi.ComponentResourceOptions,
): ShipgateService {
    const release = args.service.release;
    switch (release.strategy) {
        case "canary":
            return new CanaryService(name, { ...args, service: { ...args.service, release } }, opts);
        case "blueGreen":
            return new BlueGreenService(name, { ...args, service: { ...args.service, release } }, opts);
        case "rolling":
            return new RollingService(name, { ...args, service: { ...args.service, release } }, opts);
        default:
            // Unreachable for typed callers; a release read from config at run time gets the schema's error.
            parseOrThrow(ServiceSpecSchema, args.service, `service "${name}"`, "service");
            throw new Error(`unknown release strategy ${JSON.stringify((release as { strategy?: unknown }).strategy)}`);
    }
}
