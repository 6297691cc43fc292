import type * as azureComponents from "../../../components/azure";
import type { ContainerAppServiceArgs, WebAppServiceArgs } from "../../../components/azure/args";
import type { ReleaseStateInput } from "../../../components/release/release-state";
import type { ServiceSpecInput } from "../../../components/release/service-spec";
import { installCloudMocks } from "../helpers/cloud-mocks";
export { resetCloud as freshStack } from "../helpers/cloud-mocks";
import { findResource } from "../helpers/pulumi-mocks";
export { build } from "../helpers/pulumi-mocks";

export const T = {
    containerApp: "azure-native:app:ContainerApp",
    webApp: "azure-native:web:WebApp",
    webAppSlot: "azure-native:web:WebAppSlot",
    slotConfigNames: "azure-native:web:WebAppSlotConfigurationNames",
    plan: "azure-native:web:AppServicePlan",
    revisionLedger: "pulumi-nodejs:dynamic/shipgate:RevisionLedger",
    containerAppComponent: "shipgate:azure:ContainerAppService",
    webAppComponent: "shipgate:azure:WebAppService",
} as const;

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const ENVIRONMENT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/shop-production/providers/Microsoft.App/managedEnvironments/shop`;
export const IDENTITY = `/subscriptions/${SUBSCRIPTION}/resourceGroups/shop-production/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-backend`;
export const IMAGE = "acme.azurecr.io/shop-backend";
export const DOMAIN = "kindhill-1234abcd.westeurope.azurecontainerapps.io";

export function serviceSpec<R extends ReleaseStateInput>(release: R, overrides: Partial<ServiceSpecInput> = {}): Omit<ServiceSpecInput, "release"> & { release: R } {
    return {
        image: IMAGE,
        port: 8080,
        replicas: 3,
        healthPath: "/health",
        resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        env: { LOG_FORMAT: "json" },
        secretEnv: { DATABASE_URL: { secretName: "shop-vault", key: "backend-db-url" } },
        ...overrides,
        release,
    };
}

export function containerAppArgs<R extends ReleaseStateInput>(release: R, overrides: Partial<ContainerAppServiceArgs> = {}, spec: Partial<ServiceSpecInput> = {}): ContainerAppServiceArgs<R> {
    return {
        service: serviceSpec(release, spec),
        resourceGroupName: "shop-production",
        environmentId: ENVIRONMENT_ID,
        keyVaultIdentity: IDENTITY,
        registry: { server: "acme.azurecr.io", identity: IDENTITY },
        ...overrides,
    } as ContainerAppServiceArgs<R>;
}

export function webAppArgs<R extends ReleaseStateInput>(release: R, overrides: Partial<WebAppServiceArgs> = {}, spec: Partial<ServiceSpecInput> = {}): WebAppServiceArgs<R> {
    return {
        service: serviceSpec(release, spec),
        resourceGroupName: "shop-production",
        appName: "acme-shop-backend",
        keyVaultIdentity: IDENTITY,
        ...overrides,
    } as WebAppServiceArgs<R>;
}

let components: typeof azureComponents | undefined;

export async function loadAzure(): Promise<typeof azureComponents> {
    await installCloudMocks();
    components ??= await import("../../../components/azure");
    return components;
}

/** The Container App's traffic as [revision, weight, label]. */
export function traffic(): [string, number, string][] {
    return findResource(T.containerApp, "backend").inputs.configuration.ingress.traffic.map((t: { revisionName: string; weight: number; label: string }) => [
        t.revisionName,
        t.weight,
        t.label,
    ]);
}

/** The Container App's template revision suffix and image. */
export function template(): { suffix: string; image: string } {
    const tpl = findResource(T.containerApp, "backend").inputs.template;
    return { suffix: tpl.revisionSuffix, image: tpl.containers[0].image };
}
