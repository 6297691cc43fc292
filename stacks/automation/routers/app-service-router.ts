import { type RampUpRule, WebSiteManagementClient } from "@azure/arm-appservice";
import { DescriptorOf } from "../../../components/release";
import { swapSlots } from "./app-service-slot-swap";
import { AzureAccess, CallFailure, azureAccess, azureRouterError, sharedTargets } from "./cloud-access";
import { Router, RouterContext, RouterError, RouterReading, TrackWeights, checkWeights } from "./router";

/** The app setting that says which release version a slot runs (the Azure App Service component writes it). */
export const VERSION_SETTING = "SHIPGATE_VERSION";

/**
 * A slot's default host name, as the Azure App Service component (`slotHostName`) makes it
 * (not imported: that module loads @pulumi/azure-native).
 */
const slotHost = (app: string, slot: string) => `${app}-${slot}.azurewebsites.net`;

/**
 * An App Service site with one deployment slot. `rampUp` (canary): the production site's ramp-up
 * rule to the slot carries the candidate's share. `swap` (blue-green): traffic is all on whichever
 * version runs in production, and moving it is a slot swap. `none` (rolling): production takes all.
 */
export class AppServiceRouter implements Router {
    readonly kind = "appService";
    readonly switchesByAction: boolean;
    readonly name: string;
    private readonly access: AzureAccess;
    private readonly client: WebSiteManagementClient;

    constructor(
        private readonly descriptor: DescriptorOf<"appService">,
        context: RouterContext,
        private readonly pollIntervalMs = 5000,
    ) {
        this.name = `app service ${descriptor.resourceGroup}/${descriptor.app}`;
        this.switchesByAction = descriptor.switching === "swap";
        this.access = azureAccess(this.name, descriptor.subscriptionId, context);
        this.client = new WebSiteManagementClient(this.access.credential, this.access.subscriptionId, this.access.options);
    }

    async readWeights(signal?: AbortSignal): Promise<RouterReading> {
        const { switching, versions } = this.descriptor;
        if (switching === "rampUp") return this.readRampUp(signal);
        if (switching === "swap" && sharedTargets(versions)) return { supported: false, reason: `${sharedTargets(versions)}: a swap would change nothing users see` };
        const production = await this.runningVersion("production", signal);
        const tracks = Object.keys(versions);
        const problems: string[] = [];
        if (switching === "none") {
            // One site, one track: it takes all; the read-back checks the rolling update reached it.
            const track = this.onSide("production")[0] ?? tracks[0];
            if (production !== versions[track]) problems.push(`production runs ${production ?? `no ${VERSION_SETTING}`}, the release says ${versions[track]} (track ${track})`);
            return { supported: true, weights: Object.fromEntries(tracks.map((t) => [t, t === track ? 100 : 0])), problems };
        }
        const active = tracks.find((t) => versions[t] === production);
        if (!active) problems.push(`production runs ${production ?? `no ${VERSION_SETTING} app setting`}, which no track runs (${this.versionList()})`);
        return { supported: true, weights: Object.fromEntries(tracks.map((t) => [t, t === active ? 100 : 0])), problems };
    }

    async setWeights(weights: TrackWeights, signal?: AbortSignal): Promise<void> {
        const { switching, versions, slot } = this.descriptor;
        checkWeights(this.name, weights, Object.keys(versions));
        if (switching === "rampUp") return this.setRampUp(weights, signal);
        const target = Object.keys(weights).find((t) => weights[t] === 100);
        if (!target) {
            const why = switching === "swap" ? "a slot swap moves all traffic at once" : "a rolling release runs one slot";
            throw new RouterError(this.name, `${why}: one track takes 100%, got ${Object.entries(weights).map(([t, w]) => `${t} ${w}%`).join(", ")}`);
        }
        const [production, inSlot] = await Promise.all([this.runningVersion("production", signal), switching === "swap" ? this.runningVersion(slot, signal) : undefined]);
        if (versions[target] === production) return; // already in place: nothing to swap
        if (switching === "none") throw new RouterError(this.name, `a rolling release has no slot to switch to: ${target} (${versions[target]}) is not in production (${production})`);
        if (versions[target] !== inSlot) {
            throw new RouterError(this.name, `track ${target} runs ${versions[target]}, which is neither in production (${production}) nor in slot ${slot} (${inSlot}): \`pulumi up\` deploys it to the slot first`);
        }
        const swapTarget = { subscriptionId: this.access.subscriptionId, resourceGroup: this.descriptor.resourceGroup, app: this.descriptor.app, slot };
        try {
            await swapSlots(swapTarget, this.access.credential, signal, { endpoint: this.access.options.endpoint as string | undefined, pollIntervalMs: this.pollIntervalMs, clientOptions: this.access.options });
        } catch (err) {
            if (signal?.aborted) {
                throw new RouterError(this.name, `swapping ${slot} into production: cancelled while waiting (the swap may still complete in Azure: read the weights before retrying)`, err);
            }
            const failure = { asked: `swapping ${slot} into production`, permission: "Microsoft.Web/sites/slotsswap/action", resource: this.siteId() };
            throw azureRouterError(this.name, failure, err, signal);
        }
    }

    private async readRampUp(signal?: AbortSignal): Promise<RouterReading> {
        const sides = this.sides();
        if (typeof sides === "string") return { supported: false, reason: sides };
        const rules = await this.rampUpRules(signal);
        const rule = this.slotRule(rules);
        const share = sides.slot ? (rule?.reroutePercentage ?? 0) : 0;
        const problems = rules
            .filter((r) => r !== rule && (r.reroutePercentage ?? 0) > 0)
            .map((r) => `ramp-up rule ${r.name ?? "(unnamed)"} sends ${r.reroutePercentage}% to ${r.actionHostName}, which no track runs`);
        const weights = Object.fromEntries(Object.keys(this.descriptor.versions).map((t) => [t, t === sides.slot ? share : t === sides.production ? 100 - share : 0]));
        return { supported: true, weights, problems };
    }

    private async setRampUp(weights: TrackWeights, signal?: AbortSignal): Promise<void> {
        const sides = this.sides();
        if (typeof sides === "string") throw new RouterError(this.name, sides);
        const carrying = Object.keys(weights).filter((t) => weights[t] > 0 && t !== sides.production && t !== sides.slot);
        if (carrying.length) throw new RouterError(this.name, `track ${carrying.join(", ")} runs in neither production nor slot ${this.descriptor.slot}`);
        const share = sides.slot ? (weights[sides.slot] ?? 0) : 0;
        const rules = await this.rampUpRules(signal);
        const rule = this.slotRule(rules);
        const { app, slot } = this.descriptor;
        // One rule per slot, as the component declares it; at 0% the rule goes, as the component drops it.
        // Other fields of the rule (an automatic ramp's step and bounds) stay as they were.
        const next: RampUpRule[] = rules.filter((r) => r !== rule);
        if (share > 0) next.push({ ...(rule ?? { name: slot, actionHostName: slotHost(app, slot) }), reroutePercentage: share });
        const failure: CallFailure = { asked: `setting the ramp-up rule to slot ${slot}`, permission: "Microsoft.Web/sites/config/write", resource: this.siteId() };
        try {
            // PATCH of config/web: only `experiments` is sent, the rest of the site's config stays.
            await this.client.webApps.updateConfiguration(this.descriptor.resourceGroup, app, { experiments: { rampUpRules: next } }, { abortSignal: signal });
        } catch (err) {
            throw azureRouterError(this.name, failure, err, signal);
        }
    }

    /** The one track in production and the one in the slot, or why there is not. */
    private sides(): { production?: string; slot?: string } | string {
        const production = this.onSide("production");
        const slot = this.onSide(this.descriptor.slot);
        const both = [production, slot].find((side) => side.length > 1);
        if (both) return `tracks ${both.join(" and ")} run in one slot, so their shares cannot be told apart`;
        return { production: production[0], slot: slot[0] };
    }

    private onSide(slot: string): string[] {
        return Object.entries(this.descriptor.slots)
            .filter(([, s]) => s.toLowerCase() === slot.toLowerCase())
            .map(([t]) => t);
    }

    private slotRule(rules: RampUpRule[]): RampUpRule | undefined {
        const { app, slot } = this.descriptor;
        const host = slotHost(app, slot).toLowerCase();
        // By host first; by name for sites whose slot hosts are not *.azurewebsites.net (an App Service Environment).
        return rules.find((r) => r.actionHostName?.toLowerCase() === host) ?? rules.find((r) => r.name?.toLowerCase() === slot.toLowerCase());
    }

    private async rampUpRules(signal?: AbortSignal): Promise<RampUpRule[]> {
        const failure = { asked: "reading the site's ramp-up rules", permission: "Microsoft.Web/sites/config/read", resource: this.siteId() };
        try {
            const config = await this.client.webApps.getConfiguration(this.descriptor.resourceGroup, this.descriptor.app, { abortSignal: signal });
            return config.experiments?.rampUpRules ?? [];
        } catch (err) {
            throw azureRouterError(this.name, failure, err, signal);
        }
    }

    /** The version a slot's SHIPGATE_VERSION app setting names (it swaps with the content). */
    private async runningVersion(slot: string, signal?: AbortSignal): Promise<string | undefined> {
        const { resourceGroup, app } = this.descriptor;
        const production = slot.toLowerCase() === "production";
        const failure = {
            asked: `reading the app settings of ${production ? "production" : `slot ${slot}`}`,
            permission: production ? "Microsoft.Web/sites/config/list/action" : "Microsoft.Web/sites/slots/config/list/action",
            resource: production ? this.siteId() : `${this.siteId()}/slots/${slot}`,
        };
        try {
            const settings = production
                ? await this.client.webApps.listApplicationSettings(resourceGroup, app, { abortSignal: signal })
                : await this.client.webApps.listApplicationSettingsSlot(resourceGroup, app, slot, { abortSignal: signal });
            // Only this one setting is kept: the others may hold secrets.
            return settings.properties?.[VERSION_SETTING];
        } catch (err) {
            throw azureRouterError(this.name, failure, err, signal);
        }
    }

    private siteId(): string {
        return `/subscriptions/${this.access.subscriptionId}/resourceGroups/${this.descriptor.resourceGroup}/providers/Microsoft.Web/sites/${this.descriptor.app}`;
    }

    private versionList(): string {
        return Object.entries(this.descriptor.versions)
            .map(([t, v]) => `${t} ${v}`)
            .join(", ");
    }
}
