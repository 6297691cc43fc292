import * as pulumi from "@pulumi/pulumi";
import { ShipgateService } from "../contract";
import { InvalidInputError } from "../release/errors";
import { EcsNativeServiceArgs, EcsServiceArgs } from "./args";
import { EcsNativeService } from "./ecs-native-service";
import { EcsService } from "./ecs-service";
import { LambdaService, LambdaServiceArgs } from "./lambda-service";

import { AWS_COMPUTE_KINDS } from "./compute-kinds";
export { AWS_COMPUTE_KINDS, AwsComputeKind } from "./compute-kinds";

/**
 * How a service runs on AWS:
 * - `ecs`: ECS Fargate behind an ALB, shipgate moving the listener weights step by step;
 * - `ecsNative`: the same, with ECS's own BLUE_GREEN/CANARY/LINEAR deployments moving them;
 * - `lambda`: a container-image function released by shifting an alias between versions.
 */
export type AwsServiceArgs =
    | ({ readonly kind: "ecs" } & EcsServiceArgs)
    | ({ readonly kind: "ecsNative" } & EcsNativeServiceArgs)
    | ({ readonly kind: "lambda" } & LambdaServiceArgs);

/** The component for the service's compute kind, seen through the interface every platform shares. */
export function createAwsService(name: string, args: AwsServiceArgs, opts?: pulumi.ComponentResourceOptions): ShipgateService {
    switch (args.kind) {
        case "ecs": {
            const { kind: _, ...rest } = args;
            return new EcsService(name, rest, opts);
        }
        case "ecsNative": {
            const { kind: _, ...rest } = args;
            return new EcsNativeService(name, rest, opts);
        }
        case "lambda": {
            const { kind: _, ...rest } = args;
            return new LambdaService(name, rest, opts);
        }
        default:
            throw new InvalidInputError(`AWS service "${name}"`, [
                {
                    path: "kind",
                    message: `unknown compute kind ${JSON.stringify((args as { kind?: unknown }).kind)}: use one of ${AWS_COMPUTE_KINDS.join(", ")}`,
                },
            ]);
    }
}
