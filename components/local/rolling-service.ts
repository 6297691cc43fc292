import * as pulumi from "@pulumi/pulumi";
import { RollingRelease } from "../release";
import { LocalService } from "./local-service";
import { LocalServiceArgs } from "./local-service-args";

/**
 * Rolling on one machine: one process; a new version starts beside the old one on a fresh
 * port, HAProxy is re-pointed, then the old process stops (no gap in service).
 */
export class LocalRollingService extends LocalService<RollingRelease> {
    constructor(name: string, args: LocalServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("shipgate:local:RollingService", name, args, "rolling", opts);
    }
}
