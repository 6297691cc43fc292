import { strict as assert } from "node:assert";
import { CloudWatchSource, CloudWatchSourceInput, cloudWatchTargetsFromServices } from "../../../stacks/automation/verify/cloudwatch-source";
import { MetricSourceError, errorRate } from "../../../stacks/automation/verify/metric-source";
import { LoopbackServer, Received, Reply, Script, startLoopback } from "./cloudwatch-loopback";

/** The ports this suite owns. */
const PORTS: [number, number] = [25000, 25499];
const CREDENTIALS = { accessKeyId: "AKIDSHIPGATETEST", secretAccessKey: "shipgate-test-secret" };
const JSON_10 = "application/x-amz-json-1.0";

const ALB = { kind: "alb", loadBalancer: "app/backend/50dc6c495c0c9188", targetGroup: "targetgroup/backend-canary/73e2d6bc24d8a067" } as const;
const LAMBDA = { kind: "lambda", functionName: "api-fn", alias: "live", version: "7" } as const;

/** A GetMetricData answer in the AWS JSON 1.0 shape: timestamps in epoch seconds. */
function metricData(results: Record<string, number[]>, extra: Record<string, unknown> = {}): Reply {
    const now = Math.floor(Date.now() / 60_000) * 60;
    return {
        status: 200,
        headers: { "content-type": JSON_10, "x-amzn-requestid": "2b0cf5cd-0000-4000-8000-000000000000" },
        body: {
            MetricDataResults: Object.entries(results).map(([id, values]) => ({
                Id: id,
                Label: id,
                Timestamps: values.map((_, i) => now - 60 * (i + 1)),
                Values: values,
                StatusCode: "Complete",
            })),
            Messages: [],
            ...extra,
        },
    };
}

/** CloudWatch's answer to a throttled request: 400 with the query-compatible error header. */
const THROTTLED: Reply = {
    status: 400,
    headers: { "content-type": JSON_10, "x-amzn-query-error": "Throttling;Sender", "x-amzn-requestid": "throttled" },
    body: { __type: "com.amazon.coral.availability#ThrottlingException", message: "Rate exceeded" },
};

describe("CloudWatch source (GetMetricData against a loopback server speaking AWS JSON 1.0)", () => {
    let server: LoopbackServer | undefined;

    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    async function sourceWith(script: Script, overrides: Partial<CloudWatchSourceInput> = {}): Promise<CloudWatchSource> {
        server = await startLoopback(PORTS, script);
        return new CloudWatchSource(
            { region: "eu-west-1", endpoint: server.url, maxAttempts: 1, timeoutSeconds: 5, targets: { backend: { canary: ALB }, api: { canary: LAMBDA } }, ...overrides },
            { clientConfig: { credentials: CREDENTIALS } },
        );
    }

    const body = (r: Received) => JSON.parse(r.body);

    it("asks for RequestCount and 5xx (Sum) and p95 TargetResponseTime of the target group, signed, in one request over whole minutes", async () => {
        const source = await sourceWith(() => metricData({ requests: [120, 80], errors: [3, 1], p95: [0.182, 0.121] }));
        const m = await source.measure({ service: "backend", track: "canary", windowSeconds: 120 });
        assert.deepEqual(m, { requests: 200, errors: 4, p95Ms: 182 });
        assert.equal(errorRate(m), 0.02);

        const [req] = server!.received;
        assert.equal(req.method, "POST");
        assert.equal(req.url, "/");
        assert.equal(req.headers["content-type"], JSON_10);
        assert.equal(req.headers["x-amz-target"], "GraniteServiceVersion20100801.GetMetricData");
        assert.match(String(req.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDSHIPGATETEST\/\d{8}\/eu-west-1\/monitoring\/aws4_request/);
        const sent = body(req);
        assert.equal(sent.EndTime % 60, 0, "ends on a whole minute");
        assert.equal(sent.EndTime - sent.StartTime, 120);
        assert.deepEqual(
            sent.MetricDataQueries.map((q: any) => [q.Id, q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName, q.MetricStat.Stat, q.MetricStat.Period]),
            [
                ["requests", "AWS/ApplicationELB", "RequestCount", "Sum", 120],
                ["errors", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", 120],
                ["p95", "AWS/ApplicationELB", "TargetResponseTime", "p95", 120],
            ],
        );
        assert.deepEqual(sent.MetricDataQueries[0].MetricStat.Metric.Dimensions, [
            { Name: "TargetGroup", Value: "targetgroup/backend-canary/73e2d6bc24d8a067" },
            { Name: "LoadBalancer", Value: "app/backend/50dc6c495c0c9188" },
        ]);
    });

    it("measures one Lambda version behind a weighted alias by ExecutedVersion (Duration already in ms)", async () => {
        const source = await sourceWith(() => metricData({ requests: [500], errors: [5], p95: [41.5] }));
        assert.deepEqual(await source.measure({ service: "api", track: "canary", windowSeconds: 300 }), { requests: 500, errors: 5, p95Ms: 41.5 });
        const q = body(server!.received[0]).MetricDataQueries;
        assert.deepEqual(
            q.map((x: any) => x.MetricStat.Metric.MetricName),
            ["Invocations", "Errors", "Duration"],
        );
        assert.deepEqual(q[0].MetricStat.Metric.Dimensions, [
            { Name: "FunctionName", Value: "api-fn" },
            { Name: "Resource", Value: "api-fn:live" },
            { Name: "ExecutedVersion", Value: "7" },
        ]);
        assert.equal(q[0].MetricStat.Metric.Namespace, "AWS/Lambda");
    });

    it("reads no datapoints as no traffic: zero requests and no p95, which the analysis treats as inconclusive", async () => {
        const source = await sourceWith(() => metricData({ requests: [], errors: [], p95: [] }));
        assert.deepEqual(await source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), { requests: 0, errors: 0 });
    });

    it("follows NextToken and adds the pages up", async () => {
        const source = await sourceWith((_req, i) => (i === 0 ? metricData({ requests: [10], errors: [1], p95: [0.1] }, { NextToken: "page-2" }) : metricData({ requests: [30], errors: [], p95: [0.3] })));
        assert.deepEqual(await source.measure({ service: "backend", track: "canary", windowSeconds: 120 }), { requests: 40, errors: 1, p95Ms: 300 });
        assert.equal(body(server!.received[1]).NextToken, "page-2");
    });

    it("rides out a throttled request with the SDK's retry", async () => {
        const source = await sourceWith((_req, i) => (i === 0 ? THROTTLED : metricData({ requests: [50], errors: [0], p95: [0.05] })), { maxAttempts: 3 });
        assert.deepEqual(await source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), { requests: 50, errors: 0, p95Ms: 50 });
        assert.equal(server!.received.length, 2);
    });

    it("reports persistent throttling as a MetricSourceError (inconclusive), after the attempts allowed", async () => {
        const source = await sourceWith(() => THROTTLED, { maxAttempts: 2 });
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), (e: Error) => {
            assert.ok(e instanceof MetricSourceError);
            assert.match(e.message, /^cloudwatch eu-west-1 http:\/\/127\.0\.0\.1:\d+: GetMetricData for backend\/canary was throttled \(Throttling(Exception)?\) after 2 attempts: Rate exceeded/);
            return true;
        });
        assert.equal(server!.received.length, 2);
    });

    it("reports HTTP 429 as throttling too", async () => {
        const source = await sourceWith(() => ({ status: 429, headers: { "content-type": JSON_10 }, body: { __type: "TooManyRequestsException", message: "slow down" } }));
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), /was throttled/);
    });

    it("reports a query CloudWatch could not answer (StatusCode InternalError) with its messages", async () => {
        const source = await sourceWith(() => ({
            status: 200,
            headers: { "content-type": JSON_10 },
            body: {
                MetricDataResults: [{ Id: "requests", Label: "RequestCount", Timestamps: [], Values: [], StatusCode: "InternalError", Messages: [{ Code: "InternalError", Value: "try again" }] }],
            },
        }));
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), /requests of backend\/canary answered InternalError \(InternalError: try again\)/);
    });

    it("reports refused access with the service's error", async () => {
        const source = await sourceWith(() => ({
            status: 400,
            headers: { "content-type": JSON_10, "x-amzn-query-error": "AccessDenied;Sender" },
            body: { __type: "com.amazon.coral.service#AccessDeniedException", message: "User is not authorized to perform: cloudwatch:GetMetricData" },
        }));
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), (e: Error) => {
            assert.ok(e instanceof MetricSourceError);
            assert.match(e.message, /GetMetricData for backend\/canary failed: HTTP 400 .*not authorized to perform: cloudwatch:GetMetricData/);
            return true;
        });
    });

    it("refuses counts that cannot be one traffic (more errors than requests)", async () => {
        const source = await sourceWith(() => metricData({ requests: [5], errors: [9], p95: [] }));
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), /errors \(9\) exceed requests \(5\)/);
    });

    it("gives up on a server that does not answer, within the timeout", async () => {
        const source = await sourceWith(() => "hang", { timeoutSeconds: 1 });
        const started = Date.now();
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }), /got no answer within 1s/);
        assert.ok(Date.now() - started < 4000);
    });

    it("stops when the caller aborts, with the caller's reason", async () => {
        const source = await sourceWith(() => "hang", { timeoutSeconds: 30 });
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error("promotion cancelled")), 100);
        await assert.rejects(source.measure({ service: "backend", track: "canary", windowSeconds: 60 }, controller.signal), /promotion cancelled/);
    });

    it("names what the stack exports when asked for a track it has no target for", async () => {
        const source = await sourceWith(() => metricData({}));
        await assert.rejects(source.measure({ service: "frontend", track: "canary", windowSeconds: 60 }), /no CloudWatch target for frontend\/canary: the stack exports backend\/canary, api\/canary/);
        assert.equal(server!.received.length, 0);
    });

    it("reads its targets from the stack's services output (what the AWS components export)", () => {
        const targets = cloudWatchTargetsFromServices({
            backend: { tracks: { stable: { version: "1.0.0", cloudwatch: { ...ALB, targetGroup: "targetgroup/backend-stable/73e2d6bc24d8a067" } }, canary: { version: "2.0.0", cloudwatch: ALB } } },
            web: { tracks: { current: { version: "1" } } },
        });
        assert.deepEqual(Object.keys(targets), ["backend"]);
        assert.deepEqual(targets.backend.canary, ALB);
    });
});
