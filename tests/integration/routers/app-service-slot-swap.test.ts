import { strict as assert } from "node:assert";
import { SlotSwapError, SlotSwapTarget, swapSlots } from "../../../stacks/automation/routers/app-service-slot-swap";
import { AZURE_PORTS, StaticCredential, loopbackCertificate, loopbackClientOptions } from "../verify/azure-loopback";
import { LoopbackServer, Received, Reply, Script, startLoopback } from "../verify/cloudwatch-loopback";

const TARGET: SlotSwapTarget = { subscriptionId: "00000000-0000-0000-0000-000000000000", resourceGroup: "shop-production", app: "acme-shop-backend", slot: "staging" };
const SITE = `/subscriptions/${TARGET.subscriptionId}/resourceGroups/shop-production/providers/Microsoft.Web/sites/acme-shop-backend`;

describe("swapSlots (App Service slot swap through ARM's long-running-operation protocol, on a TLS loopback)", () => {
    const tls = loopbackCertificate();
    let server: LoopbackServer | undefined;

    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    async function swapWith(script: (base: string) => Script, signal?: AbortSignal, maxRetries = 2) {
        let base = "";
        server = await startLoopback(AZURE_PORTS, (req, i) => script(base)(req, i), tls);
        base = server.url;
        return swapSlots(TARGET, new StaticCredential(), signal, { endpoint: server.url, pollIntervalMs: 10, clientOptions: loopbackClientOptions(tls.cert, maxRetries) as never });
    }

    const isSwap = (r: Received) => r.method === "POST" && r.url.startsWith(`${SITE}/slotsswap?`);
    const accepted = (headers: Record<string, string>): Reply => ({ status: 202, headers: { "retry-after": "0", ...headers } });

    it("posts the swap, follows Location until the operation is done, and reports how long it took", async () => {
        let polls = 0;
        const result = await swapWith((base) => (req) => {
            if (isSwap(req)) {
                return accepted({ location: `${base}${SITE}/operationresults/op-1?api-version=2025-05-01` });
            }
            polls++;
            return polls < 3 ? { status: 202, headers: { "retry-after": "0" } } : { status: 200 };
        });
        assert.deepEqual(result.target, TARGET);
        assert.ok(result.durationMs >= 0);
        const [swap, ...rest] = server!.received;
        assert.ok(isSwap(swap), swap.url);
        assert.match(swap.url, /api-version=\d{4}-\d\d-\d\d/);
        assert.deepEqual(JSON.parse(swap.body), { targetSlot: "staging", preserveVnet: true });
        assert.equal(swap.headers.authorization, "Bearer shipgate-test-token");
        assert.deepEqual(
            rest.map((r) => `${r.method} ${r.url.split("?")[0]}`),
            Array(3).fill(`GET ${SITE}/operationresults/op-1`),
        );
    });

    it("follows Azure-AsyncOperation status documents too", async () => {
        const statuses = ["InProgress", "InProgress", "Succeeded"];
        await swapWith((base) => (req) =>
            isSwap(req) ? accepted({ "azure-asyncoperation": `${base}/subscriptions/${TARGET.subscriptionId}/providers/Microsoft.Web/locations/westeurope/operations/op-2?api-version=2025-05-01` }) : { status: 200, headers: { "content-type": "application/json" }, body: { status: statuses.shift() } },
        );
        assert.equal(server!.received.length, 4);
    });

    it("fails with ARM's error when the operation fails", async () => {
        await assert.rejects(
            swapWith((base) => (req) =>
                isSwap(req)
                    ? accepted({ "azure-asyncoperation": `${base}/operations/op-3` })
                    : { status: 200, headers: { "content-type": "application/json" }, body: { status: "Failed", error: { code: "SwapWarmupFailed", message: "The staging slot did not answer its warm-up requests" } } },
            ),
            (e: Error) => {
                assert.ok(e instanceof SlotSwapError);
                assert.match(e.message, /^swapping staging into production of acme-shop-backend \(resource group shop-production\): .*did not answer its warm-up requests/);
                return true;
            },
        );
    });

    it("fails with the code and status when ARM refuses the swap (another operation in progress)", async () => {
        await assert.rejects(
            swapWith(() => () => ({ status: 409, headers: { "content-type": "application/json" }, body: { error: { code: "Conflict", message: "Cannot modify this site because another operation is in progress" } } })),
            (e: Error) => {
                assert.ok(e instanceof SlotSwapError);
                assert.equal(e.code, "Conflict");
                assert.equal(e.statusCode, 409);
                assert.match(e.message, /HTTP 409 Conflict: Cannot modify this site because another operation is in progress/);
                return true;
            },
        );
    });

    it("rides out throttling (429 with Retry-After) before the swap is accepted", async () => {
        let posts = 0;
        await swapWith((base) => (req) => {
            if (isSwap(req)) {
                posts++;
                return posts === 1
                    ? { status: 429, headers: { "retry-after": "0", "content-type": "application/json" }, body: { error: { code: "TooManyRequests", message: "throttled" } } }
                    : accepted({ location: `${base}${SITE}/operationresults/op-4` });
            }
            return { status: 200 };
        });
        assert.equal(posts, 2);
    });

    it("stops waiting when cancelled, saying the swap may still complete", async () => {
        const controller = new AbortController();
        const swapping = swapWith((base) => (req) => (isSwap(req) ? accepted({ location: `${base}${SITE}/operationresults/op-5` }) : { status: 202, headers: { "retry-after": "0" } }), controller.signal);
        setTimeout(() => controller.abort(new Error("promotion cancelled")), 200);
        await assert.rejects(swapping, (e: Error) => {
            assert.ok(e instanceof SlotSwapError);
            assert.equal(e.code, "Cancelled");
            assert.match(e.message, /cancelled while waiting: promotion cancelled \(the swap may still complete in Azure\)/);
            return true;
        });
    });

    it("refuses names that are not App Service names, and swapping production with itself, before calling Azure", async () => {
        await assert.rejects(swapSlots({ ...TARGET, slot: "staging/../x" }, new StaticCredential()), /slot "staging\/\.\.\/x" is not an App Service name/);
        await assert.rejects(swapSlots({ ...TARGET, slot: "production" }, new StaticCredential()), /must not be production itself/);
    });
});
