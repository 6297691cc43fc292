import * as web from "@pulumi/azure-native/web";
import * as pulumi from "@pulumi/pulumi";
import { Tracks } from "../contract";
import { Artifact, imageRef } from "../release/artifact";
import { Color } from "../release/blue-green";
import { ReleaseState, liveArtifact } from "../release/release-state";
import type { RouterDescriptorInput } from "../release/router-descriptor";
import { PlannedTrack, planTraffic } from "../release/traffic-plan";
import { ShipgateServiceBase } from "../service-base";
import { WebAppServiceArgs, resolveWebAppArgs } from "./args";
import { AzureTrackStatus } from "./metrics";

export const WEB_APP_SERVICE_TYPE = "shipgate:azure:WebAppService";

/** App settings that stay with their slot when slots swap (sticky): who the slot is. */
export const STICKY_SETTINGS = ["OTEL_SERVICE_NAME", "SHIPGATE_SLOT"] as const;

/** The host name App Service gives a slot: `<site>-<slot>.azurewebsites.net`. */
export function slotHostName(appName: string, slot: string): string {
    return `${appName}-${slot}.azurewebsites.net`;
}

/** A Key Vault reference as an app setting value. */
export function keyVaultReference(vault: string, secret: string): string {
    return `@Microsoft.KeyVault(VaultName=${vault};SecretName=${secret})`;
}

/**
 * The production site's ramp-up rule for a canary: `reroutePercentage` of production traffic goes
 * to the staging slot (App Service pins a client to its side with the `x-ms-routing-name` cookie).
 */
export function rampUpRules(appName: string, slot: string, canary: PlannedTrack | undefined): { name: string; actionHostName: string; reroutePercentage: number }[] {
    return canary && canary.weight > 0 ? [{ name: slot, actionHostName: slotHostName(appName, slot), reroutePercentage: canary.weight }] : [];
}

/**
 * A service on Azure App Service (a Linux container site) with a production and a staging slot:
 * - production runs the primary (the stable track, the active color), the staging slot the
 *   candidate (the canary, the idle color) or, with none, the primary again as a warm standby;
 * - a canary's share is the production site's ramp-up rule (`siteConfig.experiments.rampUpRules`)
 *   to the staging slot, in percent;
 * - blue-green: the staging slot's URL is the preview; the switch is a slot swap, an action (not
 *   a resource) the release engine performs through the Azure SDK before it applies the switched
 *   state (the router descriptor says `switching: "swap"`): the images this component then
 *   declares are the ones the swap put in place, so the `up` changes none;
 * - `OTEL_SERVICE_NAME` and `SHIPGATE_SLOT` are sticky slot settings, so metrics and logs say
 *   which slot served a request whatever was swapped; health checks on the health path.
 * `endpoint` is the production site (`https://<app>.azurewebsites.net`), `previewEndpoint` the
 * staging slot while it runs a candidate to preview.
 */
export class WebAppService extends ShipgateServiceBase {
    public readonly weight: pulumi.Output<number>;
    public readonly activeColor: pulumi.Output<Color | undefined>;
    public readonly appName: pulumi.Output<string>;
    /** The slot a swap exchanges with production (undefined for a rolling release). */
    public readonly slotName: pulumi.Output<string | undefined>;

    constructor(name: string, args: WebAppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveWebAppArgs(name, args);
        super(WEB_APP_SERVICE_TYPE, name, resolved, opts);
        const { service, settings } = resolved;
        const release: ReleaseState = service.release;
        const plan = planTraffic(release, service.replicas);
        const appName = settings.appName;
        const slotName = settings.slotName;
        const hasSlot = release.strategy !== "rolling";
        const candidate = plan.candidate;
        const tags = { ...resolved.tags, "shipgate:service": name };
        const location = resolved.location !== undefined ? { location: resolved.location } : {};

        const serverFarmId =
            resolved.serverFarmId ??
            new web.AppServicePlan(
                `${name}-plan`,
                {
                    resourceGroupName: resolved.resourceGroupName,
                    ...location,
                    kind: "linux",
                    reserved: true,
                    sku: { name: settings.sku, capacity: service.replicas },
                    tags,
                },
                { parent: this },
            ).id;

        // One user-assigned identity may serve both Key Vault and the registry: list it once.
        const identities = [resolved.keyVaultIdentity, resolved.registry?.identity].filter(
            (i, index, all): i is pulumi.Input<string> => i !== undefined && (typeof i !== "string" || all.indexOf(i) === index),
        );
        const siteBase = {
            resourceGroupName: resolved.resourceGroupName,
            ...location,
            kind: "app,linux,container",
            serverFarmId,
            httpsOnly: true,
            ...(identities.length ? { identity: { type: "UserAssigned" as const, userAssignedIdentities: identities } } : {}),
            ...(resolved.keyVaultIdentity !== undefined ? { keyVaultReferenceIdentity: resolved.keyVaultIdentity } : {}),
            tags,
        };
        const siteConfig = (artifact: Artifact, roleName: string, slot: string) => ({
            linuxFxVersion: `DOCKER|${imageRef(service.image, artifact)}`,
            healthCheckPath: service.healthPath,
            alwaysOn: true,
            http20Enabled: true,
            minTlsVersion: "1.2",
            ftpsState: "Disabled",
            ...(resolved.registry
                ? { acrUseManagedIdentityCreds: true, ...(resolved.registry.identityClientId !== undefined ? { acrUserManagedIdentityID: resolved.registry.identityClientId } : {}) }
                : {}),
            appSettings: this.appSettings(resolved, artifact, roleName, slot),
        });

        const webApp = new web.WebApp(
            name,
            {
                ...siteBase,
                name: appName,
                siteConfig: {
                    ...siteConfig(plan.primary.artifact, appName, "production"),
                    experiments: { rampUpRules: release.strategy === "canary" ? rampUpRules(appName, slotName, candidate) : [] },
                },
            },
            { parent: this },
        );

        let slot: web.WebAppSlot | undefined;
        // The staging slot runs the candidate, else the primary as a warm standby; a scaled-down idle color is stopped.
        const slotTrack = candidate ?? plan.primary;
        const slotRunning = !(release.strategy === "blueGreen" && candidate && candidate.replicas === 0);
        if (hasSlot) {
            slot = new web.WebAppSlot(
                `${name}-${slotName}`,
                {
                    ...siteBase,
                    name: webApp.name,
                    slot: slotName,
                    enabled: slotRunning,
                    siteConfig: siteConfig(slotTrack.artifact, `${appName}-${slotName}`, slotName),
                },
                { parent: this },
            );
            new web.WebAppSlotConfigurationNames(
                `${name}-sticky`,
                { name: webApp.name, resourceGroupName: resolved.resourceGroupName, appSettingNames: [...STICKY_SETTINGS] },
                { parent: this },
            );
        }

        const productionUrl = webApp.defaultHostName.apply((h) => `https://${h ?? `${appName}.azurewebsites.net`}`);
        const slotUrl = slot ? slot.defaultHostName.apply((h) => `https://${h ?? slotHostName(appName, slotName)}`) : undefined;
        this.weight = pulumi.output(release.strategy === "canary" ? (candidate?.weight ?? 0) : 0);
        this.activeColor = pulumi.output(release.strategy === "blueGreen" ? release.active : undefined);
        this.appName = pulumi.output(appName);
        this.slotName = pulumi.output(hasSlot ? slotName : undefined);
        this.publish(
            {
                strategy: pulumi.output(release.strategy),
                version: pulumi.output(liveArtifact(release).version),
                endpoint: productionUrl,
                previewEndpoint: plan.preview && slotUrl ? slotUrl : pulumi.output(undefined),
                tracks: pulumi
                    .all([productionUrl, slotUrl ?? pulumi.output(undefined), webApp.id, slot ? slot.id : pulumi.output(undefined)])
                    .apply(([prodUrl, stagingUrl, siteId, slotId]) => {
                        const out: Record<string, AzureTrackStatus> = {};
                        for (const t of plan.tracks) {
                            const inProduction = t.role === "primary";
                            out[t.name] = {
                                version: t.artifact.version,
                                image: imageRef(service.image, t.artifact),
                                // Slots run on every instance of the plan.
                                replicas: inProduction || slotRunning ? service.replicas : 0,
                                weight: t.weight,
                                endpoint: inProduction ? prodUrl : (stagingUrl ?? prodUrl),
                                azureMonitor: inProduction
                                    ? { kind: "appService", resourceId: siteId, roleName: appName }
                                    : { kind: "appService", resourceId: slotId ?? siteId, roleName: `${appName}-${slotName}` },
                            };
                        }
                        return out as Tracks;
                    }),
                // A rolling release has no slot: the descriptor still names the configured one, switching "none".
                router: pulumi.output(resolved.resourceGroupName).apply(
                    (resourceGroup): RouterDescriptorInput => ({
                        kind: "appService",
                        ...(resolved.subscriptionId ? { subscriptionId: resolved.subscriptionId } : {}),
                        resourceGroup,
                        app: appName,
                        slot: slotName,
                        slots: Object.fromEntries(plan.tracks.map((t) => [t.name, t.role === "primary" ? "production" : slotName])),
                        versions: Object.fromEntries(plan.tracks.map((t) => [t.name, t.artifact.version])),
                        switching: release.strategy === "blueGreen" ? "swap" : release.strategy === "canary" ? "rampUp" : "none",
                    }),
                ),
            },
            { weight: this.weight, activeColor: this.activeColor, appName: this.appName, slotName: this.slotName },
        );
    }

    /**
     * A site's app settings, sorted: the container port, env, links, Key Vault references for
     * secretEnv, and who the slot is (sticky) and what it runs (swaps with the content).
     */
    private appSettings(resolved: ReturnType<typeof resolveWebAppArgs>, artifact: Artifact, roleName: string, slot: string): pulumi.Output<{ name: string; value: string }[]> {
        const { service } = resolved;
        return pulumi.all(Object.entries(resolved.links).map(([k, v]) => pulumi.all([k, v]))).apply((links) =>
            Object.entries({
                ...service.env,
                ...Object.fromEntries(links),
                ...Object.fromEntries(Object.entries(service.secretEnv).map(([k, ref]) => [k, keyVaultReference(ref.secretName, ref.key)])),
                WEBSITES_PORT: String(service.port),
                OTEL_SERVICE_NAME: roleName,
                SHIPGATE_SLOT: slot,
                SHIPGATE_VERSION: artifact.version,
            })
                .map(([name, value]) => ({ name, value }))
                .sort((a, b) => a.name.localeCompare(b.name)),
        );
    }
}
