import { strict as assert } from "node:assert";
import { AzureMonitorSource, AzureMonitorSourceInput, azureMonitorTargetsFromServices, p95Query } from "../../../stacks/automation/verify/azure-monitor-source";
import { MetricSourceError } from "../../../stacks/automation/verify/metric-source";
import { AZURE_PORTS, StaticCredential, loopbackCertificate, loopbackClientOptions } from "./azure-loopback";
import { LoopbackServer, Received, Reply, Script, startLoopback } from "./cloudwatch-loopback";

const SUB = "00000000-0000-0000-0000-000000000000";
const APP_ID = `/subscriptions/${SUB}/resourceGroups/shop-production/providers/Microsoft.App/containerApps/backend`;
const SLOT_ID = `/subscriptions/${SUB}/resourceGroups/shop-production/providers/Microsoft.Web/sites/acme-shop-backend/slots/staging`;
const REVISION = "backend--v2-0-0-3f9a0c";
const WORKSPACE = "11111111-2222-3333-4444-555555555555";

type Series = { readonly dims?: Record<string, string>; readonly totals: number[] };

/** A metrics:getBatch answer in the API's shape (2024-02-01). */
function batch(resourceId: string, namespace: string, metrics: Record<string, Series[]>, extra: Record<string, unknown> = {}): Reply {
    const now = Date.now();
    return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: {
            values: [
                {
                    starttime: new Date(now - 300_000).toISOString(),
                    endtime: new Date(now).toISOString(),
                    interval: "PT1M",
                    namespace,
                    resourceregion: "westeurope",
                    resourceid: resourceId,
                    value: Object.entries(metrics).map(([name, series]) => ({
                        id: `${resourceId}/providers/Microsoft.Insights/metrics/${name}`,
                        type: "Microsoft.Insights/metrics",
                        name: { value: name, localizedValue: name },
                        displayDescription: name,
                        unit: "Count",
                        errorCode: "Success",
                        timeseries: series.map((s) => ({
                            metadatavalues: Object.entries(s.dims ?? {}).map(([k, v]) => ({ name: { value: k.toLowerCase(), localizedValue: k }, value: v })),
                            data: s.totals.map((total, i) => ({ timeStamp: new Date(now - (i + 1) * 60_000).toISOString(), total })),
                        })),
                        ...extra,
                    })),
                },
            ],
        },
    };
}

/** A Log Analytics query answer: one table. */
function table(columns: [string, string][], rows: unknown[][], extra: Record<string, unknown> = {}): Reply {
    return {
        status: 200,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: { tables: [{ name: "PrimaryResult", columns: columns.map(([name, type]) => ({ name, type })), rows }], ...extra },
    };
}

const THROTTLED: Reply = {
    status: 429,
    headers: { "content-type": "application/json", "retry-after": "0" },
    body: { error: { code: "TooManyRequests", message: "The request was throttled: retry later" } },
};

describe("Azure Monitor source (metrics batch API and Log Analytics against a TLS loopback server)", () => {
    const tls = loopbackCertificate();
    let server: LoopbackServer | undefined;
    let credential: StaticCredential;

    beforeEach(() => {
        credential = new StaticCredential();
    });
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    /** One server answers both APIs, told apart by path. */
    async function sourceWith(script: Script, overrides: Partial<AzureMonitorSourceInput> = {}, maxRetries = 2): Promise<AzureMonitorSource> {
        server = await startLoopback(AZURE_PORTS, script, tls);
        return new AzureMonitorSource(
            {
                metricsEndpoint: server.url,
                logs: { workspaceId: WORKSPACE, endpoint: server.url },
                timeoutSeconds: 5,
                targets: {
                    backend: { canary: { kind: "containerApp", resourceId: APP_ID, revision: REVISION } },
                    web: { canary: { kind: "appService", resourceId: SLOT_ID, roleName: "acme-shop-backend-staging" } },
                },
                ...overrides,
            },
            { credential, clientOptions: loopbackClientOptions(tls.cert, maxRetries) },
        );
    }

    const isMetrics = (r: Received) => r.url.startsWith(`/subscriptions/${SUB}/metrics:getBatch`);
    const isLogs = (r: Received) => r.url === `/workspaces/${WORKSPACE}/query`;
    const params = (r: Received) => new URL(r.url, "https://x").searchParams;

    it("counts a revision's requests by status code category and takes p95 from Application Insights requests", async () => {
        const source = await sourceWith((req) =>
            isMetrics(req)
                ? batch(APP_ID, "Microsoft.App/containerApps", {
                      Requests: [
                          { dims: { statusCodeCategory: "2xx" }, totals: [100, 90] },
                          { dims: { statusCodeCategory: "4xx" }, totals: [4] },
                          { dims: { statusCodeCategory: "5xx" }, totals: [3, 3] },
                      ],
                  })
                : table(
                      [
                          ["p95Ms", "real"],
                          ["requests", "long"],
                      ],
                      [[182.5, 200]],
                  ),
        );
        assert.deepEqual(await source.measure({ service: "backend", track: "canary", windowSeconds: 300 }), { requests: 200, errors: 6, p95Ms: 182.5 });

        const metrics = server!.received.find(isMetrics)!;
        assert.equal(metrics.method, "POST");
        assert.equal(metrics.headers.authorization, "Bearer shipgate-test-token");
        const q = params(metrics);
        assert.equal(q.get("metricnamespace"), "Microsoft.App/containerApps");
        assert.equal(q.get("metricnames"), "Requests");
        assert.equal(q.get("aggregation"), "Total");
        assert.equal(q.get("interval"), "PT1M");
        assert.equal(q.get("filter"), `revisionName eq '${REVISION}' and statusCodeCategory eq '*'`);
        assert.equal(new Date(q.get("endtime")!).getTime() - new Date(q.get("starttime")!).getTime(), 300_000);
        assert.ok(q.get("api-version"), "the batch API is versioned");
        assert.deepEqual(JSON.parse(metrics.body), { resourceids: [APP_ID] });

        const logs = server!.received.find(isLogs)!;
        const sent = JSON.parse(logs.body);
        assert.equal(sent.query, `AppRequests\n| where AppRoleInstance startswith "${REVISION}"\n| summarize p95Ms = percentile(DurationMs, 95), requests = count()`);
        assert.match(sent.timespan, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z\/\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
        assert.equal(logs.headers.authorization, "Bearer shipgate-test-token");
        assert.ok(credential.scopes.includes("https://management.azure.com/.default"), "metrics: the ARM audience");
        assert.ok(credential.scopes.includes("https://api.loganalytics.io/.default"), "logs: Log Analytics' audience");
    });

    it("reads an App Service slot's Requests and Http5xx, its p95 by the slot's cloud role name", async () => {
        const source = await sourceWith((req) =>
            isMetrics(req)
                ? batch(SLOT_ID, "Microsoft.Web/sites/slots", { Requests: [{ totals: [40, 60] }], Http5xx: [{ totals: [2] }] })
                : table([["p95Ms", "real"]], [[95]]),
        );
        assert.deepEqual(await source.measure({ service: "web", track: "canary", windowSeconds: 120 }), { requests: 100, errors: 2, p95Ms: 95 });
        const q = params(server!.received.find(isMetrics)!);
        assert.equal(q.get("metricnamespace"), "Microsoft.Web/sites/slots");
        assert.deepEqual(q.getAll("metricnames").join(","), "Requests,Http5xx");
        assert.match(JSON.parse(server!.received.find(isLogs)!.body).query, /AppRoleName == "acme-shop-backend-staging"/);
    });

    it("reads no traffic as zero requests and no p95 (empty series, a p95 of null)", async () => {
        const source = await sourceWith((req) => (isMetrics(req) ? batch(APP_ID, "Microsoft.App/containerApps", { Requests: [] }) : table([["p95Ms", "real"], ["requests", "long"]], [[null, 0]])));
        assert.deepEqual(await source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), { requests: 0, errors: 0 });
    });

    it("measures without p95 when no workspace is configured", async () => {
        const source = await sourceWith(() => batch(APP_ID, "Microsoft.App/containerApps", { Requests: [{ dims: { statusCodeCategory: "2xx" }, totals: [10] }] }), { logs: undefined });
        assert.deepEqual(await source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), { requests: 10, errors: 0 });
        assert.ok(server!.received.every(isMetrics));
    });

    it("retries a throttled request after Retry-After and then answers", async () => {
        let metricsCalls = 0;
        const source = await sourceWith((req) => {
            if (isMetrics(req)) {
                metricsCalls++;
                return metricsCalls === 1 ? THROTTLED : batch(APP_ID, "Microsoft.App/containerApps", { Requests: [{ dims: { statusCodeCategory: "2xx" }, totals: [5] }] });
            }
            return table([["p95Ms", "real"]], [[12]]);
        });
        assert.deepEqual(await source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), { requests: 5, errors: 0, p95Ms: 12 });
        assert.equal(metricsCalls, 2);
    });

    it("reports persistent throttling as a MetricSourceError (inconclusive)", async () => {
        const source = await sourceWith((req) => (isMetrics(req) ? THROTTLED : table([["p95Ms", "real"]], [[12]])), {}, 1);
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), (e: Error) => {
            assert.ok(e instanceof MetricSourceError);
            assert.match(e.message, /^azure-monitor 127\.0\.0\.1:\d+: the metrics query for backend\/canary was throttled \(HTTP 429\) after the SDK's retries/);
            return true;
        });
    });

    it("reports a refused request with ARM's error code", async () => {
        const source = await sourceWith((req) =>
            isMetrics(req)
                ? { status: 403, headers: { "content-type": "application/json" }, body: { error: { code: "AuthorizationFailed", message: "The client does not have authorization to perform action 'Microsoft.Insights/metrics/read'" } } }
                : table([["p95Ms", "real"]], [[12]]),
        );
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), /the metrics query for backend\/canary failed: HTTP 403 AuthorizationFailed: The client does not have authorization/);
    });

    it("reports a metric the API could not read (its errorCode)", async () => {
        const source = await sourceWith((req) =>
            isMetrics(req) ? batch(APP_ID, "Microsoft.App/containerApps", { Requests: [] }, { errorCode: "MetricNotFound", errorMessage: "no metric Requests" }) : table([["p95Ms", "real"]], [[1]]),
        );
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), /metric Requests of .*containerApps\/backend: MetricNotFound: no metric Requests/);
    });

    it("does not trust a partial log answer", async () => {
        const source = await sourceWith((req) =>
            isMetrics(req)
                ? batch(APP_ID, "Microsoft.App/containerApps", { Requests: [{ dims: { statusCodeCategory: "2xx" }, totals: [10] }] })
                : table([["p95Ms", "real"]], [[50]], { error: { code: "PartialError", message: "Query result is partial: some workspaces did not answer" } }),
        );
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), /the p95 query answered partially: PartialError: Query result is partial/);
    });

    it("reports a failed KQL query", async () => {
        const source = await sourceWith((req) =>
            isMetrics(req)
                ? batch(APP_ID, "Microsoft.App/containerApps", { Requests: [{ dims: { statusCodeCategory: "2xx" }, totals: [10] }] })
                : { status: 400, headers: { "content-type": "application/json" }, body: { error: { code: "BadArgumentError", message: "Failed to resolve table expression named 'AppRequests'" } } },
        );
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), /the p95 query for backend\/canary failed: HTTP 400 BadArgumentError: Failed to resolve table/);
    });

    it("gives up on a server that does not answer, within the timeout", async () => {
        const source = await sourceWith(() => "hang", { timeoutSeconds: 1 });
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), /got no answer within 1s/);
    });

    it("names what the stack exports when asked for an unknown track, and fills custom queries", async () => {
        const source = await sourceWith(() => table([], []));
        await assert.rejects(source.measure({ service: "backend", track: "stable", windowSeconds: 60 }), /no Azure Monitor target for backend\/stable: the stack exports backend\/canary, web\/canary/);
        assert.equal(
            p95Query({ kind: "containerApp", resourceId: APP_ID, revision: REVISION }, "requests | where {{selector}} and cloud_RoleInstance has '{{revision}}' | summarize p95Ms = percentile(duration, 95)"),
            `requests | where AppRoleInstance startswith "${REVISION}" and cloud_RoleInstance has '${REVISION}' | summarize p95Ms = percentile(duration, 95)`,
        );
        const targets = azureMonitorTargetsFromServices({ backend: { tracks: { canary: { azureMonitor: { kind: "containerApp", resourceId: APP_ID, revision: REVISION } } } } });
        assert.equal(targets.backend.canary.kind, "containerApp");
    });
});
