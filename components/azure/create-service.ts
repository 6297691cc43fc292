import * as pulumi from "@pulumi/pulumi";
import { ShipgateService } from "../contract";
import { InvalidInputError } from "../release/errors";
import { ContainerAppServiceArgs, WebAppServiceArgs } from "./args";
import { ContainerAppService } from "./container-app-service";
import { WebAppService } from "./web-app-service";

import { AZURE_COMPUTE_KINDS } from "./compute-kinds";
export { AZURE_COMPUTE_KINDS, AzureComputeKind } from "./compute-kinds";

/**
 * How a service runs on Azure:
 * - `containerApp`: Container Apps revisions, weighted and labelled;
 * - `appService`: an App Service site with a staging slot (ramp-up rule for a canary, swap for blue-green).
 */
export type AzureServiceArgs = ({ readonly kind: "containerApp" } & ContainerAppServiceArgs) | ({ readonly kind: "appService" } & WebAppServiceArgs);

/** The component for the service's compute kind, seen through the interface every platform shares. */
export function createAzureService(name: string, args: AzureServiceArgs, opts?: pulumi.ComponentResourceOptions): ShipgateService {
    switch (args.kind) {
        case "containerApp": {
            const { kind: _, ...rest } = args;
            return new ContainerAppService(name, rest, opts);
        }
        case "appService": {
            const { kind: _, ...rest } = args;
            return new WebAppService(name, rest, opts);
        }
        default:
            throw new InvalidInputError(`Azure service "${name}"`, [
                {
                    path: "kind",
                    message: `unknown compute kind ${JSON.stringify((args as { kind?: unknown }).kind)}: use one of ${AZURE_COMPUTE_KINDS.join(", ")}`,
                },
            ]);
    }
}
