import * as pulumi from "@pulumi/pulumi";
import { CanaryRelease } from "../release";
import { LocalService } from "./local-service";
import { LocalServiceArgs } from "./local-service-args";

/** Canary on one machine: a stable and a canary process, weighted in HAProxy. */
export class LocalCanaryService extends LocalService<CanaryRelease> {
    constructor(name: string, args: LocalServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("shipgate:local:CanaryService", name, args, "canary", opts);
    }
}
