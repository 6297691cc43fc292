import { z } from "zod";
import { NoAnswer, httpRequest } from "../http-request";
import { messageOf } from "./format";
import { LatencyBucket, Measurement, MetricQuery, MetricSource, MetricSourceError } from "./metric-source";

/**
 * A MetricSource over Prometheus' HTTP API (`GET /api/v1/query`, an instant query).
 *
 * By default it reads prom-client's conventions, as the shop example exports them:
 *   requests = sum(increase(http_requests_total{service="S",track="T",route!="/health",route!="/metrics"}[W]))
 *   errors   = the same with code=~"5.."
 *   p95Ms    = 1000 * histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{…}[W])))
 * Metric names, label names, excluded routes and the error codes are settings; so are whole
 * queries (as Flagger's MetricTemplate), with placeholders:
 *   {{service}} {{track}}  the label values, escaped for a PromQL string ("…" around them is yours)
 *   {{window}}             the range, e.g. 60s
 *   {{selector}}           the default matchers with their braces: {service="S",track="T",route!="/health",…}
 * A custom `p95Ms` query answers milliseconds. Each query must answer one sample (a scalar or a
 * one-element vector: wrap it in sum()). All three are evaluated at the same instant.
 *
 * For the sequential judge (a query with `buckets: true`) a fourth, at the same instant, reads the
 * window's latency histogram:
 *   buckets  = sum by (le) (increase(http_request_duration_seconds_bucket{…}[W]))
 * one series per `le` bound, in seconds as the histogram is (a custom `buckets` query answers the
 * same shape). An empty answer means the histogram is missing: the judge then checks latency with
 * the thresholds and says so.
 */

const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { error: "not a Prometheus metric name" });
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: "not a Prometheus label name" });

const PLACEHOLDER = /\{\{\s*([a-zA-Z]+)\s*\}\}/g;
const PLACEHOLDERS = ["service", "track", "window", "selector"];

const queryTemplate = z
    .string()
    .min(1)
    .superRefine((q, ctx) => {
        for (const [, name] of q.matchAll(PLACEHOLDER)) {
            if (!PLACEHOLDERS.includes(name)) {
                ctx.addIssue({ code: "custom", message: `unknown placeholder {{${name}}}: use ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}` });
            }
        }
    });

export const PrometheusSourceSchema = z
    .object({
        /** Prometheus' base URL, e.g. http://127.0.0.1:9090 (a path prefix such as /prometheus is kept). */
        url: z.url({ protocol: /^https?$/, error: "url must be an http(s) URL such as http://127.0.0.1:9090" }),
        /** Per query; a source that does not answer in time makes the measurement inconclusive. */
        timeoutSeconds: z.number().positive().max(300).default(10),
        /** Extra request headers, e.g. { authorization: "Bearer …" } for a managed Prometheus. */
        headers: z.record(z.string(), z.string()).default({}),
        metrics: z
            .object({
                /** A counter of requests, with the route and status-code labels below. */
                requests: metricName.default("http_requests_total"),
                /** A histogram of request durations in seconds (its _bucket series are read). */
                duration: metricName.default("http_request_duration_seconds"),
            })
            .strict()
            .prefault({}),
        labels: z
            .object({
                service: labelName.default("service"),
                track: labelName.default("track"),
                route: labelName.default("route"),
                code: labelName.default("code"),
            })
            .strict()
            .prefault({}),
        /** Routes that are not user traffic (probes and scrapes must not dilute an error rate). */
        excludeRoutes: z.array(z.string()).default(["/health", "/metrics"]),
        /** A regular expression (PromQL's RE2) the status-code label matches for a server error. */
        errorCodes: z.string().min(1).default("5.."),
        /** More matchers added to every default query, e.g. namespace="shop",cluster="eu-1". */
        extraMatchers: z.string().optional(),
        /** Whole queries replacing the defaults, one by one. */
        queries: z
            .object({ requests: queryTemplate.optional(), errors: queryTemplate.optional(), p95Ms: queryTemplate.optional(), buckets: queryTemplate.optional() })
            .strict()
            .prefault({}),
    })
    .strict();

export type PrometheusSourceConfig = z.output<typeof PrometheusSourceSchema>;
export type PrometheusSourceInput = z.input<typeof PrometheusSourceSchema>;

export interface PrometheusQueries {
    readonly requests: string;
    readonly errors: string;
    readonly p95Ms: string;
    /** By `le` (seconds): the window's cumulative histogram. */
    readonly buckets: string;
}

/** A label value inside a PromQL double-quoted string. */
export function promString(value: string): string {
    return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** The three queries for one MetricQuery: what the report can show next to the figures. */
export function prometheusQueries(config: PrometheusSourceConfig, query: MetricQuery): PrometheusQueries {
    const { labels, metrics } = config;
    const window = `${Math.max(1, Math.round(query.windowSeconds))}s`;
    const matchers = [
        `${labels.service}="${promString(query.service)}"`,
        `${labels.track}="${promString(query.track)}"`,
        ...config.excludeRoutes.map((r) => `${labels.route}!="${promString(r)}"`),
        ...(config.extraMatchers ? [config.extraMatchers] : []),
    ];
    const selector = `{${matchers.join(",")}}`;
    const errorSelector = `{${[...matchers, `${labels.code}=~"${promString(config.errorCodes)}"`].join(",")}}`;
    const fill = (template: string) =>
        template.replace(PLACEHOLDER, (_, name: string) =>
            name === "service" ? promString(query.service) : name === "track" ? promString(query.track) : name === "window" ? window : selector,
        );
    return {
        requests: fill(config.queries.requests ?? `sum(increase(${metrics.requests}${selector}[${window}]))`),
        errors: fill(config.queries.errors ?? `sum(increase(${metrics.requests}${errorSelector}[${window}]))`),
        p95Ms: fill(
            config.queries.p95Ms ?? `1000 * histogram_quantile(0.95, sum by (le) (rate(${metrics.duration}_bucket${selector}[${window}])))`,
        ),
        buckets: fill(config.queries.buckets ?? `sum by (le) (increase(${metrics.duration}_bucket${selector}[${window}]))`),
    };
}

/** Prometheus' answer envelope. Sample values are strings: "12.5", "NaN", "+Inf". */
const SampleSchema = z.tuple([z.number(), z.string()]);
const ApiAnswerSchema = z.object({
    status: z.enum(["success", "error"]),
    data: z
        .object({
            resultType: z.enum(["vector", "scalar", "matrix", "string"]),
            result: z.unknown(),
        })
        .optional(),
    errorType: z.string().optional(),
    error: z.string().optional(),
    warnings: z.array(z.string()).optional(),
});
const VectorSchema = z.array(z.object({ metric: z.record(z.string(), z.string()), value: SampleSchema }));

/** Prometheus writes special floats as NaN, +Inf, -Inf; Number() knows only "Infinity". */
export function parsePromValue(text: string): number {
    switch (text) {
        case "NaN":
            return NaN;
        case "+Inf":
        case "Inf":
            return Infinity;
        case "-Inf":
            return -Infinity;
        default: {
            const n = Number(text);
            return text.trim() === "" ? NaN : n;
        }
    }
}

export class PrometheusSource implements MetricSource {
    readonly name: string;
    readonly config: PrometheusSourceConfig;

    constructor(input: PrometheusSourceInput) {
        this.config = PrometheusSourceSchema.parse(input);
        this.name = `prometheus ${this.config.url}`;
    }

    queries(query: MetricQuery): PrometheusQueries {
        return prometheusQueries(this.config, query);
    }

    async measure(query: MetricQuery, signal?: AbortSignal): Promise<Measurement> {
        const q = this.queries(query);
        // One evaluation instant for the three, so errors and requests describe the same window.
        const time = (Date.now() / 1000).toFixed(3);
        const [requests, errors, p95, buckets] = await Promise.all([
            this.sample("requests", q.requests, time, signal),
            this.sample("errors", q.errors, time, signal),
            this.sample("p95Ms", q.p95Ms, time, signal),
            query.buckets ? this.histogram(q.buckets, time, signal) : undefined,
        ]);
        // An empty answer for a counter means no series matched: nothing served (prom-client only
        // creates a code="500" series on the first 500). Zero requests make the verdict inconclusive.
        const req = requests ?? 0;
        const err = errors ?? 0;
        for (const [what, value, text] of [
            ["requests", req, q.requests],
            ["errors", err, q.errors],
        ] as const) {
            if (!Number.isFinite(value) || value < 0) {
                throw new MetricSourceError(this.name, `${what} query answered ${value}, not a count (query: ${text})`);
            }
        }
        if (err > req * 1.001 + 1e-9) {
            throw new MetricSourceError(this.name, `errors (${err}) exceed requests (${req}): the two queries do not count the same traffic`);
        }
        if (p95 !== undefined && p95 < 0) {
            throw new MetricSourceError(this.name, `p95Ms query answered ${p95}, not a latency (query: ${q.p95Ms})`);
        }
        // NaN is histogram_quantile's answer for a window without requests: no latency, not an error.
        // +Inf (the quantile lies in the +Inf bucket) is kept: it is slower than every bucket.
        return {
            requests: req,
            errors: Math.min(err, req),
            ...(p95 === undefined || Number.isNaN(p95) ? {} : { p95Ms: p95 }),
            ...(buckets?.length ? { buckets } : {}),
        };
    }

    /** The bucket query: one series per `le` (seconds) → buckets in ms, ascending; [] when no series matched. */
    private async histogram(promql: string, time: string, signal?: AbortSignal): Promise<LatencyBucket[]> {
        const series = await this.vector("buckets", promql, time, signal);
        const fail = (message: string) => new MetricSourceError(this.name, `buckets query ${message} (query: ${promql})`);
        const buckets = series.map((s) => {
            const le = s.metric.le;
            const count = parsePromValue(s.value[1]);
            if (le === undefined) {
                throw fail(`answered a series without an le label (${JSON.stringify(s.metric)}): use sum by (le) (…)`);
            }
            const leSeconds = parsePromValue(le);
            if (Number.isNaN(leSeconds) || !Number.isFinite(count) || count < 0) {
                throw fail(`answered le="${le}" with ${s.value[1]}, not a bucket count`);
            }
            return { leMs: leSeconds === Infinity ? Infinity : leSeconds * 1000, count };
        });
        buckets.sort((x, y) => x.leMs - y.leMs);
        if (buckets.length && buckets.at(-1)?.leMs !== Infinity) {
            throw fail('answered no le="+Inf" bucket: every histogram has one');
        }
        return buckets;
    }

    /** One instant query answering a vector of any length (the histogram's buckets). */
    private async vector(what: string, promql: string, time: string, signal?: AbortSignal): Promise<z.output<typeof VectorSchema>> {
        const { resultType, result } = await this.query(what, promql, time, signal);
        const fail = (message: string) => new MetricSourceError(this.name, `${what} query ${message} (query: ${promql})`);
        if (resultType !== "vector") {
            throw fail(`answered a ${resultType}, expected a vector by le`);
        }
        const vector = VectorSchema.safeParse(result);
        if (!vector.success) {
            throw fail(`answered a malformed vector: ${messageOf(vector.error.issues[0]?.message)}`);
        }
        return vector.data;
    }

    /** One instant query; undefined for an empty vector. */
    private async sample(what: string, promql: string, time: string, signal?: AbortSignal): Promise<number | undefined> {
        const fail = (message: string) => new MetricSourceError(this.name, `${what} query ${message} (query: ${promql})`);
        const { resultType, result } = await this.query(what, promql, time, signal);
        if (resultType === "scalar") {
            const sample = SampleSchema.safeParse(result);
            if (!sample.success) {
                throw fail("answered a malformed scalar");
            }
            return parsePromValue(sample.data[1]);
        }
        if (resultType !== "vector") {
            throw fail(`answered a ${resultType}, expected one sample: use an instant vector expression`);
        }
        const vector = VectorSchema.safeParse(result);
        if (!vector.success) {
            throw fail(`answered a malformed vector: ${messageOf(vector.error.issues[0]?.message)}`);
        }
        if (vector.data.length === 0) {
            return undefined;
        }
        if (vector.data.length > 1) {
            const series = vector.data.slice(0, 3).map((s) => JSON.stringify(s.metric));
            throw fail(`answered ${vector.data.length} series (${series.join(", ")}…), expected one: wrap the query in sum()`);
        }
        return parsePromValue(vector.data[0].value[1]);
    }

    /** One instant query's data, or a MetricSourceError saying what went wrong. */
    private async query(what: string, promql: string, time: string, signal?: AbortSignal): Promise<{ resultType: string; result: unknown }> {
        const base = this.config.url.endsWith("/") ? this.config.url : `${this.config.url}/`;
        const url = new URL("api/v1/query", base);
        url.searchParams.set("query", promql);
        url.searchParams.set("time", time);
        const timeoutMs = this.config.timeoutSeconds * 1000;
        const fail = (message: string, cause?: unknown) =>
            new MetricSourceError(this.name, `${what} query ${message} (query: ${promql})`, cause);

        let status: number;
        let text: string;
        try {
            ({ status, text } = await httpRequest(url.toString(), { timeoutMs, signal, headers: { accept: "application/json", ...this.config.headers } }));
        } catch (err) {
            if (!(err instanceof NoAnswer)) throw err;
            throw fail(`got no answer: ${err.message}`, err.cause);
        }

        let body: z.output<typeof ApiAnswerSchema> | undefined;
        try {
            const parsed = ApiAnswerSchema.safeParse(JSON.parse(text));
            body = parsed.success ? parsed.data : undefined;
        } catch {
            body = undefined;
        }
        if (body?.status === "error") {
            // Prometheus answers 400 bad_data for a bad query, 422/503 for execution problems.
            throw fail(`failed: HTTP ${status} ${body.errorType ?? "error"}: ${body.error ?? "no message"}`);
        }
        if (status < 200 || status > 299) {
            throw fail(`failed: HTTP ${status}${body ? "" : ` (not Prometheus' API answer: ${JSON.stringify(text.slice(0, 80))})`}`);
        }
        if (!body || !body.data) {
            throw fail(`got an answer that is not Prometheus' query API: ${JSON.stringify(text.slice(0, 80))}`);
        }
        return body.data;
    }
}
