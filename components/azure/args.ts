import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { InputProblem, InvalidInputError, problemsFromZod } from "../release/errors";
import { ReleaseState, ReleaseStateInput } from "../release/release-state";
import { ServiceSpec, ServiceSpecInput, ServiceSpecSchema } from "../release/service-spec";
import { environmentProblems, rollingBatchProblems } from "../release/spec-problems";

/** A service spec whose release is of one strategy. */
export type ServiceInputOf<R extends ReleaseStateInput> = Omit<ServiceSpecInput, "release"> & { readonly release: R };

/** Container App names: 2-32 lower-case letters, digits and "-", starting with a letter, not ending with "-", no "--". */
export const CONTAINER_APP_NAME = /^[a-z](?!.*--)[a-z0-9-]{0,30}[a-z0-9]$/;
/** App Service site names: 2-60 letters, digits and "-" (the slot's host name adds `-<slot>`, 63 at most in DNS). */
export const WEB_APP_NAME = /^[a-z0-9](?!.*--)[a-z0-9-]{0,48}[a-z0-9]$/;
/** Slot names: letters, digits, "-". */
export const SLOT_NAME = /^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/;
/** Key Vault names: 3-24 letters, digits, "-"; secret names: letters, digits, "-". */
const VAULT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const VAULT_SECRET = /^[a-zA-Z0-9-]{1,127}$/;

/** A registry to pull images from with a managed identity (ACR); public images need none. */
export interface RegistryArgs {
    /** e.g. "acme.azurecr.io" */
    readonly server: string;
    /** The resource ID of a user-assigned identity with AcrPull on the registry. */
    readonly identity: pulumi.Input<string>;
    /** That identity's client ID (App Service takes the client ID, Container Apps the resource ID). */
    readonly identityClientId?: pulumi.Input<string>;
}

/** What both Azure components share. */
export interface AzureServiceBaseArgs<R extends ReleaseStateInput = ReleaseStateInput> {
    readonly service: ServiceInputOf<R>;
    readonly resourceGroupName: pulumi.Input<string>;
    /** The subscription, for actions the release engine performs through ARM (a slot swap). */
    readonly subscriptionId?: string;
    /** Default: the resource group's location. */
    readonly location?: pulumi.Input<string>;
    /**
     * The resource ID of the user-assigned identity that reads `secretEnv` from Key Vault. On
     * Azure a secret reference's `secretName` is the vault's name and `key` the secret's name.
     */
    readonly keyVaultIdentity?: pulumi.Input<string>;
    readonly registry?: RegistryArgs;
    readonly links?: Readonly<Record<string, pulumi.Input<string>>>;
    readonly tags?: Readonly<Record<string, string>>;
}

export interface ContainerAppServiceArgs<R extends ReleaseStateInput = ReleaseStateInput> extends AzureServiceBaseArgs<R> {
    /** The Container Apps environment's resource ID. */
    readonly environmentId: pulumi.Input<string>;
    /** The app's name (default: the component's name); revisions are `<app>--<suffix>`. */
    readonly appName?: string;
    /** Reachable from the internet (default) or only inside the environment's network. */
    readonly external?: boolean;
    /** Autoscaling ceiling per revision (default: twice `replicas`). */
    readonly maxReplicas?: number;
    /** Inactive revisions kept for reactivation (default 20). */
    readonly maxInactiveRevisions?: number;
}

export interface WebAppServiceArgs<R extends ReleaseStateInput = ReleaseStateInput> extends AzureServiceBaseArgs<R> {
    /** The site's name, unique across Azure (`<name>.azurewebsites.net`); default: the component's name. */
    readonly appName?: string;
    /** An existing App Service plan (Standard tier or higher: slots), else one is created with `sku`. */
    readonly serverFarmId?: pulumi.Input<string>;
    /** The plan's SKU when shipgate creates it (default "P1v3"); its capacity is `replicas`. */
    readonly sku?: string;
    /** The staging slot's name (default "staging"). */
    readonly slotName?: string;
}

export const ContainerAppSettingsSchema = z.object({
    appName: z
        .string()
        .regex(CONTAINER_APP_NAME, { error: 'appName is 2-32 lower-case letters, digits and "-", starting with a letter, no "--", e.g. "backend"' }),
    external: z.boolean().default(true),
    maxReplicas: z.number().int().min(1).max(1000).optional(),
    maxInactiveRevisions: z.number().int().min(0).max(100).default(20),
});

export const WebAppSettingsSchema = z.object({
    appName: z
        .string()
        .regex(WEB_APP_NAME, { error: 'appName is 2-50 lower-case letters, digits and "-", unique across Azure, e.g. "acme-shop-backend"' }),
    sku: z.string().regex(/^[A-Z][A-Za-z0-9]+$/, { error: 'sku is an App Service plan SKU such as "P1v3" or "S1"' }).default("P1v3"),
    slotName: z.string().regex(SLOT_NAME, { error: 'slotName is lower-case letters, digits and "-", e.g. "staging"' }).default("staging"),
});

export type ContainerAppSettings = z.output<typeof ContainerAppSettingsSchema>;
export type WebAppSettings = z.output<typeof WebAppSettingsSchema>;

/** Slots need Standard tier or higher: Free, Shared and Basic plans have none. */
export function slotCapableSku(sku: string): boolean {
    return !/^(F|D|B)\d/.test(sku);
}

export interface ResolvedAzureArgs<S extends ReleaseState = ReleaseState> {
    readonly service: ServiceSpec & { readonly release: S };
    readonly resourceGroupName: pulumi.Input<string>;
    readonly subscriptionId?: string;
    readonly location?: pulumi.Input<string>;
    readonly keyVaultIdentity?: pulumi.Input<string>;
    readonly registry?: RegistryArgs;
    readonly links: Readonly<Record<string, pulumi.Input<string>>>;
    readonly tags: Readonly<Record<string, string>>;
}

function missing(value: unknown): boolean {
    return value === undefined || value === null || value === "";
}

/** Problems every Azure component checks: the spec, the environment, Key Vault references, the resource group. */
export function baseProblems(args: AzureServiceBaseArgs | undefined): { problems: InputProblem[]; service?: ServiceSpec } {
    const problems: InputProblem[] = [];
    const links = args?.links ?? {};
    const parsed = ServiceSpecSchema.safeParse(args?.service);
    let service: ServiceSpec | undefined;
    if (!parsed.success) {
        problems.push(...problemsFromZod(parsed.error, "service"));
    } else {
        service = parsed.data;
        problems.push(...environmentProblems(service, links), ...rollingBatchProblems(service, "azure"));
        for (const [key, ref] of Object.entries(service.secretEnv)) {
            if (!VAULT_NAME.test(ref.secretName)) {
                problems.push({
                    path: `service.secretEnv.${key}.secretName`,
                    message: `"${ref.secretName}" is not a Key Vault name: on Azure, secretName is the vault's name (3-24 letters, digits, "-") and key the secret's name in it`,
                });
            }
            if (!VAULT_SECRET.test(ref.key)) {
                problems.push({ path: `service.secretEnv.${key}.key`, message: `"${ref.key}" is not a Key Vault secret name: use letters, digits and "-"` });
            }
        }
        if (Object.keys(service.secretEnv).length > 0 && missing(args?.keyVaultIdentity)) {
            problems.push({
                path: "keyVaultIdentity",
                message: "secretEnv reads Key Vault, which needs an identity: set keyVaultIdentity to the resource ID of a user-assigned identity with the Key Vault Secrets User role",
            });
        }
    }
    if (missing(args?.resourceGroupName)) {
        problems.push({ path: "resourceGroupName", message: "resourceGroupName is missing: set the resource group the service lives in" });
    }
    if (args?.registry && (missing(args.registry.server) || missing(args.registry.identity))) {
        problems.push({ path: "registry", message: "registry needs server (e.g. \"acme.azurecr.io\") and identity (a user-assigned identity with AcrPull)" });
    }
    return { problems, service };
}

export function resolvedBase<S extends ReleaseState>(args: AzureServiceBaseArgs, service: ServiceSpec): ResolvedAzureArgs<S> {
    return {
        service: service as ServiceSpec & { release: S },
        resourceGroupName: args.resourceGroupName,
        ...(args.subscriptionId !== undefined ? { subscriptionId: args.subscriptionId } : {}),
        ...(args.location !== undefined ? { location: args.location } : {}),
        ...(args.keyVaultIdentity !== undefined ? { keyVaultIdentity: args.keyVaultIdentity } : {}),
        ...(args.registry !== undefined ? { registry: args.registry } : {}),
        links: { ...(args.links ?? {}) },
        tags: { ...(args.tags ?? {}) },
    };
}

export function resolveContainerAppArgs(name: string, args: ContainerAppServiceArgs): ResolvedAzureArgs & { readonly settings: ContainerAppSettings; readonly environmentId: pulumi.Input<string> } {
    const { problems, service } = baseProblems(args);
    const settings = ContainerAppSettingsSchema.safeParse({
        appName: args?.appName ?? name,
        external: args?.external,
        maxReplicas: args?.maxReplicas,
        maxInactiveRevisions: args?.maxInactiveRevisions,
    });
    if (!settings.success) {
        problems.push(...problemsFromZod(settings.error).map((p) => (p.path === "appName" && args?.appName === undefined ? { path: "name", message: `"${name}" cannot name a Container App: ${p.message.replace(/^appName is/, "use")}, or set appName` } : p)));
    }
    if (missing(args?.environmentId)) {
        problems.push({ path: "environmentId", message: "environmentId is missing: set the resource ID of the Container Apps environment" });
    }
    if (service && typeof args?.maxReplicas === "number" && args.maxReplicas < service.replicas) {
        problems.push({ path: "maxReplicas", message: `maxReplicas (${args.maxReplicas}) is below replicas (${service.replicas}): raise it or lower replicas` });
    }
    if (problems.length || !service || !settings.success) {
        throw new InvalidInputError(`ContainerAppService "${name}"`, problems);
    }
    return { ...resolvedBase(args, service), settings: settings.data, environmentId: args.environmentId };
}

export function resolveWebAppArgs(name: string, args: WebAppServiceArgs): ResolvedAzureArgs & { readonly settings: WebAppSettings; readonly serverFarmId?: pulumi.Input<string> } {
    const { problems, service } = baseProblems(args);
    const settings = WebAppSettingsSchema.safeParse({ appName: args?.appName ?? name, sku: args?.sku, slotName: args?.slotName });
    if (!settings.success) {
        problems.push(...problemsFromZod(settings.error));
    } else if (!args?.serverFarmId && !slotCapableSku(settings.data.sku)) {
        problems.push({
            path: "sku",
            message: `the ${settings.data.sku} plan has no deployment slots, which blue-green and canary need: use Standard tier or higher, e.g. "S1" or "P1v3"`,
        });
    }
    if (service && service.release.strategy === "rolling" && args?.slotName !== undefined) {
        problems.push({ path: "slotName", message: "a rolling release has no staging slot: remove slotName" });
    }
    if (problems.length || !service || !settings.success) {
        throw new InvalidInputError(`WebAppService "${name}"`, problems);
    }
    return { ...resolvedBase(args, service), settings: settings.data, ...(args.serverFarmId !== undefined ? { serverFarmId: args.serverFarmId } : {}) };
}
