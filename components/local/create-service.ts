import * as pulumi from "@pulumi/pulumi";
import { LocalBlueGreenService } from "./blue-green-service";
import { LocalCanaryService } from "./canary-service";
import { LocalService } from "./local-service";
import { LocalServiceArgs } from "./local-service-args";
import { LocalRollingService } from "./rolling-service";
import { ReleaseState } from "../release";

/** Picks the local component for the service's release strategy. */
export function createLocalService(name: string, args: LocalServiceArgs, opts?: pulumi.ComponentResourceOptions): LocalService<ReleaseState> {
    const strategy = (args.service.release as { strategy?: string } | undefined)?.strategy;
    switch (strategy) {
        case "canary":
            return new LocalCanaryService(name, args, opts);
        case "blueGreen":
            return new LocalBlueGreenService(name, args, opts);
        default:
            return new LocalRollingService(name, args, opts);
    }
}
