import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { strict as assert } from "node:assert";
import { HttpJsonAnswerSchema, HttpJsonSource, HttpJsonSourceSchema } from "../../../stacks/automation/verify/http-json-source";
import { PrometheusSourceSchema, parsePromValue, prometheusQueries } from "../../../stacks/automation/verify/prometheus-source";

const query = { service: "backend", track: "canary", windowSeconds: 60 };

describe("prometheus queries", () => {
    it("default to prom-client's conventions, probes and scrapes excluded, latency in ms", () => {
        const q = prometheusQueries(PrometheusSourceSchema.parse({ url: "http://127.0.0.1:9090" }), query);
        const sel = `{service="backend",track="canary",route!="/health",route!="/metrics"}`;
        assert.equal(q.requests, `sum(increase(http_requests_total${sel}[60s]))`);
        assert.equal(q.errors, `sum(increase(http_requests_total{service="backend",track="canary",route!="/health",route!="/metrics",code=~"5.."}[60s]))`);
        assert.equal(q.p95Ms, `1000 * histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${sel}[60s])))`);
        // The sequential judge's latency histogram: the window's increase per bucket, by le.
        assert.equal(q.buckets, `sum by (le) (increase(http_request_duration_seconds_bucket${sel}[60s]))`);
    });

    it("take configured metric names, label names, routes, error codes and extra matchers", () => {
        const config = PrometheusSourceSchema.parse({
            url: "http://prom:9090",
            metrics: { requests: "http_server_requests_seconds_count", duration: "http_server_requests_seconds" },
            labels: { service: "app", track: "rollouts_pod_template_hash", route: "uri", code: "status" },
            excludeRoutes: ["/actuator/health"],
            errorCodes: "5..|429",
            extraMatchers: `namespace="shop"`,
        });
        const q = prometheusQueries(config, { ...query, windowSeconds: 30 });
        assert.equal(
            q.errors,
            `sum(increase(http_server_requests_seconds_count{app="backend",rollouts_pod_template_hash="canary",uri!="/actuator/health",namespace="shop",status=~"5..|429"}[30s]))`,
        );
        assert.match(q.p95Ms, /http_server_requests_seconds_bucket\{app="backend",/);
    });

    it("fill whole custom queries' placeholders, escaping label values for PromQL strings", () => {
        const config = PrometheusSourceSchema.parse({
            url: "http://prom:9090",
            queries: {
                requests: `sum(rate(istio_requests_total{destination_workload="{{service}}-{{track}}"}[{{window}}])) * 60`,
                p95Ms: `histogram_quantile(0.95, sum by (le) (rate(latency_ms_bucket{{selector}}[{{ window }}])))`,
            },
        });
        const q = prometheusQueries(config, { service: `we"ird\\svc`, track: "canary", windowSeconds: 120 });
        assert.equal(q.requests, `sum(rate(istio_requests_total{destination_workload="we\\"ird\\\\svc-canary"}[120s])) * 60`);
        assert.match(q.p95Ms, /latency_ms_bucket\{service="we\\"ird\\\\svc",track="canary",route!="\/health",route!="\/metrics"\}\[120s\]/);
        assert.match(q.errors, /^sum\(increase\(http_requests_total\{/, "queries not given keep their default");
    });

    it("reject unknown placeholders, bad names and non-http URLs with a message naming the field", () => {
        const problems = (input: unknown) => {
            const r = PrometheusSourceSchema.safeParse(input);
            assert.equal(r.success, false, JSON.stringify(input));
            return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
        };
        assert.match(problems({ url: "http://p:9090", queries: { requests: "sum({{target}})" } }), /queries\.requests: unknown placeholder \{\{target\}\}/);
        assert.match(problems({ url: "http://p:9090", metrics: { requests: "http-requests" } }), /metrics\.requests: not a Prometheus metric name/);
        assert.match(problems({ url: "http://p:9090", labels: { track: "1track" } }), /labels\.track: not a Prometheus label name/);
        assert.match(problems({ url: "ftp://p:9090" }), /url: url must be an http\(s\) URL/);
        assert.match(problems({ url: "http://p:9090", timeout: 3 }), /Unrecognized key/);
    });

    it("parse Prometheus' sample strings, special floats included", () => {
        assert.equal(parsePromValue("12.5"), 12.5);
        assert.equal(parsePromValue("1e3"), 1000);
        assert.ok(Number.isNaN(parsePromValue("NaN")));
        assert.equal(parsePromValue("+Inf"), Infinity);
        assert.equal(parsePromValue("-Inf"), -Infinity);
        assert.ok(Number.isNaN(parsePromValue("")));
        assert.ok(Number.isNaN(parsePromValue("twelve")));
    });
});

describe("http json source", () => {
    it("fills {service}, {track} and {window} into the URL, URL-encoded", () => {
        const source = new HttpJsonSource({ url: "http://127.0.0.1:8080/traffic/{service}?track={track}&window={window}" });
        assert.equal(source.url({ service: "shop api", track: "canary", windowSeconds: 90 }), "http://127.0.0.1:8080/traffic/shop%20api?track=canary&window=90");
        assert.equal(source.name, "http-json http://127.0.0.1:8080/traffic/{service}?track={track}&window={window}");
    });

    it("rejects an unknown placeholder and a URL that is not http(s)", () => {
        assert.match(JSON.stringify(HttpJsonSourceSchema.safeParse({ url: "http://h/{target}" }).error?.issues), /unknown placeholder \{target\}/);
        assert.equal(HttpJsonSourceSchema.safeParse({ url: "file:///tmp/{service}" }).success, false);
        assert.equal(HttpJsonSourceSchema.safeParse({ url: "not a url" }).success, false);
    });

    it("validates answers: numbers, non-negative, errors within requests, p95Ms optional or null", () => {
        assert.ok(HttpJsonAnswerSchema.safeParse({ requests: 10, errors: 1, p95Ms: 12.5 }).success);
        assert.ok(HttpJsonAnswerSchema.safeParse({ requests: 10, errors: 1, p95Ms: null, extra: "ignored" }).success);
        for (const bad of [
            { requests: "10", errors: 1 },
            { requests: 10 },
            { requests: 10, errors: -1 },
            { requests: 10, errors: 11 },
            { requests: 10, errors: 1, p95Ms: "fast" },
            [10, 1],
        ]) {
            assert.equal(HttpJsonAnswerSchema.safeParse(bad).success, false, JSON.stringify(bad));
        }
    });

    it("accepts an optional latency histogram (leMs, +Inf last) and refuses one without +Inf or with bad counts", () => {
        const buckets = [
            { leMs: 50, count: 8 },
            { leMs: "+Inf", count: 10 },
        ];
        assert.ok(HttpJsonAnswerSchema.safeParse({ requests: 10, errors: 0, buckets }).success);
        assert.ok(HttpJsonAnswerSchema.safeParse({ requests: 10, errors: 0, buckets: null }).success);
        for (const bad of [[{ leMs: 50, count: 8 }], [{ leMs: "+Inf", count: -1 }], [{ leMs: "inf", count: 1 }], [{ leMs: 0, count: 1 }, { leMs: "+Inf", count: 1 }]]) {
            assert.equal(HttpJsonAnswerSchema.safeParse({ requests: 10, errors: 0, buckets: bad }).success, false, JSON.stringify(bad));
        }
    });

    it("hands the histogram to the judge only when asked, +Inf as Infinity", async () => {
        const server = http.createServer((_, res) => {
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ requests: 10, errors: 1, p95Ms: 40, buckets: [{ leMs: 50, count: 9 }, { leMs: "+Inf", count: 10 }] }));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const port = (server.address() as AddressInfo).port;
            const source = new HttpJsonSource({ url: `http://127.0.0.1:${port}/m?track={track}` });
            assert.deepEqual(await source.measure({ ...query, buckets: true }), {
                requests: 10,
                errors: 1,
                p95Ms: 40,
                buckets: [
                    { leMs: 50, count: 9 },
                    { leMs: Infinity, count: 10 },
                ],
            });
            assert.deepEqual(await source.measure(query), { requests: 10, errors: 1, p95Ms: 40 });
        } finally {
            server.close();
        }
    });
});
