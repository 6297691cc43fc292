import { CloudWatchClient, CloudWatchClientConfig, GetMetricDataCommand, GetMetricDataCommandOutput, MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { z } from "zod";
import { Measurement, MetricQuery, MetricSource, MetricSourceError } from "./metric-source";

/**
 * A MetricSource over CloudWatch `GetMetricData` (@aws-sdk/client-cloudwatch, which speaks the
 * AWS JSON 1.0 protocol: POST /, X-Amz-Target GraniteServiceVersion20100801.GetMetricData).
 *
 * Each track names where its traffic is (the AWS components export it as `tracks.<t>.cloudwatch`):
 * - an ALB target group: AWS/ApplicationELB `RequestCount` (Sum), `HTTPCode_Target_5XX_Count`
 *   (Sum) and `TargetResponseTime` (p95, seconds → ms), dimensions TargetGroup + LoadBalancer;
 * - a Lambda version behind an alias: AWS/Lambda `Invocations` (Sum), `Errors` (Sum) and
 *   `Duration` (p95, ms), dimensions FunctionName + Resource (`fn:alias`) + ExecutedVersion —
 *   the dimension CloudWatch splits a weighted alias by.
 * The three come from one request over the window, rounded to whole minutes (CloudWatch's
 * resolution for these metrics). Counts add up over the datapoints; of several p95 datapoints the
 * highest is kept (percentiles do not add). No datapoint means no traffic: zero requests, which
 * the analysis treats as inconclusive. Throttling is retried by the SDK; what remains, and every
 * other failure, is a MetricSourceError (inconclusive, never a pass).
 */

export const CloudWatchTargetSchema = z.discriminatedUnion("kind", [
    z
        .object({
            kind: z.literal("alb"),
            loadBalancer: z.string().regex(/^app\/[^/]+\/[0-9a-f]+$/, { error: 'loadBalancer is an ALB ARN suffix such as "app/shop/50dc6c495c0c9188"' }),
            targetGroup: z.string().regex(/^targetgroup\/[^/]+\/[0-9a-f]+$/, { error: 'targetGroup is a target group ARN suffix such as "targetgroup/shop-canary/73e2d6bc24d8a067"' }),
        })
        .strict(),
    z
        .object({
            kind: z.literal("lambda"),
            functionName: z.string().min(1),
            alias: z.string().min(1),
            version: z.string().regex(/^[0-9]+$/, { error: "version is a published Lambda version number" }),
        })
        .strict(),
]);

export type CloudWatchTarget = z.output<typeof CloudWatchTargetSchema>;

export const CloudWatchSourceSchema = z
    .object({
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'region must be an AWS region such as "eu-west-1"' }),
        /** Another endpoint (a VPC endpoint, a test server); the region's public one by default. */
        endpoint: z.url({ protocol: /^https?$/ }).optional(),
        /** Per request, retries included. */
        timeoutSeconds: z.number().positive().max(300).default(15),
        /** Attempts per request (the SDK backs off between them, longer when throttled). */
        maxAttempts: z.number().int().min(1).max(10).default(3),
        /** Where each service's tracks are, as the stack exports them: {service: {track: target}}. */
        targets: z.record(z.string(), z.record(z.string(), CloudWatchTargetSchema)),
    })
    .strict();

export type CloudWatchSourceConfig = z.output<typeof CloudWatchSourceSchema>;
export type CloudWatchSourceInput = z.input<typeof CloudWatchSourceSchema>;

/** The three metrics of a target, as GetMetricData queries with ids `requests`, `errors`, `p95`. */
export function cloudWatchQueries(target: CloudWatchTarget, periodSeconds: number): MetricDataQuery[] {
    const [namespace, dimensions, names] =
        target.kind === "alb"
            ? ([
                  "AWS/ApplicationELB",
                  [
                      { Name: "TargetGroup", Value: target.targetGroup },
                      { Name: "LoadBalancer", Value: target.loadBalancer },
                  ],
                  { requests: "RequestCount", errors: "HTTPCode_Target_5XX_Count", latency: "TargetResponseTime" },
              ] as const)
            : ([
                  "AWS/Lambda",
                  [
                      { Name: "FunctionName", Value: target.functionName },
                      { Name: "Resource", Value: `${target.functionName}:${target.alias}` },
                      { Name: "ExecutedVersion", Value: target.version },
                  ],
                  { requests: "Invocations", errors: "Errors", latency: "Duration" },
              ] as const);
    const query = (id: string, metricName: string, stat: string): MetricDataQuery => ({
        Id: id,
        MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions.map((d) => ({ ...d })) }, Period: periodSeconds, Stat: stat },
        ReturnData: true,
    });
    return [query("requests", names.requests, "Sum"), query("errors", names.errors, "Sum"), query("p95", names.latency, "p95")];
}

/** Error names the SDK gives a throttled request (AWS JSON `__type`, or the query-compatible code). */
const THROTTLING = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"]);

export class CloudWatchSource implements MetricSource {
    readonly noBuckets = "CloudWatch gives a P95 statistic, not a latency histogram";
    readonly name: string;
    readonly config: CloudWatchSourceConfig;
    private readonly client: CloudWatchClient;

    /**
     * `clientConfig` is passed to the SDK client (credentials, a request handler…); credentials
     * otherwise come from the SDK's default chain (environment, shared files, SSO, the ECS/EC2 role).
     */
    constructor(input: CloudWatchSourceInput, options: { readonly client?: CloudWatchClient; readonly clientConfig?: CloudWatchClientConfig } = {}) {
        this.config = CloudWatchSourceSchema.parse(input);
        this.name = `cloudwatch ${this.config.region}${this.config.endpoint ? ` ${this.config.endpoint}` : ""}`;
        this.client =
            options.client ??
            new CloudWatchClient({
                region: this.config.region,
                maxAttempts: this.config.maxAttempts,
                ...(this.config.endpoint ? { endpoint: this.config.endpoint } : {}),
                ...options.clientConfig,
            });
    }

    /** Where a track's metrics are; a MetricSourceError names what the stack exported instead. */
    target(query: MetricQuery): CloudWatchTarget {
        const target = this.config.targets[query.service]?.[query.track];
        if (!target) {
            const known = Object.entries(this.config.targets).flatMap(([s, tracks]) => Object.keys(tracks).map((t) => `${s}/${t}`));
            throw new MetricSourceError(this.name, `no CloudWatch target for ${query.service}/${query.track}: the stack exports ${known.join(", ") || "none"}`);
        }
        return target;
    }

    async measure(query: MetricQuery, signal?: AbortSignal): Promise<Measurement> {
        const target = this.target(query);
        // Whole minutes, ending at the last complete one (the current minute is still filling).
        const period = Math.max(60, Math.ceil(query.windowSeconds / 60) * 60);
        const end = Math.floor(Date.now() / 60_000) * 60;
        const queries = cloudWatchQueries(target, period);
        const values: Record<string, number[]> = { requests: [], errors: [], p95: [] };
        let nextToken: string | undefined;
        let pages = 0;
        do {
            const output = await this.send(
                new GetMetricDataCommand({
                    StartTime: new Date((end - period) * 1000),
                    EndTime: new Date(end * 1000),
                    MetricDataQueries: queries,
                    ScanBy: "TimestampDescending",
                    ...(nextToken ? { NextToken: nextToken } : {}),
                }),
                query,
                signal,
            );
            for (const result of output.MetricDataResults ?? []) {
                if (result.StatusCode === "InternalError" || result.StatusCode === "Forbidden") {
                    const detail = (result.Messages ?? []).map((m) => `${m.Code}: ${m.Value}`).join("; ");
                    throw new MetricSourceError(this.name, `${result.Id} of ${query.service}/${query.track} answered ${result.StatusCode}${detail ? ` (${detail})` : ""}`);
                }
                if (result.Id && result.Id in values) {
                    values[result.Id].push(...(result.Values ?? []).filter((v) => Number.isFinite(v)));
                }
            }
            for (const message of output.Messages ?? []) {
                if (message.Code && /Error|Exceeded|Denied/i.test(message.Code)) {
                    throw new MetricSourceError(this.name, `GetMetricData for ${query.service}/${query.track}: ${message.Code}: ${message.Value ?? ""}`);
                }
            }
            nextToken = output.NextToken;
            pages++;
        } while (nextToken && pages < 10);
        if (nextToken) {
            throw new MetricSourceError(this.name, `GetMetricData for ${query.service}/${query.track} did not finish in 10 pages`);
        }
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        const requests = sum(values.requests);
        const errors = sum(values.errors);
        if (requests < 0 || errors < 0) {
            throw new MetricSourceError(this.name, `negative counts for ${query.service}/${query.track}: requests ${requests}, errors ${errors}`);
        }
        if (errors > requests * 1.001 + 1e-9) {
            throw new MetricSourceError(this.name, `errors (${errors}) exceed requests (${requests}) for ${query.service}/${query.track}: the two metrics do not count the same traffic`);
        }
        // TargetResponseTime is in seconds, Lambda's Duration in milliseconds.
        const scale = target.kind === "alb" ? 1000 : 1;
        const p95 = values.p95.length ? Math.max(...values.p95) * scale : undefined;
        return { requests, errors: Math.min(errors, requests), ...(p95 !== undefined && requests > 0 ? { p95Ms: p95 } : {}) };
    }

    private async send(command: GetMetricDataCommand, query: MetricQuery, signal?: AbortSignal): Promise<GetMetricDataCommandOutput> {
        const timeout = AbortSignal.timeout(this.config.timeoutSeconds * 1000);
        const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
        try {
            return await this.client.send(command, { abortSignal });
        } catch (err) {
            if (signal?.aborted) {
                throw signal.reason;
            }
            const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
            const where = `GetMetricData for ${query.service}/${query.track}`;
            if (timeout.aborted) {
                throw new MetricSourceError(this.name, `${where} got no answer within ${this.config.timeoutSeconds}s`, err);
            }
            if (THROTTLING.has(e.name ?? "") || e.$metadata?.httpStatusCode === 429) {
                throw new MetricSourceError(this.name, `${where} was throttled (${e.name}) after ${e.$metadata?.attempts ?? this.config.maxAttempts} attempts: ${e.message ?? ""}`, err);
            }
            const status = e.$metadata?.httpStatusCode ? `HTTP ${e.$metadata.httpStatusCode} ` : "";
            throw new MetricSourceError(this.name, `${where} failed: ${status}${e.name ?? "Error"}: ${e.message ?? String(err)}`, err);
        }
    }
}

/** The CloudWatch targets of every service's tracks, from the stack's `services` output. */
export function cloudWatchTargetsFromServices(services: Record<string, { tracks: Record<string, unknown> }>): Record<string, Record<string, CloudWatchTarget>> {
    const out: Record<string, Record<string, CloudWatchTarget>> = {};
    for (const [service, { tracks }] of Object.entries(services)) {
        for (const [track, status] of Object.entries(tracks)) {
            const parsed = CloudWatchTargetSchema.safeParse((status as { cloudwatch?: unknown } | undefined)?.cloudwatch);
            if (parsed.success) {
                (out[service] ??= {})[track] = parsed.data;
            }
        }
    }
    return out;
}
