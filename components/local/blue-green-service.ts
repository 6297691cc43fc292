import * as pulumi from "@pulumi/pulumi";
import { BlueGreenRelease } from "../release";
import { LocalService } from "./local-service";
import { LocalServiceArgs } from "./local-service-args";

/** Blue-green on one machine: a process per color, the switch a weight change in HAProxy, the idle color on the preview port. */
export class LocalBlueGreenService extends LocalService<BlueGreenRelease> {
    constructor(name: string, args: LocalServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("shipgate:local:BlueGreenService", name, args, "blueGreen", opts);
    }
}
