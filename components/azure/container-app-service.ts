import * as app from "@pulumi/azure-native/app";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import { Tracks } from "../contract";
import { Artifact, imageRef } from "../release/artifact";
import { Color } from "../release/blue-green";
import { ReleaseState, Strategy, liveArtifact } from "../release/release-state";
import type { RouterDescriptorInput } from "../release/router-descriptor";
import { PlannedTrack, TrafficPlan, planTraffic } from "../release/traffic-plan";
import { ShipgateServiceBase } from "../service-base";
import { ContainerAppServiceArgs, resolveContainerAppArgs } from "./args";
import { containerAppSecretName, containerAppSize, healthProbes, keyVaultSecretUrl } from "./container";
import { AzureTrackStatus } from "./metrics";
import { RevisionCandidate, RevisionLedger, RevisionState, revisionSuffix } from "./revision-ledger";

export const CONTAINER_APP_SERVICE_TYPE = "shipgate:azure:ContainerAppService";

/** One entry of the app's `configuration.ingress.traffic`. */
export interface TrafficEntry {
    readonly revisionName: string;
    readonly weight: number;
    readonly label: string;
}

/** `<app>--<suffix>`: the name Azure gives a revision. */
export function revisionName(appName: string, suffix: string): string {
    return `${appName}--${suffix}`;
}

/**
 * The ingress traffic for a plan: each track's revision with its weight (they sum to 100) and
 * its name as the label (`blue`, `green`, `stable`, `canary`), which gives it a URL of its own.
 * A scaled-down idle color leaves the list. Two tracks on one revision share one entry.
 */
export function trafficEntries(appName: string, plan: TrafficPlan, strategy: Strategy, revisionOf: (track: PlannedTrack) => string): TrafficEntry[] {
    const entries: TrafficEntry[] = [];
    for (const track of plan.tracks) {
        if (strategy === "blueGreen" && track.role === "candidate" && track.replicas === 0) {
            continue;
        }
        const name = revisionName(appName, revisionOf(track));
        const same = entries.findIndex((e) => e.revisionName === name);
        if (same >= 0) {
            entries[same] = { ...entries[same], weight: entries[same].weight + track.weight };
        } else {
            entries.push({ revisionName: name, weight: track.weight, label: track.name });
        }
    }
    const total = entries.reduce((sum, e) => sum + e.weight, 0);
    if (total !== 100) {
        throw new Error(`Container Apps traffic must sum to 100, got ${total} (${JSON.stringify(entries)})`);
    }
    return entries;
}

/** The URL a label gives: `https://<app>---<label>.<environment domain>`, from the app's FQDN `<app>.<domain>`. */
export function labelUrl(appName: string, fqdn: string, label: string): string {
    const domain = fqdn.startsWith(`${appName}.`) ? fqdn.slice(appName.length + 1) : fqdn.slice(fqdn.indexOf(".") + 1);
    return `https://${appName}---${label}.${domain}`;
}

/**
 * A service on Azure Container Apps in multiple-revision mode:
 * - one Container App whose template holds the newest artifact; each new artifact (or new
 *   configuration) is a revision `<app>--v<version>-<hash>` (`template.revisionSuffix`);
 * - a ledger (the stack's own memory) knows which revision runs each track's artifact, so a
 *   switch or a rollback moves traffic between existing revisions without touching the template;
 * - `configuration.ingress.traffic` weighs the tracks' revisions as the release state says
 *   (summing to 100), each labelled with its track, so `https://<app>---blue.<domain>` reaches
 *   the blue color alone (the blue/green preview URLs; `stable`/`canary` for a canary);
 * - startup, readiness and liveness probes on the health path; Key Vault references for
 *   `secretEnv`, read with a user-assigned identity.
 * `endpoint` is `https://<app FQDN>` (the weighted entry point), `previewEndpoint` the candidate's
 * label URL while there is one to preview; the router descriptor names each track's revision.
 */
export class ContainerAppService extends ShipgateServiceBase {
    public readonly weight: pulumi.Output<number>;
    public readonly activeColor: pulumi.Output<Color | undefined>;
    /** Each track's revision, by track name. */
    public readonly revisions: pulumi.Output<Record<string, string>>;
    public readonly containerAppId: pulumi.Output<string>;

    constructor(name: string, args: ContainerAppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveContainerAppArgs(name, args);
        super(CONTAINER_APP_SERVICE_TYPE, name, resolved, opts);
        const { service, settings } = resolved;
        const release: ReleaseState = service.release;
        const plan = planTraffic(release, service.replicas);
        const appName = settings.appName;
        const size = containerAppSize(service.resources);
        const secrets = Object.entries(service.secretEnv).map(([env, ref]) => ({
            env,
            name: containerAppSecretName(ref.secretName, ref.key),
            keyVaultUrl: keyVaultSecretUrl(ref.secretName, ref.key),
        }));
        const linkValues = pulumi.all(Object.entries(resolved.links).map(([k, v]) => pulumi.all([k, v])));

        // What each track's revision is made of; the ledger decides which one the template holds.
        const template = (artifact: Artifact, links: [string, string][]): Record<string, unknown> => {
            const env = [
                ...Object.entries({ ...service.env, ...Object.fromEntries(links), SHIPGATE_VERSION: artifact.version }).map(([n, value]) => ({ name: n, value })),
                ...secrets.map((s) => ({ name: s.env, secretRef: s.name })),
            ].sort((a, b) => a.name.localeCompare(b.name));
            return {
                containers: [
                    {
                        name,
                        image: imageRef(service.image, artifact),
                        resources: { cpu: size.cpu, memory: size.memory },
                        env,
                        probes: healthProbes(service.healthPath, service.port, release.analysis.health),
                    },
                ],
                // A revision's scale is fixed when it is made, and a canary revision becomes the
                // stable one: every revision gets the full size; autoscaling adds to it.
                scale: { minReplicas: service.replicas, maxReplicas: settings.maxReplicas ?? Math.max(service.replicas * 2, 1) },
            };
        };
        const key = (artifact: Artifact) => `${artifact.version}|${imageRef(service.image, artifact)}`;
        const request = linkValues.apply((links) => ({
            app: appName,
            primary: plan.primary.name,
            tracks: Object.fromEntries(
                plan.tracks.map((t): [string, RevisionCandidate] => {
                    const tpl = template(t.artifact, links);
                    return [t.name, { key: key(t.artifact), suffix: revisionSuffix(appName, t.artifact, JSON.stringify(tpl)), template: tpl }];
                }),
            ),
        }));
        const ledger = new RevisionLedger(`${name}-revisions`, request, { parent: this });
        const revisionOf = (state: RevisionState) => (track: PlannedTrack) => {
            const suffix = state.revisions[key(track.artifact)];
            if (suffix === undefined) {
                throw new Error(`no revision of ${appName} runs ${track.artifact.version} (track ${track.name}): the revision ledger lost it; deploy ${track.artifact.version} again`);
            }
            return suffix;
        };

        // One user-assigned identity may serve both Key Vault and the registry: list it once.
        const identities = [resolved.keyVaultIdentity, resolved.registry?.identity].filter(
            (i, index, all): i is pulumi.Input<string> => i !== undefined && (typeof i !== "string" || all.indexOf(i) === index),
        );
        const containerApp = new app.ContainerApp(
            name,
            {
                containerAppName: appName,
                resourceGroupName: resolved.resourceGroupName,
                environmentId: resolved.environmentId,
                ...(resolved.location !== undefined ? { location: resolved.location } : {}),
                ...(identities.length ? { identity: { type: "UserAssigned", userAssignedIdentities: identities } } : {}),
                configuration: {
                    activeRevisionsMode: "Multiple",
                    maxInactiveRevisions: settings.maxInactiveRevisions,
                    ingress: {
                        external: settings.external,
                        targetPort: service.port,
                        transport: "auto",
                        allowInsecure: false,
                        traffic: ledger.state.apply((s) => trafficEntries(appName, plan, release.strategy, revisionOf(s))),
                    },
                    secrets: secrets.map((s) => ({ name: s.name, keyVaultUrl: s.keyVaultUrl, identity: resolved.keyVaultIdentity })),
                    registries: resolved.registry ? [{ server: resolved.registry.server, identity: resolved.registry.identity }] : [],
                },
                template: ledger.state.apply((s) => ({ ...s.current.template, revisionSuffix: s.current.suffix }) as inputs.app.TemplateArgs),
                tags: { ...resolved.tags, "shipgate:service": name },
            },
            { parent: this },
        );

        const fqdn = containerApp.configuration.apply((c) => c?.ingress?.fqdn ?? `${appName}.invalid`);
        this.weight = pulumi.output(plan.candidate?.weight ?? 0);
        this.activeColor = pulumi.output(release.strategy === "blueGreen" ? release.active : undefined);
        this.containerAppId = containerApp.id;
        this.revisions = ledger.state.apply((s) => Object.fromEntries(plan.tracks.map((t) => [t.name, revisionName(appName, revisionOf(s)(t))])));
        this.publish(
            {
                strategy: pulumi.output(release.strategy),
                version: pulumi.output(liveArtifact(release).version),
                endpoint: fqdn.apply((f) => `https://${f}`),
                previewEndpoint: plan.preview ? fqdn.apply((f) => labelUrl(appName, f, plan.preview!.name)) : pulumi.output(undefined),
                tracks: pulumi.all([this.revisions, fqdn, containerApp.id]).apply(([revisions, f, id]) => {
                    const out: Record<string, AzureTrackStatus> = {};
                    for (const t of plan.tracks) {
                        const inTraffic = !(release.strategy === "blueGreen" && t.role === "candidate" && t.replicas === 0);
                        out[t.name] = {
                            version: t.artifact.version,
                            image: imageRef(service.image, t.artifact),
                            replicas: inTraffic ? service.replicas : 0,
                            weight: t.weight,
                            endpoint: labelUrl(appName, f, t.name),
                            azureMonitor: { kind: "containerApp", resourceId: id, revision: revisions[t.name] },
                        };
                    }
                    return out as Tracks;
                }),
                router: pulumi.all([resolved.resourceGroupName, this.revisions]).apply(
                    ([resourceGroup, revisions]): RouterDescriptorInput => ({
                        kind: "containerApp",
                        ...(resolved.subscriptionId ? { subscriptionId: resolved.subscriptionId } : {}),
                        resourceGroup,
                        app: appName,
                        revisions,
                    }),
                ),
            },
            { weight: this.weight, activeColor: this.activeColor, revisions: this.revisions, containerAppId: this.containerAppId },
        );
    }
}
