import { strict as assert } from "node:assert";
import type * as azureComponents from "../../../components/azure";
import { BlueGreenReleaseInput } from "../../../components/release/blue-green";
import { CanaryReleaseInput } from "../../../components/release/canary";
import { planRelease, planRollback } from "../../../components/release/planner";
import { ReleaseState, ReleaseStateInput, parseReleaseState } from "../../../components/release/release-state";
import { ledgerFailures } from "../helpers/cloud-mocks";
import { findResource, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { DOMAIN, IDENTITY, IMAGE, T, build, containerAppArgs, freshStack, loadAzure, template, traffic } from "./fixtures";

const SETTLED: CanaryReleaseInput = { strategy: "canary", stable: "1.0.0" };
const BLUE_LIVE: BlueGreenReleaseInput = { strategy: "blueGreen", blue: "1.0.0", active: "blue" };
const REVISION = /^backend--v(\d+)-0-0-[0-9a-f]{6}$/;

/** "backend--v2-0-0-3f9a0c" → "v2" (the version part of a revision name). */
const v = (revision: string) => `v${REVISION.exec(revision)?.[1] ?? "?"}`;
const summary = () => traffic().map(([rev, weight, label]) => `${label}:${v(rev)}:${weight}`);

describe("ContainerAppService (Container Apps revisions, weighted and labelled)", () => {
    let azure: typeof azureComponents;

    before(async () => {
        azure = await loadAzure();
    });
    beforeEach(() => freshStack());

    const up = (release: ReleaseState | ReleaseStateInput, overrides = {}, spec = {}) =>
        build(() => new azure.ContainerAppService("backend", containerAppArgs(release as CanaryReleaseInput, overrides, spec)));

    it("runs the stable revision with all traffic, in multiple-revision mode, behind HTTPS-only ingress", async () => {
        const component = await up(SETTLED);
        const ca = findResource(T.containerApp, "backend");
        assert.equal(ca.inputs.containerAppName, "backend");
        assert.equal(ca.inputs.environmentId, "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop-production/providers/Microsoft.App/managedEnvironments/shop");
        assert.equal(ca.inputs.configuration.activeRevisionsMode, "Multiple");
        assert.equal(ca.inputs.configuration.maxInactiveRevisions, 20);
        assert.deepEqual(
            { external: ca.inputs.configuration.ingress.external, targetPort: ca.inputs.configuration.ingress.targetPort, allowInsecure: ca.inputs.configuration.ingress.allowInsecure },
            { external: true, targetPort: 8080, allowInsecure: false },
        );
        assert.match(template().suffix, /^v1-0-0-[0-9a-f]{6}$/);
        assert.equal(template().image, `${IMAGE}:1.0.0`);
        assert.deepEqual(traffic(), [[`backend--${template().suffix}`, 100, "stable"]]);
        assert.equal(await promiseOf(component.endpoint), `https://backend.${DOMAIN}`);
        assert.equal(await promiseOf(component.previewEndpoint), undefined);
    });

    it("probes the health path (startup, readiness, liveness) with the release's health analysis, sized for Container Apps", async () => {
        await up({ ...SETTLED, analysis: { health: { consecutiveFailures: 3, timeoutSeconds: 4 } } });
        const [container] = findResource(T.containerApp, "backend").inputs.template.containers;
        assert.deepEqual(
            container.probes.map((p: any) => [p.type, p.httpGet.path, p.httpGet.port, p.timeoutSeconds, p.failureThreshold]),
            [
                ["Startup", "/health", 8080, 4, 10],
                ["Readiness", "/health", 8080, 4, 3],
                ["Liveness", "/health", 8080, 4, 3],
            ],
        );
        assert.deepEqual(container.resources, { cpu: 0.5, memory: "1Gi" }, "Container Apps sizes: memory is twice the CPU");
        assert.deepEqual(findResource(T.containerApp, "backend").inputs.template.scale, { minReplicas: 3, maxReplicas: 6 });
    });

    it("reads secretEnv from Key Vault with the user-assigned identity; the value never appears in the template", async () => {
        await up(SETTLED);
        const ca = findResource(T.containerApp, "backend");
        assert.deepEqual(ca.inputs.configuration.secrets, [
            { name: "shop-vault-backend-db-url", keyVaultUrl: "https://shop-vault.vault.azure.net/secrets/backend-db-url", identity: IDENTITY },
        ]);
        assert.deepEqual(
            ca.inputs.template.containers[0].env.find((e: { name: string }) => e.name === "DATABASE_URL"),
            { name: "DATABASE_URL", secretRef: "shop-vault-backend-db-url" },
        );
        assert.deepEqual(ca.inputs.identity, { type: "UserAssigned", userAssignedIdentities: [IDENTITY] });
        assert.deepEqual(ca.inputs.configuration.registries, [{ server: "acme.azurecr.io", identity: IDENTITY }]);
    });

    describe("a canary promotion, step by step", () => {
        it("weighs the stable and canary revisions as each planned state says (summing to 100), making the canary's revision once", async () => {
            await up(SETTLED);
            const v1 = template().suffix;
            const steps = planRelease(parseReleaseState(SETTLED), { version: "2.0.0" }).steps;
            const seen: { kind: string; traffic: string[]; template: string }[] = [];
            for (const step of steps) {
                await up(step.state);
                const total = traffic().reduce((sum, [, w]) => sum + w, 0);
                assert.equal(total, 100, `${step.summary}: weights sum to 100`);
                seen.push({ kind: step.kind, traffic: summary(), template: v(`backend--${template().suffix}`) });
            }
            assert.deepEqual(seen, [
                { kind: "canary-weight", traffic: ["stable:v1:75", "canary:v2:25"], template: "v2" },
                { kind: "canary-weight", traffic: ["stable:v1:50", "canary:v2:50"], template: "v2" },
                { kind: "canary-weight", traffic: ["stable:v1:0", "canary:v2:100"], template: "v2" },
                // The stable track now runs 2.0.0: the same revision as the canary, one traffic entry.
                { kind: "canary-promote", traffic: ["stable:v2:100"], template: "v2" },
                { kind: "canary-finalize", traffic: ["stable:v2:100"], template: "v2" },
            ]);
            assert.notEqual(template().suffix, v1);
        });

        it("labels each revision, which gives each track a URL of its own; the canary's is the preview", async () => {
            await up(SETTLED);
            const component = await up({ ...SETTLED, canary: "2.0.0", weight: 25 });
            assert.equal(await promiseOf(component.previewEndpoint), `https://backend---canary.${DOMAIN}`);
            const tracks: any = await promiseOf(component.tracks);
            assert.equal(tracks.stable.endpoint, `https://backend---stable.${DOMAIN}`);
            assert.equal(tracks.canary.weight, 25);
            assert.match(tracks.canary.azureMonitor.revision, /^backend--v2-0-0-/);
            assert.equal(tracks.canary.azureMonitor.kind, "containerApp");
            assert.equal(tracks.canary.azureMonitor.resourceId, "backend-id", "the Container App's resource ID (the mocks' id)");
            assert.deepEqual(Object.keys(await promiseOf(component.revisions)), ["stable", "canary"]);
        });

        it("rolls back by traffic alone, never putting 1.0.0 back into the template (its revision suffix is taken)", async () => {
            await up(SETTLED);
            const v1 = template().suffix;
            const current = parseReleaseState({ ...SETTLED, canary: "2.0.0", weight: 50 });
            await up({ ...SETTLED, canary: "2.0.0", weight: 25 });
            await up(current);
            const v2 = template().suffix;
            const [first, last] = planRollback(current, parseReleaseState(SETTLED));
            await up(first.state);
            assert.deepEqual(summary(), ["stable:v1:100", "canary:v2:0"]);
            assert.equal(template().suffix, v2);
            await up(last.state);
            assert.deepEqual(traffic(), [[`backend--${v1}`, 100, "stable"]], "all traffic on the revision 1.0.0 always had");
            assert.equal(template().suffix, v2, "the template stays: re-using v1's suffix would fail");
            assert.equal(template().image, `${IMAGE}:2.0.0`);
        });
    });

    describe("a blue-green promotion", () => {
        it("labels blue and green (their preview URLs), switches 100/0 by traffic alone and drops the scaled-down color", async () => {
            await up(BLUE_LIVE);
            const [deploy, switchOver, scaleDown] = planRelease(parseReleaseState(BLUE_LIVE), { version: "2.0.0" }).steps;
            let component = await up(deploy.state);
            assert.deepEqual(summary(), ["blue:v1:100", "green:v2:0"]);
            assert.equal(await promiseOf(component.previewEndpoint), `https://backend---green.${DOMAIN}`);
            const made = template().suffix;
            component = await up(switchOver.state);
            assert.deepEqual(summary(), ["green:v2:100", "blue:v1:0"]);
            assert.equal(template().suffix, made, "the switch makes no revision");
            assert.equal(await promiseOf(component.previewEndpoint), `https://backend---blue.${DOMAIN}`, "the old color stays reachable");
            assert.equal(await promiseOf(component.activeColor), "green");
            component = await up(scaleDown.state);
            assert.deepEqual(summary(), ["green:v2:100"]);
            assert.equal(await promiseOf(component.previewEndpoint), undefined);
            assert.equal(((await promiseOf(component.tracks)) as any).blue.replicas, 0);
        });
    });

    it("makes a new revision when the configuration of the running artifact changes", async () => {
        await up(SETTLED);
        const before = template().suffix;
        await up(SETTLED, {}, { env: { LOG_FORMAT: "text" } });
        assert.notEqual(template().suffix, before);
        assert.match(template().suffix, /^v1-0-0-/);
        assert.deepEqual(traffic(), [[`backend--${template().suffix}`, 100, "stable"]]);
    });

    it("cannot make two revisions in one update, and says what to do", async () => {
        await up({ ...SETTLED, canary: "2.0.0", weight: 25 });
        assert.equal(ledgerFailures.length, 1);
        assert.match(ledgerFailures[0].failure, /^stable and canary both need a new revision, and a Container App makes one revision per update: deploy stable alone first/);
    });

    it("refuses bad args, all at once", () => {
        assert.throws(
            () =>
                new azure.ContainerAppService(
                    "Backend--API",
                    containerAppArgs(SETTLED, { keyVaultIdentity: undefined, environmentId: "", maxReplicas: 2 }, { secretEnv: { DB: { secretName: "x", key: "db_url" } } }),
                ),
            (e: Error & { problems?: { path: string; message: string }[] }) => {
                const found = e.problems!.map((p) => `${p.path}: ${p.message}`);
                assert.deepEqual(
                    e.problems!.map((p) => p.path),
                    ["service.secretEnv.DB.secretName", "service.secretEnv.DB.key", "keyVaultIdentity", "name", "environmentId", "maxReplicas"],
                    found.join("\n"),
                );
                assert.match(found[0], /"x" is not a Key Vault name: on Azure, secretName is the vault's name/);
                assert.match(found[2], /secretEnv reads Key Vault, which needs an identity/);
                assert.match(found[3], /"Backend--API" cannot name a Container App/);
                assert.match(found[5], /maxReplicas \(2\) is below replicas \(3\)/);
                return true;
            },
        );
    });

    it("has no identity when nothing needs one", async () => {
        await up(SETTLED, { keyVaultIdentity: undefined, registry: undefined }, { secretEnv: {} });
        assert.equal(findResource(T.containerApp, "backend").inputs.identity, undefined);
        assert.deepEqual(resourceNames(T.revisionLedger), ["backend-revisions"]);
    });
});
