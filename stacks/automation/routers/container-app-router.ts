import { type ContainerApp, ContainerAppsAPIClient, type TrafficWeight } from "@azure/arm-appcontainers";
import { DescriptorOf } from "../../../components/release";
import { AzureAccess, CallFailure, azureAccess, azureRouterError, sharedTargets } from "./cloud-access";
import { Router, RouterContext, RouterError, RouterReading, TrackWeights, checkWeights } from "./router";

/** How often to poll ARM's long-running update when it gives no Retry-After. */
const POLL_MS = 2000;

/**
 * An Azure Container App's ingress traffic: one entry per revision (weights sum to 100), each
 * labelled with its track by the Azure Container Apps component, which gives it a URL.
 */
export class ContainerAppRouter implements Router {
    readonly kind = "containerApp";
    readonly switchesByAction = false;
    readonly name: string;
    private readonly access: AzureAccess;
    private readonly client: ContainerAppsAPIClient;

    constructor(
        private readonly descriptor: DescriptorOf<"containerApp">,
        context: RouterContext,
        private readonly pollIntervalMs = POLL_MS,
    ) {
        this.name = `container app ${descriptor.resourceGroup}/${descriptor.app}`;
        this.access = azureAccess(this.name, descriptor.subscriptionId, context);
        this.client = new ContainerAppsAPIClient(this.access.credential, this.access.subscriptionId, this.access.options);
    }

    async readWeights(signal?: AbortSignal): Promise<RouterReading> {
        const app = await this.app(signal);
        const shared = sharedTargets(this.descriptor.revisions);
        if (shared) return { supported: false, reason: shared };
        const traffic = app.configuration?.ingress?.traffic;
        if (!traffic) {
            return { supported: false, reason: `${this.descriptor.app} has no ingress traffic configuration (ingress disabled, or single-revision mode)` };
        }
        const byRevision = new Map<string, number>();
        for (const entry of traffic) {
            const revision = this.revisionOf(entry, app);
            byRevision.set(revision, (byRevision.get(revision) ?? 0) + (entry.weight ?? 0));
        }
        const problems: string[] = [];
        const weights: Record<string, number> = {};
        // A revision out of the list takes no traffic: a scaled-down idle color leaves it by design.
        for (const [track, revision] of Object.entries(this.descriptor.revisions)) weights[track] = byRevision.get(revision) ?? 0;
        const known = new Set(Object.values(this.descriptor.revisions));
        for (const [revision, weight] of byRevision) {
            if (!known.has(revision) && weight > 0) problems.push(`revision ${revision} takes ${weight}% but no track runs it`);
        }
        if (app.provisioningState === "Failed") problems.push(`the app's last change failed (provisioningState Failed); see its activity log`);
        return { supported: true, weights, problems };
    }

    async setWeights(weights: TrackWeights, signal?: AbortSignal): Promise<void> {
        const { revisions } = this.descriptor;
        checkWeights(this.name, weights, Object.keys(revisions));
        if (sharedTargets(revisions)) throw new RouterError(this.name, `${sharedTargets(revisions)}: set the weights with \`pulumi up\``);
        const app = await this.app(signal);
        const current = app.configuration?.ingress?.traffic ?? [];
        const entries = current.map((e) => ({ ...e, revision: this.revisionOf(e, app) }));
        // Every track's revision with its weight; a label stays with its revision (it is the
        // revision's URL). Revisions no track names stay listed at 0 so their labels live on.
        // Entries name revisions, never `latestRevision`: a new revision must not take the share.
        const traffic: TrafficWeight[] = [];
        for (const [track, revision] of Object.entries(revisions)) {
            const existing = entries.find((e) => e.revision === revision);
            if (!existing && !(weights[track] > 0)) continue;
            // A new entry is labelled with its track, as the component labels it, unless the label is taken (labels are unique).
            const label = existing ? existing.label : entries.some((e) => e.label === track) ? undefined : track;
            traffic.push({ revisionName: revision, weight: weights[track] ?? 0, ...(label ? { label } : {}) });
        }
        for (const e of entries.filter((e) => !Object.values(revisions).includes(e.revision))) {
            traffic.push({ revisionName: e.revision, weight: 0, ...(e.label ? { label: e.label } : {}) });
        }
        const failure: CallFailure = {
            asked: `setting the ingress traffic of ${this.descriptor.app}`,
            permission: "Microsoft.App/containerApps/write",
            resource: this.resourceId(),
        };
        try {
            // JSON Merge Patch: only configuration.ingress.traffic changes (an array is replaced whole).
            const envelope = { location: app.location, configuration: { ingress: { traffic } } } as ContainerApp;
            await this.client.containerApps.update(this.descriptor.resourceGroup, this.descriptor.app, envelope, { abortSignal: signal, updateIntervalInMs: this.pollIntervalMs });
        } catch (err) {
            throw azureRouterError(this.name, failure, err, signal);
        }
    }

    private revisionOf(entry: TrafficWeight, app: ContainerApp): string {
        return entry.revisionName ?? (entry.latestRevision ? (app.latestRevisionName ?? "(latest revision)") : "(unnamed revision)");
    }

    private async app(signal?: AbortSignal): Promise<ContainerApp> {
        try {
            return await this.client.containerApps.get(this.descriptor.resourceGroup, this.descriptor.app, { abortSignal: signal });
        } catch (err) {
            throw azureRouterError(this.name, { asked: `reading ${this.descriptor.app}`, permission: "Microsoft.App/containerApps/read", resource: this.resourceId() }, err, signal);
        }
    }

    private resourceId(): string {
        return `/subscriptions/${this.access.subscriptionId}/resourceGroups/${this.descriptor.resourceGroup}/providers/Microsoft.App/containerApps/${this.descriptor.app}`;
    }
}
