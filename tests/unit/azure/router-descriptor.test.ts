import { strict as assert } from "node:assert";
import type * as azureComponents from "../../../components/azure";
import { planRelease } from "../../../components/release/planner";
import { ReleaseState, ReleaseStateInput, parseReleaseState } from "../../../components/release/release-state";
import { RouterDescriptorSchema } from "../../../components/release/router-descriptor";
import { findResource, promiseOf } from "../helpers/pulumi-mocks";
import { SUBSCRIPTION, T, build, containerAppArgs, freshStack, loadAzure, traffic, webAppArgs } from "./fixtures";

describe("Azure router descriptors", () => {
    let azure: typeof azureComponents;

    before(async () => {
        azure = await loadAzure();
    });
    beforeEach(() => freshStack());

    async function descriptorOf(component: { router: import("@pulumi/pulumi").Output<unknown> }) {
        const descriptor = (await promiseOf(component.router)) as Record<string, any>;
        assert.deepEqual(RouterDescriptorSchema.parse(descriptor), descriptor);
        return descriptor;
    }

    /** Every step of a promotion, one `up` each (the revision ledger carries over). */
    async function promote(from: ReleaseStateInput, up: (state: ReleaseState | ReleaseStateInput) => Promise<{ router: any }>) {
        const seen: Record<string, any>[] = [await descriptorOf(await up(from))];
        for (const step of planRelease(parseReleaseState(from), { version: "2.0.0" }).steps) {
            seen.push(await descriptorOf(await up(step.state)));
        }
        return seen;
    }

    const containerApp = (release: ReleaseState | ReleaseStateInput) =>
        build(() => new azure.ContainerAppService("backend", containerAppArgs(release as never, { subscriptionId: SUBSCRIPTION })));

    for (const [label, from, tracks] of [
        ["canary", { strategy: "canary", stable: "1.0.0" }, ["stable", "canary"]],
        ["blue-green", { strategy: "blueGreen", blue: "1.0.0", active: "blue" }, ["blue", "green"]],
    ] as const) {
        it(`Container Apps ${label}: the app and each track's revision, the ones its ingress traffic names`, async () => {
            const settled = await descriptorOf(await containerApp(from));
            assert.deepEqual(Object.keys(settled.revisions), [tracks[0]]);
            const first = await descriptorOf(await containerApp(planRelease(parseReleaseState(from), { version: "2.0.0" }).steps[0].state));
            assert.deepEqual({ ...first, revisions: undefined }, { kind: "containerApp", subscriptionId: SUBSCRIPTION, resourceGroup: "shop-production", app: "backend", revisions: undefined });
            assert.deepEqual(Object.keys(first.revisions).sort(), [...tracks].sort());
            assert.equal(findResource(T.containerApp, "backend").inputs.containerAppName, first.app);
            const inTraffic = Object.fromEntries(traffic().map(([revision, , trackLabel]) => [trackLabel, revision]));
            assert.deepEqual(inTraffic, first.revisions, "the revisions the ingress weighs, by track");
        });
    }

    const webApp = (release: ReleaseState | ReleaseStateInput) => build(() => new azure.WebAppService("backend", webAppArgs(release as never)));

    it("App Service canary: the slot's ramp-up rule (switching rampUp), production runs stable, the slot the canary", async () => {
        const descriptor = await descriptorOf(await webApp({ strategy: "canary", stable: "1.0.0", canary: "2.0.0", weight: 25 }));
        assert.deepEqual(descriptor, {
            kind: "appService",
            resourceGroup: "shop-production",
            app: "acme-shop-backend",
            slot: "staging",
            slots: { stable: "production", canary: "staging" },
            versions: { stable: "1.0.0", canary: "2.0.0" },
            switching: "rampUp",
        });
        assert.equal(findResource(T.webApp, "backend").inputs.name, descriptor.app);
        const slot = findResource(T.webAppSlot, "backend-staging").inputs;
        assert.equal(slot.slot, descriptor.slot);
        assert.equal(slot.siteConfig.appSettings.find((s: { name: string }) => s.name === "SHIPGATE_VERSION").value, descriptor.versions.canary);
    });

    it("App Service blue-green: switched by a slot swap, the active color in production", async () => {
        const [settled, deploy, switched] = await promote({ strategy: "blueGreen", blue: "1.0.0", active: "blue" }, webApp);
        assert.deepEqual(settled.slots, { blue: "production" });
        assert.deepEqual(deploy, {
            kind: "appService",
            resourceGroup: "shop-production",
            app: "acme-shop-backend",
            slot: "staging",
            slots: { blue: "production", green: "staging" },
            versions: { blue: "1.0.0", green: "2.0.0" },
            switching: "swap",
        });
        assert.deepEqual([switched.slots, switched.versions], [{ green: "production", blue: "staging" }, { green: "2.0.0", blue: "1.0.0" }]);
    });

    it("App Service rolling: production only, nothing to switch", async () => {
        const descriptor = await descriptorOf(await webApp({ strategy: "rolling", current: "1.0.0" }));
        assert.deepEqual(
            { slots: descriptor.slots, versions: descriptor.versions, switching: descriptor.switching },
            { slots: { current: "production" }, versions: { current: "1.0.0" }, switching: "none" },
        );
    });
});
