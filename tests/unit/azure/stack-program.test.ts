import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { runStackProgram, stackFileConfig } from "../helpers/cloud-mocks";
import { findResource, findResources, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { T } from "./fixtures";

const EXAMPLE = "examples/stacks/Pulumi.azure-production.yaml";

describe("the stack program on Azure (examples/stacks/Pulumi.azure-production.yaml)", function () {
    // The first run loads the cloud SDKs into the program.
    this.timeout(60_000);
    it("declares the backend as a Container App and the frontend as an App Service, through one provider", async () => {
        const outputs = await runStackProgram(stackFileConfig(EXAMPLE), "production");
        assert.equal(outputs.platform, "azure");
        assert.deepEqual(resourceNames(T.containerAppComponent), ["backend"]);
        assert.deepEqual(resourceNames(T.webAppComponent), ["frontend"]);
        const provider = findResource("pulumi:providers:azure-native", "azure-native");
        assert.equal(provider.inputs.location, "westeurope");
        assert.equal(provider.inputs.subscriptionId, "00000000-0000-0000-0000-000000000000");
        assert.equal(findResources("pulumi:providers:azure-native").length, 1);
        const app = findResource(T.containerApp, "backend");
        assert.equal(app.inputs.resourceGroupName, "shop-production");
        assert.deepEqual(app.inputs.tags, { "shipgate:stack": "production", "shipgate:project": "shipgate", "shipgate:service": "backend" });
        assert.equal(findResource(T.webApp, "frontend").inputs.name, "acmeshop-production-frontend");
        assert.deepEqual(findResource(T.plan, "frontend-plan").inputs.sku, { name: "P1v3", capacity: 2 });
        // The frontend links to the backend's weighted endpoint, and is deployed after it.
        const settings = findResource(T.webApp, "frontend").inputs.siteConfig.appSettings as { name: string; value: string }[];
        assert.equal(settings.find((s) => s.name === "BACKEND_URL")?.value, "https://backend.kindhill-1234abcd.westeurope.azurecontainerapps.io");
        assert.ok(findResource(T.webAppComponent, "frontend").dependsOn.includes("backend"));
        assert.deepEqual(findResource(T.webApp, "frontend").inputs.siteConfig.acrUserManagedIdentityID, "11111111-2222-3333-4444-555555555555");
    });

    it("exports the metrics endpoint, the workspace and each track's revision or slot for the release engine", async () => {
        const outputs = await runStackProgram(stackFileConfig(EXAMPLE), "production");
        const metrics: any = await promiseOf(outputs.metrics.azureMonitor);
        assert.equal(metrics.metricsEndpoint, "https://westeurope.metrics.monitor.azure.com");
        assert.equal(metrics.workspaceId, "66666666-7777-8888-9999-000000000000");
        assert.equal(metrics.targets.backend.blue.kind, "containerApp");
        assert.match(metrics.targets.backend.blue.revision, /^backend--v1-0-0-[0-9a-f]{6}$/);
        assert.deepEqual(metrics.targets.frontend.stable, { kind: "appService", resourceId: "frontend-id", roleName: "acmeshop-production-frontend" });
        const backend: any = await promiseOf(outputs.services.backend);
        assert.deepEqual(backend.router, {
            kind: "containerApp",
            subscriptionId: "00000000-0000-0000-0000-000000000000",
            resourceGroup: "shop-production",
            app: "backend",
            revisions: { blue: metrics.targets.backend.blue.revision },
        });
        const frontend: any = await promiseOf(outputs.services.frontend);
        assert.deepEqual([frontend.router.kind, frontend.router.app, frontend.router.switching], ["appService", "acmeshop-production-frontend", "rampUp"]);
    });

    it("stops with the key and the fix when the azure block is missing what Container Apps need", async () => {
        const config = stackFileConfig(EXAMPLE) as Record<string, any>;
        const bad = structuredClone(config);
        delete bad["shipgate:azure"].containerAppsEnvironmentId;
        await assert.rejects(
            runStackProgram(bad, "production"),
            (err: unknown) => err instanceof pulumi.RunError && /shipgate:azure\.containerAppsEnvironmentId: Container Apps services need the environment/.test(err.message),
        );
    });
});
