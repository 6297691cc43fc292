import { Provider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";
import { AzureServiceArgs, createAzureService } from "../../../components/azure";
import { AzurePlatformConfig } from "./azure-config";
import { ServicePlatform } from "./service-platform";

export interface AzurePlatformOptions {
    readonly settings: AzurePlatformConfig;
    readonly stack: string;
    readonly project: string;
}

/**
 * Azure through one explicit azure-native provider (location and subscription from
 * `shipgate:azure`). Each service is a Container App (revisions) or an App Service site with a
 * staging slot, in the stack's resource group. The release engine's Azure Monitor source reads
 * each track's resource and revision from the `services` output (`tracks.<t>.azureMonitor`);
 * `metrics.azureMonitor` gathers them with the metrics endpoint and the workspace.
 */
export function azurePlatform(options: AzurePlatformOptions): ServicePlatform {
    const { settings, stack } = options;
    const provider = new Provider("azure-native", {
        location: settings.location,
        ...(settings.subscriptionId ? { subscriptionId: settings.subscriptionId } : {}),
    });
    const endpoints = new Map<string, pulumi.Output<string>>();
    const trackOutputs = new Map<string, pulumi.Output<unknown>>();
    const base = {
        resourceGroupName: settings.resourceGroupName,
        ...(settings.subscriptionId ? { subscriptionId: settings.subscriptionId } : {}),
        location: settings.location,
        ...(settings.keyVaultIdentity ? { keyVaultIdentity: settings.keyVaultIdentity } : {}),
        ...(settings.registry ? { registry: settings.registry } : {}),
        tags: { "shipgate:stack": stack, "shipgate:project": options.project },
    };
    return {
        name: "azure",
        get metrics() {
            return {
                azureMonitor: pulumi.all(Object.fromEntries(trackOutputs)).apply((tracks) => ({
                    metricsEndpoint: settings.monitor.metricsEndpoint ?? `https://${settings.location}.metrics.monitor.azure.com`,
                    ...(settings.monitor.workspaceId ? { workspaceId: settings.monitor.workspaceId } : {}),
                    targets: Object.fromEntries(
                        Object.entries(tracks as Record<string, Record<string, { azureMonitor?: unknown }>>).map(([service, t]) => [
                            service,
                            Object.fromEntries(Object.entries(t).map(([track, status]) => [track, status.azureMonitor])),
                        ]),
                    ),
                })),
            };
        },
        createService(name, spec, serviceOpts) {
            const own = settings.services[name] ?? { kind: "containerApp" as const };
            const links = Object.fromEntries(Object.entries(spec.links).map(([env, target]) => [env, endpoints.get(target)!]));
            const args: AzureServiceArgs =
                own.kind === "appService"
                    ? {
                          kind: "appService",
                          ...base,
                          service: spec,
                          // Site names are global: default to one that says whose and which stage it is.
                          appName: own.appName ?? `${options.project}-${stack}-${name}`,
                          ...(settings.appServicePlanId ? { serverFarmId: settings.appServicePlanId } : { sku: settings.appServiceSku }),
                          ...(own.slotName ? { slotName: own.slotName } : {}),
                          links,
                      }
                    : {
                          kind: "containerApp",
                          ...base,
                          service: spec,
                          environmentId: settings.containerAppsEnvironmentId!,
                          ...(own.appName ? { appName: own.appName } : {}),
                          ...(own.external !== undefined ? { external: own.external } : {}),
                          ...(own.maxReplicas !== undefined ? { maxReplicas: own.maxReplicas } : {}),
                          links,
                      };
            const service = createAzureService(name, args, { ...serviceOpts, providers: [provider] });
            endpoints.set(name, service.endpoint);
            trackOutputs.set(name, service.tracks);
            return service;
        },
    };
}
