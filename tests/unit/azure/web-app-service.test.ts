import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "node:assert";
import type * as azureComponents from "../../../components/azure";
import { BlueGreenReleaseInput } from "../../../components/release/blue-green";
import { CanaryRelease, CanaryReleaseInput } from "../../../components/release/canary";
import { planRelease } from "../../../components/release/planner";
import { ReleaseState, ReleaseStateInput, parseReleaseState } from "../../../components/release/release-state";
import { findResource, maybeResource, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { IDENTITY, IMAGE, T, build, freshStack, loadAzure, webAppArgs } from "./fixtures";

const SETTLED: CanaryReleaseInput = { strategy: "canary", stable: "1.0.0" };
const BLUE_LIVE: BlueGreenReleaseInput = { strategy: "blueGreen", blue: "1.0.0", active: "blue" };

const site = () => findResource(T.webApp, "backend").inputs;
const slot = () => findResource(T.webAppSlot, "backend-staging").inputs;
const setting = (s: Record<string, any>, name: string): string | undefined => s.siteConfig.appSettings.find((a: { name: string }) => a.name === name)?.value;

describe("WebAppService (App Service: production and staging slots)", () => {
    let azure: typeof azureComponents;

    before(async () => {
        azure = await loadAzure();
    });
    beforeEach(() => freshStack());

    const up = (release: ReleaseState | ReleaseStateInput, overrides = {}, spec = {}) =>
        build(() => new azure.WebAppService("backend", webAppArgs(release as CanaryReleaseInput, overrides, spec)));

    it("runs a Linux container site and a staging slot on a plan sized to the replicas, HTTPS only, with health checks", async () => {
        const component = await up(SETTLED);
        const plan = findResource(T.plan, "backend-plan").inputs;
        assert.deepEqual(plan.sku, { name: "P1v3", capacity: 3 });
        assert.equal(plan.reserved, true, "Linux");
        assert.equal(site().name, "acme-shop-backend");
        assert.equal(site().kind, "app,linux,container");
        assert.equal(site().httpsOnly, true);
        assert.equal(site().siteConfig.linuxFxVersion, `DOCKER|${IMAGE}:1.0.0`);
        assert.equal(site().siteConfig.healthCheckPath, "/health");
        assert.equal(site().siteConfig.minTlsVersion, "1.2");
        assert.equal(site().siteConfig.ftpsState, "Disabled");
        assert.equal(slot().slot, "staging");
        assert.equal(slot().name, "acme-shop-backend");
        assert.equal(slot().siteConfig.linuxFxVersion, `DOCKER|${IMAGE}:1.0.0`, "with no canary the slot is a warm standby of stable");
        assert.deepEqual(site().siteConfig.experiments, { rampUpRules: [] });
        assert.equal(await promiseOf(component.endpoint), "https://acme-shop-backend.azurewebsites.net");
        assert.equal(await promiseOf(component.previewEndpoint), undefined);
    });

    it("keeps who each slot is in sticky settings (they do not move in a swap) and reads secrets as Key Vault references", async () => {
        await up(SETTLED);
        assert.deepEqual(findResource(T.slotConfigNames, "backend-sticky").inputs.appSettingNames, ["OTEL_SERVICE_NAME", "SHIPGATE_SLOT"]);
        assert.equal(setting(site(), "OTEL_SERVICE_NAME"), "acme-shop-backend");
        assert.equal(setting(slot(), "OTEL_SERVICE_NAME"), "acme-shop-backend-staging");
        assert.equal(setting(site(), "SHIPGATE_SLOT"), "production");
        assert.equal(setting(site(), "WEBSITES_PORT"), "8080");
        assert.equal(setting(site(), "DATABASE_URL"), "@Microsoft.KeyVault(VaultName=shop-vault;SecretName=backend-db-url)");
        assert.equal(site().keyVaultReferenceIdentity, IDENTITY);
        assert.deepEqual(site().identity, { type: "UserAssigned", userAssignedIdentities: [IDENTITY] });
    });

    it("walks a canary through the production site's ramp-up rule to the staging slot, in percent", async () => {
        const steps = planRelease(parseReleaseState(SETTLED), { version: "2.0.0" }).steps;
        const seen: [string, string, string, number | undefined][] = [];
        for (const step of steps) {
            const state = step.state as CanaryRelease;
            const component = await up(state);
            const [rule] = site().siteConfig.experiments.rampUpRules;
            seen.push([step.kind, site().siteConfig.linuxFxVersion.split(":").pop(), slot().siteConfig.linuxFxVersion.split(":").pop(), rule?.reroutePercentage]);
            if (rule) {
                assert.deepEqual(rule, { name: "staging", actionHostName: "acme-shop-backend-staging.azurewebsites.net", reroutePercentage: state.weight });
            }
            assert.equal(await promiseOf(component.weight), state.canary ? state.weight : 0);
        }
        assert.deepEqual(seen, [
            ["canary-weight", "1.0.0", "2.0.0", 25],
            ["canary-weight", "1.0.0", "2.0.0", 50],
            ["canary-weight", "1.0.0", "2.0.0", 100],
            // Production moves to 2.0.0 while the slot carries all traffic; then the rule goes.
            ["canary-promote", "2.0.0", "2.0.0", 100],
            ["canary-finalize", "2.0.0", "2.0.0", undefined],
        ]);
    });

    it("previews the canary on the slot's own URL and reports each slot as a track with its metrics target", async () => {
        const component = await up({ ...SETTLED, canary: "2.0.0", weight: 25 });
        assert.equal(await promiseOf(component.previewEndpoint), "https://acme-shop-backend-staging.azurewebsites.net");
        const tracks: any = await promiseOf(component.tracks);
        assert.deepEqual(tracks.stable.azureMonitor, { kind: "appService", resourceId: "backend-id", roleName: "acme-shop-backend" });
        assert.deepEqual(tracks.canary.azureMonitor, { kind: "appService", resourceId: "backend-staging-id", roleName: "acme-shop-backend-staging" });
        assert.equal(tracks.canary.endpoint, "https://acme-shop-backend-staging.azurewebsites.net");
    });

    it("declares blue-green as production = active color, staging = idle color, so after the engine's swap the next up changes no image", async () => {
        const [deploy, switchOver, scaleDown] = planRelease(parseReleaseState(BLUE_LIVE), { version: "2.0.0" }).steps;
        let component = await up(deploy.state);
        assert.deepEqual([site().siteConfig.linuxFxVersion, slot().siteConfig.linuxFxVersion], [`DOCKER|${IMAGE}:1.0.0`, `DOCKER|${IMAGE}:2.0.0`]);
        assert.equal(await promiseOf(component.previewEndpoint), "https://acme-shop-backend-staging.azurewebsites.net");
        assert.deepEqual(site().siteConfig.experiments, { rampUpRules: [] }, "blue-green moves no share: it swaps");
        // The swap exchanges the slots' content; the switched state declares exactly that.
        component = await up(switchOver.state);
        assert.deepEqual([site().siteConfig.linuxFxVersion, slot().siteConfig.linuxFxVersion], [`DOCKER|${IMAGE}:2.0.0`, `DOCKER|${IMAGE}:1.0.0`]);
        assert.equal(await promiseOf(component.slotName), "staging");
        assert.deepEqual(
            await promiseOf(component.router),
            {
                kind: "appService",
                resourceGroup: await promiseOf(pulumi.output(site().resourceGroupName)),
                app: "acme-shop-backend",
                slot: "staging",
                slots: { green: "production", blue: "staging" },
                versions: { green: "2.0.0", blue: "1.0.0" },
                switching: "swap",
            },
            "the release engine is told which slots to swap for the switch",
        );
        assert.equal(slot().enabled, true, "the old color stays up as the rollback target");
        await up(scaleDown.state);
        assert.equal(slot().enabled, false, "the idle color is stopped after its delay");
    });

    it("has no slot for a rolling release, and uses a given plan instead of creating one", async () => {
        const component = await up({ strategy: "rolling", current: "1.0.0" }, { serverFarmId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Web/serverfarms/shared" });
        assert.deepEqual(resourceNames(T.webAppSlot), []);
        assert.deepEqual(resourceNames(T.plan), []);
        assert.equal(site().serverFarmId, "/subscriptions/x/resourceGroups/y/providers/Microsoft.Web/serverfarms/shared");
        assert.equal(maybeResource(T.slotConfigNames, "backend-sticky"), undefined);
        assert.equal(await promiseOf(component.slotName), undefined);
    });

    it("refuses a plan without slots and a bad site name", () => {
        assert.throws(
            () => new azure.WebAppService("backend", webAppArgs(SETTLED, { sku: "B1", appName: "Acme_Shop" })),
            (e: Error & { problems?: { path: string; message: string }[] }) => {
                assert.deepEqual(e.problems!.map((p) => p.path), ["appName"]);
                return true;
            },
        );
        assert.throws(() => new azure.WebAppService("backend", webAppArgs(SETTLED, { sku: "B1" })), /sku: the B1 plan has no deployment slots, which blue-green and canary need: use Standard tier or higher/);
    });
});
