import { strict as assert } from "node:assert";
import { RouterDescriptorSchema } from "../../../components/release";
import { ContainerAppRouter } from "../../../stacks/automation/routers/container-app-router";
import { RouterMismatch, readBackWeights } from "../../../stacks/automation/routers/read-back";
import { RouterError } from "../../../stacks/automation/routers/router";
import { createRouter } from "../../../stacks/automation/routers/router-factory";
import { loopbackCertificate } from "../verify/azure-loopback";
import { LoopbackServer, Received, Script, startLoopback } from "../verify/cloudwatch-loopback";
import { AZURE_ROUTER_PORTS, SUBSCRIPTION, arm, armForbidden, armNotFound, azureContext } from "./router-loopback";

const APP = `/subscriptions/${SUBSCRIPTION}/resourceGroups/shop-production/providers/Microsoft.App/containerApps/shop-backend`;

/** A containerApps GET answer, as ARM sends it (properties trimmed to what matters, shape kept). */
function containerApp(traffic: unknown[], extra: Record<string, unknown> = {}) {
    return arm({
        id: APP,
        name: "shop-backend",
        type: "Microsoft.App/containerApps",
        location: "West Europe",
        systemData: { createdBy: "ci@acme.example", createdByType: "User", createdAt: "2025-05-02T09:12:44.1234567Z", lastModifiedAt: "2025-05-06T14:03:10.7654321Z" },
        properties: {
            provisioningState: "Succeeded",
            runningStatus: "Running",
            managedEnvironmentId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/shop-production/providers/Microsoft.App/managedEnvironments/shop-env`,
            latestRevisionName: "shop-backend--v1-5-0",
            latestReadyRevisionName: "shop-backend--v1-5-0",
            latestRevisionFqdn: "shop-backend--v1-5-0.nicepond-4a1b2c3d.westeurope.azurecontainerapps.io",
            configuration: {
                activeRevisionsMode: "Multiple",
                maxInactiveRevisions: 5,
                ingress: {
                    fqdn: "shop-backend.nicepond-4a1b2c3d.westeurope.azurecontainerapps.io",
                    external: true,
                    targetPort: 8080,
                    transport: "Auto",
                    allowInsecure: false,
                    traffic,
                },
            },
            template: { revisionSuffix: "v1-5-0", containers: [{ name: "backend", image: "acme.azurecr.io/shop-backend:1.5.0", resources: { cpu: 0.5, memory: "1Gi" } }], scale: { minReplicas: 2, maxReplicas: 10 } },
            ...extra,
        },
    });
}

const CANARY_25 = [
    { revisionName: "shop-backend--v1-4-0", weight: 75, label: "stable" },
    { revisionName: "shop-backend--v1-5-0", weight: 25, label: "canary" },
];

describe("Container App router (ARM containerApps GET and JSON-merge-patch LRO, on a TLS loopback)", () => {
    const tls = loopbackCertificate();
    let server: LoopbackServer | undefined;

    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    async function routerWith(script: (base: string) => Script, revisions: Record<string, string> = { stable: "shop-backend--v1-4-0", canary: "shop-backend--v1-5-0" }) {
        let base = "";
        server = await startLoopback(AZURE_ROUTER_PORTS, (req, i) => script(base)(req, i), tls);
        base = server.url;
        const descriptor = RouterDescriptorSchema.parse({ kind: "containerApp", resourceGroup: "shop-production", app: "shop-backend", revisions });
        const router = createRouter(descriptor, azureContext(server.url, tls.cert)) as ContainerAppRouter;
        (router as unknown as { pollIntervalMs: number }).pollIntervalMs = 10;
        return router;
    }

    const isGet = (r: Received) => r.method === "GET" && r.url.startsWith(`${APP}?`);

    it("reads the ingress traffic by revision as percent per track, with the subscription from ARM_SUBSCRIPTION_ID", async () => {
        const router = await routerWith(() => () => containerApp(CANARY_25));
        assert.ok(router instanceof ContainerAppRouter);
        assert.deepEqual(await router.readWeights(), { supported: true, weights: { stable: 75, canary: 25 }, problems: [] });
        const [req] = server!.received;
        assert.ok(isGet(req), req.url);
        assert.match(req.url, /api-version=\d{4}-\d\d-\d\d/);
        assert.equal(req.headers.authorization, "Bearer shipgate-test-token");
    });

    it("resolves a latestRevision entry, counts a revision out of the list as 0, and reports a revision no track runs", async () => {
        const router = await routerWith(() => () =>
            containerApp([
                { latestRevision: true, weight: 60 },
                { revisionName: "shop-backend--v1-3-0", weight: 40, label: "old" },
            ]),
        );
        const reading = await router.readWeights();
        assert.deepEqual(reading, { supported: true, weights: { stable: 0, canary: 60 }, problems: ["revision shop-backend--v1-3-0 takes 40% but no track runs it"] });
        await assert.rejects(readBackWeights(router, { stable: 40, canary: 60 }), (e: Error) => {
            assert.ok(e instanceof RouterMismatch);
            assert.equal(e.message, "container app shop-production/shop-backend reads back stable 0% (asked 40%); revision shop-backend--v1-3-0 takes 40% but no track runs it");
            return true;
        });
    });

    it("read-back passes on the step's split and reports an app whose last change failed", async () => {
        const router = await routerWith(() => (_req, i) => containerApp(CANARY_25, i === 0 ? {} : { provisioningState: "Failed" }));
        assert.equal((await readBackWeights(router, { stable: 75, canary: 25 })).problems.length, 0);
        await assert.rejects(readBackWeights(router, { stable: 75, canary: 25 }), /reads back the app's last change failed \(provisioningState Failed\)/);
    });

    it("sets the traffic with a PATCH of configuration.ingress.traffic only, labels kept, and waits for the operation", async () => {
        let polls = 0;
        const router = await routerWith((base) => (req) => {
            if (req.method === "PATCH") return arm(undefined, 202, { "azure-asyncoperation": `${base}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.App/locations/westeurope/containerappOperationStatuses/op-1?api-version=2025-01-01`, location: `${base}${APP}/operationResults/op-1`, "retry-after": "0" });
            if (req.url.includes("containerappOperationStatuses")) return arm({ id: "op-1", name: "op-1", status: ++polls < 2 ? "InProgress" : "Succeeded", startTime: "2025-05-06T14:03:10Z" });
            return containerApp([
                ...CANARY_25,
                { revisionName: "shop-backend--v1-3-0", weight: 0, label: "old" },
            ]);
        });
        await router.setWeights({ stable: 50, canary: 50 });
        const patch = server!.received.find((r) => r.method === "PATCH")!;
        assert.ok(patch.url.startsWith(`${APP}?api-version=`), patch.url);
        assert.deepEqual(JSON.parse(patch.body), {
            location: "West Europe",
            properties: {
                configuration: {
                    ingress: {
                        traffic: [
                            { revisionName: "shop-backend--v1-4-0", weight: 50, label: "stable" },
                            { revisionName: "shop-backend--v1-5-0", weight: 50, label: "canary" },
                            { revisionName: "shop-backend--v1-3-0", weight: 0, label: "old" },
                        ],
                    },
                },
            },
        });
        assert.equal(polls, 2, "waited for the operation to succeed");
    });

    it("pins a latestRevision entry to its revision and adds a track's revision that was not listed, labelled with the track", async () => {
        const blueGreen = { blue: "shop-backend--v2-0-0", green: "shop-backend--v2-1-0" };
        const router = await routerWith(
            () => (req) => (req.method === "PATCH" ? containerApp([]) : containerApp([{ latestRevision: true, weight: 100, label: "blue" }], { latestRevisionName: "shop-backend--v2-0-0" })),
            blueGreen,
        );
        await router.setWeights({ blue: 0, green: 100 });
        const patch = server!.received.find((r) => r.method === "PATCH")!;
        assert.deepEqual(JSON.parse(patch.body).properties.configuration.ingress.traffic, [
            { revisionName: "shop-backend--v2-0-0", weight: 0, label: "blue" },
            { revisionName: "shop-backend--v2-1-0", weight: 100, label: "green" },
        ]);
    });

    it("names the role action on 403 and the app on 404", async () => {
        const router = await routerWith(() => () => armForbidden("Microsoft.App/containerApps/read", APP));
        await assert.rejects(router.readWeights(), (e: Error) => {
            assert.ok(e instanceof RouterError);
            assert.match(e.message, /^container app shop-production\/shop-backend: reading shop-backend failed \(HTTP 403 AuthorizationFailed: The client .* does not have authorization .*\): the engine's Azure identity needs Microsoft\.App\/containerApps\/read on \/subscriptions\/0{8}-.*\/containerApps\/shop-backend$/);
            return true;
        });
        await server!.close();
        const gone = await routerWith(() => () => armNotFound("Microsoft.App/containerApps", "shop-backend", "shop-production"));
        await assert.rejects(gone.readWeights(), /failed \(HTTP 404 ResourceNotFound: The Resource 'Microsoft\.App\/containerApps\/shop-backend' .*\): \/subscriptions\/.*\/containerApps\/shop-backend \(from the service's router descriptor\) is gone; run `pulumi up`/);
    });

    it("fails with ARM's error when the update operation fails", async () => {
        const router = await routerWith((base) => (req) => {
            if (req.method === "PATCH") return arm(undefined, 202, { "azure-asyncoperation": `${base}/ops/op-2`, "retry-after": "0" });
            if (req.url.startsWith("/ops/")) return arm({ status: "Failed", error: { code: "ContainerAppOperationError", message: "Failed to provision revision for container app 'shop-backend'" } });
            return containerApp(CANARY_25);
        });
        await assert.rejects(router.setWeights({ stable: 0, canary: 100 }), /setting the ingress traffic of shop-backend failed \(.*Failed to provision revision for container app 'shop-backend'\)/);
    });

    it("needs a subscription: names both variables when neither is set", async () => {
        const descriptor = RouterDescriptorSchema.parse({ kind: "containerApp", resourceGroup: "shop-production", app: "shop-backend", revisions: { stable: "a", canary: "b" } });
        assert.throws(() => createRouter(descriptor, { env: {} }), (e: Error) => {
            assert.ok(e instanceof RouterError);
            assert.match(e.message, /no Azure subscription: the router descriptor names none and neither ARM_SUBSCRIPTION_ID nor AZURE_SUBSCRIPTION_ID is set/);
            return true;
        });
    });

    it("stops when the signal aborts", async () => {
        const router = await routerWith(() => () => "hang");
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error("promotion cancelled")), 100);
        await assert.rejects(router.readWeights(controller.signal), /reading shop-backend: cancelled \(promotion cancelled\)$/);
    });
});
