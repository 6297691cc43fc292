import * as pulumi from "@pulumi/pulumi";
import { dependenciesOf } from "../../components/release";
import type { ShipgateService } from "../../components/contract";
import type * as AwsModule from "./platforms/aws";
import type * as AzureModule from "./platforms/azure";
import type * as KubernetesModule from "./platforms/kubernetes";
import { localPlatform } from "./platforms/local";
import { ServicePlatform } from "./platforms/service-platform";
import { StackConfig } from "./stack-config";

export interface StackSecrets {
    readonly kubeconfig?: pulumi.Output<string>;
    /** Values for services' secretEnv on the local platform, by secret name then key. */
    readonly localSecrets?: pulumi.Output<Record<string, Record<string, string>>>;
}

export interface DefinedStack {
    readonly services: Readonly<Record<string, ShipgateService>>;
    readonly platform: ServicePlatform;
}

export interface StackContext {
    readonly projectRoot: string;
    readonly stack: string;
}

function platformFor(config: StackConfig, secrets: StackSecrets, context: StackContext): ServicePlatform {
    switch (config.platform) {
        case "kubernetes":
            return (require("./platforms/kubernetes") as typeof KubernetesModule).kubernetesPlatform({
                settings: config.kubernetes!,
                kubeconfig: secrets.kubeconfig,
                ...context,
            });
        case "local":
            return localPlatform({ settings: config.local!, secrets: secrets.localSecrets, ...context });
        // The cloud SDKs load only for the stacks that use them.
        case "aws":
            return (require("./platforms/aws") as typeof AwsModule).awsPlatform({
                settings: config.aws!,
                services: config.services,
                stack: context.stack,
                project: pulumi.getProject(),
            });
        case "azure":
            return (require("./platforms/azure") as typeof AzureModule).azurePlatform({ settings: config.azure!, stack: context.stack, project: pulumi.getProject() });
    }
}

/**
 * Declares every service on the configured platform in deploy order: a service depends on
 * the components of everything it `dependsOn`, so the engine applies the backend before the
 * frontend and a failed backend stops the frontend from moving.
 */
export function defineStack(config: StackConfig, order: readonly string[], secrets: StackSecrets, context: StackContext): DefinedStack {
    const platform = platformFor(config, secrets, context);
    const services: Record<string, ShipgateService> = {};
    for (const name of order) {
        const spec = config.services[name];
        services[name] = platform.createService(name, spec, {
            dependsOn: dependenciesOf(spec).map((dep) => services[dep]),
        });
    }
    return { services, platform };
}
