import { z } from "zod";
import { AZURE_COMPUTE_KINDS } from "../../../components/azure/compute-kinds";

const resourceId = (what: string, type: string) =>
    z.string().regex(/^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\//, {
        error: `${what} is an Azure resource ID (/subscriptions/<id>/resourceGroups/<group>/providers/${type}/<name>)`,
    });

/** Per service: how it runs on Azure, and what only it needs. */
export const AzureServiceSettingsSchema = z
    .object({
        /** containerApp (revisions) or appService (a site with a staging slot). */
        kind: z.enum(AZURE_COMPUTE_KINDS, { error: `kind is one of ${AZURE_COMPUTE_KINDS.join(", ")}` }).default("containerApp"),
        /** The Container App's or site's name (a site's is global: `<name>.azurewebsites.net`); default: `<project>-<stack>-<service>` for sites, the service's name for apps. */
        appName: z.string().min(2).optional(),
        /** containerApp: reachable from the internet (default) or only inside the environment. */
        external: z.boolean().optional(),
        maxReplicas: z.number().int().min(1).max(1000).optional(),
        /** appService: the staging slot's name (default "staging"). */
        slotName: z.string().optional(),
    })
    .strict();

/**
 * How the stack reaches Azure. The azure-native provider takes credentials from the Azure CLI
 * login, or ARM_CLIENT_ID/ARM_CLIENT_SECRET (or ARM_USE_OIDC in CI, ARM_USE_MSI on a managed
 * identity) with ARM_TENANT_ID and ARM_SUBSCRIPTION_ID; this block says where services run.
 */
export const AzurePlatformSchema = z
    .object({
        /** The subscription (ARM_SUBSCRIPTION_ID or the CLI's default otherwise). */
        subscriptionId: z.string().regex(/^[0-9a-fA-F-]{36}$/, { error: "subscriptionId is a GUID" }).optional(),
        location: z.string().regex(/^[a-z0-9]+$/, { error: 'location is an Azure region name such as "westeurope"' }),
        /** The resource group every service lives in (it must exist). */
        resourceGroupName: z.string().min(1).max(90),
        /** Container Apps: the environment's resource ID. */
        containerAppsEnvironmentId: resourceId("containerAppsEnvironmentId", "Microsoft.App/managedEnvironments").optional(),
        /** App Service: a shared plan (Standard tier or higher), else one plan per service with `appServiceSku`. */
        appServicePlanId: resourceId("appServicePlanId", "Microsoft.Web/serverfarms").optional(),
        appServiceSku: z.string().default("P1v3"),
        /** The user-assigned identity that reads Key Vault secrets (secretEnv: vault name / secret name). */
        keyVaultIdentity: resourceId("keyVaultIdentity", "Microsoft.ManagedIdentity/userAssignedIdentities").optional(),
        /** A registry pulled with a user-assigned identity (AcrPull). */
        registry: z
            .object({
                server: z.string().min(1),
                identity: resourceId("registry.identity", "Microsoft.ManagedIdentity/userAssignedIdentities"),
                identityClientId: z.string().regex(/^[0-9a-fA-F-]{36}$/).optional(),
            })
            .strict()
            .optional(),
        /** Where the release engine reads metrics: the region's metrics endpoint and the Application Insights workspace (p95). */
        monitor: z
            .object({
                metricsEndpoint: z.url({ protocol: /^https$/ }).optional(),
                workspaceId: z.string().min(1).optional(),
            })
            .strict()
            .prefault({}),
        services: z.record(z.string(), AzureServiceSettingsSchema).default({}),
    })
    .strict()
    .superRefine((azure, ctx) => {
        const kinds = Object.values(azure.services).map((s) => s.kind);
        if ((kinds.length === 0 || kinds.includes("containerApp")) && !azure.containerAppsEnvironmentId) {
            ctx.addIssue({
                code: "custom",
                path: ["containerAppsEnvironmentId"],
                message: "Container Apps services need the environment: set containerAppsEnvironmentId (or give every service kind: appService)",
            });
        }
    });

export type AzurePlatformConfig = z.output<typeof AzurePlatformSchema>;
