import { strict as assert } from "node:assert";
import { RouterDescriptorSchema } from "../../../components/release";
import { AppServiceRouter } from "../../../stacks/automation/routers/app-service-router";
import { RouterMismatch, readBackWeights } from "../../../stacks/automation/routers/read-back";
import { RouterError } from "../../../stacks/automation/routers/router";
import { createRouter } from "../../../stacks/automation/routers/router-factory";
import { loopbackCertificate } from "../verify/azure-loopback";
import { LoopbackServer, Received, Script, startLoopback } from "../verify/cloudwatch-loopback";
import { AZURE_ROUTER_PORTS, SUBSCRIPTION, arm, armForbidden, armNotFound, azureContext } from "./router-loopback";

const SITE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/shop-production/providers/Microsoft.Web/sites/acme-shop-backend`;
const SLOT_HOST = "acme-shop-backend-staging.azurewebsites.net";

/** GET …/config/web as ARM answers it (a Linux container site), with its ramp-up rules. */
function webConfig(rampUpRules: unknown[]) {
    return arm({
        id: `${SITE}/config/web`,
        name: "acme-shop-backend",
        type: "Microsoft.Web/sites/config",
        location: "West Europe",
        properties: {
            numberOfWorkers: 1,
            linuxFxVersion: "DOCKER|acme.azurecr.io/shop-backend:1.4.0",
            alwaysOn: true,
            http20Enabled: true,
            minTlsVersion: "1.2",
            ftpsState: "Disabled",
            healthCheckPath: "/health",
            experiments: { rampUpRules },
        },
    });
}

/** POST …/config/appsettings/list: every app setting of the slot (the router keeps SHIPGATE_VERSION only). */
function appSettings(slot: string, version: string) {
    const id = slot === "production" ? `${SITE}/config/appsettings` : `${SITE}/slots/${slot}/config/appsettings`;
    return arm({ id, name: "appsettings", type: "Microsoft.Web/sites/config", location: "West Europe", properties: { DB_PASSWORD: "s3cret", OTEL_SERVICE_NAME: "acme-shop-backend", SHIPGATE_SLOT: slot, SHIPGATE_VERSION: version, WEBSITES_PORT: "8080" } });
}

const RULE_25 = { actionHostName: SLOT_HOST, reroutePercentage: 25, changeStep: null, changeIntervalInMinutes: null, minReroutePercentage: null, maxReroutePercentage: null, changeDecisionCallbackUrl: null, name: "staging" };

describe("App Service router (ramp-up rules, app settings and the slot swap through ARM, on a TLS loopback)", () => {
    const tls = loopbackCertificate();
    let server: LoopbackServer | undefined;

    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    async function routerWith(switching: "rampUp" | "swap" | "none", script: (base: string) => Script) {
        let base = "";
        server = await startLoopback(AZURE_ROUTER_PORTS, (req, i) => script(base)(req, i), tls);
        base = server.url;
        const tracks =
            switching === "rampUp"
                ? { slots: { stable: "production", canary: "staging" }, versions: { stable: "1.4.0", canary: "1.5.0" } }
                : switching === "swap"
                  ? { slots: { blue: "production", green: "staging" }, versions: { blue: "1.4.0", green: "1.5.0" } }
                  : { slots: { current: "production" }, versions: { current: "1.5.0" } };
        const descriptor = RouterDescriptorSchema.parse({ kind: "appService", subscriptionId: SUBSCRIPTION, resourceGroup: "shop-production", app: "acme-shop-backend", slot: "staging", switching, ...tracks });
        const router = createRouter(descriptor, azureContext(server.url, tls.cert, {})) as AppServiceRouter;
        (router as unknown as { pollIntervalMs: number }).pollIntervalMs = 10;
        return router;
    }

    const path = (r: Received) => `${r.method} ${r.url.split("?")[0]}`;

    describe("rampUp (canary)", () => {
        it("reads the slot's reroute percentage as the canary's share, production the rest", async () => {
            const router = await routerWith("rampUp", () => () => webConfig([RULE_25]));
            assert.ok(router instanceof AppServiceRouter);
            assert.equal(router.switchesByAction, false);
            assert.deepEqual(await router.readWeights(), { supported: true, weights: { stable: 75, canary: 25 }, problems: [] });
            assert.deepEqual(server!.received.map(path), [`GET ${SITE}/config/web`]);
            assert.equal((await readBackWeights(router, { stable: 75, canary: 25 })).problems.length, 0);
            await assert.rejects(readBackWeights(router, { stable: 50, canary: 50 }), (e: Error) => {
                assert.ok(e instanceof RouterMismatch);
                assert.equal(e.message, "app service shop-production/acme-shop-backend reads back stable 75% (asked 50%); canary 25% (asked 50%)");
                return true;
            });
        });

        it("reads no rule as all on production, and reports a rule to a host no track runs", async () => {
            const router = await routerWith("rampUp", () => () => webConfig([{ ...RULE_25, actionHostName: "acme-shop-backend-qa.azurewebsites.net", name: "qa", reroutePercentage: 10 }]));
            assert.deepEqual(await router.readWeights(), { supported: true, weights: { stable: 100, canary: 0 }, problems: ["ramp-up rule qa sends 10% to acme-shop-backend-qa.azurewebsites.net, which no track runs"] });
        });

        it("sets the slot's rule with a PATCH of config/web carrying only the experiments; at 0% the rule goes", async () => {
            const router = await routerWith("rampUp", () => (req) => (req.method === "PATCH" ? webConfig([]) : webConfig([RULE_25])));
            await router.setWeights({ stable: 50, canary: 50 });
            const patch = server!.received.find((r) => r.method === "PATCH")!;
            assert.equal(path(patch), `PATCH ${SITE}/config/web`);
            assert.deepEqual(JSON.parse(patch.body), { properties: { experiments: { rampUpRules: [{ ...RULE_25, reroutePercentage: 50 }] } } }, "the rule's other fields as ARM gave them");
            await router.setWeights({ stable: 100, canary: 0 });
            assert.deepEqual(JSON.parse(server!.received.filter((r) => r.method === "PATCH")[1].body), { properties: { experiments: { rampUpRules: [] } } });
        });
        it("adds the slot's rule, as the component declares it, when the canary starts taking traffic", async () => {
            const router = await routerWith("rampUp", () => (req) => (req.method === "PATCH" ? webConfig([]) : webConfig([])));
            await router.setWeights({ stable: 90, canary: 10 });
            const patch = server!.received.find((r) => r.method === "PATCH")!;
            assert.deepEqual(JSON.parse(patch.body).properties.experiments.rampUpRules, [{ name: "staging", actionHostName: SLOT_HOST, reroutePercentage: 10 }]);
        });
    });

    describe("swap (blue-green)", () => {
        const settings = (production: string, slot: string) => () => (req: Received) =>
            req.url.startsWith(`${SITE}/slots/staging/config/appsettings/list`) ? appSettings("staging", slot) : appSettings("production", production);

        it("reads all traffic on the track whose version production runs", async () => {
            const router = await routerWith("swap", settings("1.5.0", "1.4.0"));
            assert.equal(router.switchesByAction, true);
            assert.deepEqual(await router.readWeights(), { supported: true, weights: { blue: 0, green: 100 }, problems: [] });
            assert.deepEqual(server!.received.map(path), [`POST ${SITE}/config/appsettings/list`]);
        });

        it("reports a production version no track runs", async () => {
            const router = await routerWith("swap", settings("1.3.9", "1.4.0"));
            await assert.rejects(readBackWeights(router, { blue: 100, green: 0 }), /reads back blue 0% \(asked 100%\); production runs 1\.3\.9, which no track runs \(blue 1\.4\.0, green 1\.5\.0\)/);
        });

        it("swaps when the wanted track runs in the slot, and waits for the operation", async () => {
            let polls = 0;
            const router = await routerWith("swap", (base) => (req) => {
                if (req.url.startsWith(`${SITE}/slotsswap`)) return arm(undefined, 202, { location: `${base}${SITE}/operationresults/op-1`, "retry-after": "0" });
                if (req.url.startsWith(`${SITE}/operationresults/`)) return ++polls < 2 ? arm(undefined, 202, { "retry-after": "0" }) : arm(undefined, 200);
                return settings("1.4.0", "1.5.0")()(req);
            });
            await router.setWeights({ blue: 0, green: 100 });
            const swap = server!.received.find((r) => r.url.startsWith(`${SITE}/slotsswap`))!;
            assert.equal(swap.method, "POST");
            assert.deepEqual(JSON.parse(swap.body), { targetSlot: "staging", preserveVnet: true });
            assert.equal(polls, 2);
        });

        it("does nothing when the split is already in place", async () => {
            const router = await routerWith("swap", settings("1.4.0", "1.5.0"));
            await router.setWeights({ blue: 100, green: 0 });
            assert.ok(!server!.received.some((r) => r.url.includes("slotsswap")));
        });

        it("refuses a split a swap cannot make, and a version in neither slot", async () => {
            const router = await routerWith("swap", settings("1.4.0", "1.3.0"));
            await assert.rejects(router.setWeights({ blue: 50, green: 50 }), /a slot swap moves all traffic at once: one track takes 100%, got blue 50%, green 50%/);
            assert.equal(server!.received.length, 0);
            await assert.rejects(router.setWeights({ blue: 0, green: 100 }), /track green runs 1\.5\.0, which is neither in production \(1\.4\.0\) nor in slot staging \(1\.3\.0\)/);
        });

        it("names the swap permission when ARM refuses it", async () => {
            const router = await routerWith("swap", () => (req) => (req.url.includes("slotsswap") ? armForbidden("Microsoft.Web/sites/slotsswap/action", SITE) : settings("1.4.0", "1.5.0")()(req)));
            await assert.rejects(router.setWeights({ blue: 0, green: 100 }), /swapping staging into production failed \(HTTP 403 AuthorizationFailed: .*\): the engine's Azure identity needs Microsoft\.Web\/sites\/slotsswap\/action on \/subscriptions\/.*\/sites\/acme-shop-backend$/);
        });
    });

    describe("none (rolling)", () => {
        it("reads production as carrying all, with a problem while it runs another version", async () => {
            const router = await routerWith("none", () => (_req, i) => appSettings("production", i === 0 ? "1.5.0" : "1.4.0"));
            assert.deepEqual(await router.readWeights(), { supported: true, weights: { current: 100 }, problems: [] });
            assert.deepEqual((await router.readWeights()) as unknown, { supported: true, weights: { current: 100 }, problems: ["production runs 1.4.0, the release says 1.5.0 (track current)"] });
        });
    });

    it("names the role action on 403 and the site on 404", async () => {
        const router = await routerWith("rampUp", () => () => armForbidden("Microsoft.Web/sites/config/read", SITE));
        await assert.rejects(router.readWeights(), (e: Error) => {
            assert.ok(e instanceof RouterError);
            assert.match(e.message, /^app service shop-production\/acme-shop-backend: reading the site's ramp-up rules failed \(HTTP 403 AuthorizationFailed: .*\): the engine's Azure identity needs Microsoft\.Web\/sites\/config\/read on \/subscriptions\/.*\/sites\/acme-shop-backend$/);
            return true;
        });
        await server!.close();
        const gone = await routerWith("swap", () => () => armNotFound("Microsoft.Web/sites", "acme-shop-backend", "shop-production"));
        await assert.rejects(gone.readWeights(), /reading the app settings of production failed \(HTTP 404 ResourceNotFound: .*\): \/subscriptions\/.*\/sites\/acme-shop-backend \(from the service's router descriptor\) is gone; run `pulumi up`/);
    });

    it("stops when the signal aborts, also while a swap is under way", async () => {
        const router = await routerWith("rampUp", () => () => "hang");
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error("promotion cancelled")), 100);
        await assert.rejects(router.readWeights(controller.signal), /reading the site's ramp-up rules: cancelled \(promotion cancelled\)$/);
        await server!.close();
        // Cancelled once the swap is under way (at its first poll), however slow the machine.
        const second = new AbortController();
        const swapping = await routerWith("swap", (base) => (req) => {
            if (req.url.includes("slotsswap")) return arm(undefined, 202, { location: `${base}${SITE}/operationresults/op-9`, "retry-after": "0" });
            if (req.url.includes("operationresults")) {
                second.abort(new Error("promotion cancelled"));
                return arm(undefined, 202, { "retry-after": "0" });
            }
            return appSettings(req.url.includes("/slots/") ? "staging" : "production", req.url.includes("/slots/") ? "1.5.0" : "1.4.0");
        });
        await assert.rejects(swapping.setWeights({ blue: 0, green: 100 }, second.signal), /cancelled while waiting \(the swap may still complete in Azure: read the weights before retrying\)/);
    });
});
