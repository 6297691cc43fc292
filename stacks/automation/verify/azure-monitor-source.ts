import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from "@azure/monitor-query-logs";
import { MetricsClient, type MetricsQueryResult } from "@azure/monitor-query-metrics";
import { z } from "zod";
import { Measurement, MetricQuery, MetricSource, MetricSourceError } from "./metric-source";

/**
 * A MetricSource over Azure Monitor.
 *
 * Requests and server errors come from platform metrics (`@azure/monitor-query-metrics`, the
 * regional batch API `POST /subscriptions/{id}/metrics:getBatch`):
 * - a Container Apps revision: `Requests` (Total) filtered to the revision and split by
 *   `statusCodeCategory`; errors are the "5xx" series;
 * - an App Service site or slot: `Requests` and `Http5xx` (Total) of that site or slot.
 * Platform metrics have no percentiles, so p95 comes from Application Insights requests in a Log
 * Analytics workspace (`@azure/monitor-query-logs`, KQL `percentile(DurationMs, 95)` over
 * `AppRequests`), narrowed to the revision (`AppRoleInstance` starts with its name) or the slot
 * (`AppRoleName`, the slot's sticky OTEL_SERVICE_NAME). Without a workspace the measurement has no
 * p95. Throttling (429) is retried by the SDK pipeline after Retry-After; what remains, and every
 * other failure, is a MetricSourceError (inconclusive, never a pass).
 */

export const AzureMonitorTargetSchema = z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("containerApp"), resourceId: z.string().startsWith("/subscriptions/"), revision: z.string().min(1) }).strict(),
    z.object({ kind: z.literal("appService"), resourceId: z.string().startsWith("/subscriptions/"), roleName: z.string().min(1) }).strict(),
]);

export type AzureMonitorTarget = z.output<typeof AzureMonitorTargetSchema>;

/** Placeholders of a custom p95 query: {{selector}} (the default filter), {{revision}}, {{roleName}}. */
const PLACEHOLDER = /\{\{\s*([a-zA-Z]+)\s*\}\}/g;

export const AzureMonitorSourceSchema = z
    .object({
        /** The regional metrics endpoint of the resources, e.g. https://westeurope.metrics.monitor.azure.com */
        metricsEndpoint: z.url({ protocol: /^https$/, error: "metricsEndpoint is the region's https metrics endpoint, e.g. https://westeurope.metrics.monitor.azure.com" }),
        /** The Log Analytics workspace behind Application Insights, for p95. */
        logs: z
            .object({
                workspaceId: z.string().min(1),
                /** Another endpoint than https://api.loganalytics.io/v1 (sovereign clouds, tests). */
                endpoint: z.url({ protocol: /^https$/ }).optional(),
                /** A KQL query answering one row with a `p95Ms` column. */
                query: z.string().min(1).optional(),
            })
            .strict()
            .optional(),
        timeoutSeconds: z.number().positive().max(300).default(30),
        /** Metric granularity, ISO 8601. */
        interval: z.string().regex(/^PT\d+[MH]$/).default("PT1M"),
        targets: z.record(z.string(), z.record(z.string(), AzureMonitorTargetSchema)),
    })
    .strict();

export type AzureMonitorSourceConfig = z.output<typeof AzureMonitorSourceSchema>;
export type AzureMonitorSourceInput = z.input<typeof AzureMonitorSourceSchema>;

/** A KQL string literal. */
export function kqlString(value: string): string {
    return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The default filter of a target's Application Insights requests. */
export function logSelector(target: AzureMonitorTarget): string {
    return target.kind === "containerApp" ? `AppRoleInstance startswith ${kqlString(target.revision)}` : `AppRoleName == ${kqlString(target.roleName)}`;
}

/** The p95 query of a target (custom templates get the selector and the target's names). */
export function p95Query(target: AzureMonitorTarget, template?: string): string {
    const selector = logSelector(target);
    if (template) {
        return template.replace(PLACEHOLDER, (_m, name: string) =>
            name === "selector" ? selector : name === "revision" && target.kind === "containerApp" ? target.revision : name === "roleName" && target.kind === "appService" ? target.roleName : `{{${name}}}`,
        );
    }
    return `AppRequests\n| where ${selector}\n| summarize p95Ms = percentile(DurationMs, 95), requests = count()`;
}

/** The resource type's metric namespace: a slot's ID has `/slots/`. */
function namespaceOf(target: AzureMonitorTarget): string {
    if (target.kind === "containerApp") {
        return "Microsoft.App/containerApps";
    }
    return /\/slots\/[^/]+$/i.test(target.resourceId) ? "Microsoft.Web/sites/slots" : "Microsoft.Web/sites";
}

/** The metric's time series totals, by the value of one dimension (or "" when not split). */
function totals(result: MetricsQueryResult, metric: string, dimension?: string): Map<string, number> {
    const found = result.metrics.find((m) => m.name.toLowerCase() === metric.toLowerCase());
    const out = new Map<string, number>();
    if (!found) {
        return out;
    }
    for (const series of found.timeseries ?? []) {
        const key = dimension ? (series.metadatavalues?.find((md) => md.name?.toLowerCase() === dimension.toLowerCase())?.value ?? "") : "";
        const total = (series.data ?? []).reduce((sum, point) => sum + (typeof point.total === "number" && Number.isFinite(point.total) ? point.total : 0), 0);
        out.set(key, (out.get(key) ?? 0) + total);
    }
    return out;
}

export interface AzureMonitorSourceOptions {
    /** How to sign in (default: DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI…). */
    readonly credential?: TokenCredential;
    /** Passed to both SDK clients (retry options, TLS settings, a custom HTTP client…). */
    readonly clientOptions?: Record<string, unknown>;
    readonly metricsClient?: MetricsClient;
    readonly logsClient?: LogsQueryClient;
}

export class AzureMonitorSource implements MetricSource {
    readonly noBuckets = "Azure Monitor gives a P95 (Log Analytics), not a latency histogram";
    readonly name: string;
    readonly config: AzureMonitorSourceConfig;
    private readonly metrics: MetricsClient;
    private readonly logs?: LogsQueryClient;

    constructor(input: AzureMonitorSourceInput, options: AzureMonitorSourceOptions = {}) {
        this.config = AzureMonitorSourceSchema.parse(input);
        this.name = `azure-monitor ${new URL(this.config.metricsEndpoint).host}`;
        const credential = options.credential ?? new DefaultAzureCredential();
        this.metrics = options.metricsClient ?? new MetricsClient(this.config.metricsEndpoint, credential, { ...options.clientOptions });
        if (this.config.logs) {
            this.logs =
                options.logsClient ??
                new LogsQueryClient(credential, { ...options.clientOptions, ...(this.config.logs.endpoint ? { endpoint: this.config.logs.endpoint } : {}) });
        }
    }

    target(query: MetricQuery): AzureMonitorTarget {
        const target = this.config.targets[query.service]?.[query.track];
        if (!target) {
            const known = Object.entries(this.config.targets).flatMap(([s, tracks]) => Object.keys(tracks).map((t) => `${s}/${t}`));
            throw new MetricSourceError(this.name, `no Azure Monitor target for ${query.service}/${query.track}: the stack exports ${known.join(", ") || "none"}`);
        }
        return target;
    }

    async measure(query: MetricQuery, signal?: AbortSignal): Promise<Measurement> {
        const target = this.target(query);
        const minutes = Math.max(1, Math.ceil(query.windowSeconds / 60));
        const endTime = new Date(Math.floor(Date.now() / 60_000) * 60_000);
        const startTime = new Date(endTime.getTime() - minutes * 60_000);
        const timeout = AbortSignal.timeout(this.config.timeoutSeconds * 1000);
        const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
        const where = `${query.service}/${query.track}`;
        const guard = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
            try {
                return await run();
            } catch (err) {
                if (signal?.aborted) {
                    throw signal.reason;
                }
                if (err instanceof MetricSourceError) {
                    throw err;
                }
                if (timeout.aborted) {
                    throw new MetricSourceError(this.name, `${what} for ${where} got no answer within ${this.config.timeoutSeconds}s`, err);
                }
                const e = err as { statusCode?: number; code?: string; message?: string };
                if (e.statusCode === 429) {
                    throw new MetricSourceError(this.name, `${what} for ${where} was throttled (HTTP 429) after the SDK's retries: ${e.message ?? ""}`, err);
                }
                throw new MetricSourceError(this.name, `${what} for ${where} failed: ${e.statusCode ? `HTTP ${e.statusCode} ` : ""}${e.code ?? "Error"}: ${e.message ?? String(err)}`, err);
            }
        };

        const [counts, p95Ms] = await Promise.all([
            guard("the metrics query", () => this.counts(target, startTime, endTime, abortSignal)),
            this.logs && this.config.logs ? guard("the p95 query", () => this.p95(target, startTime, endTime, abortSignal)) : Promise.resolve(undefined),
        ]);
        if (counts.errors > counts.requests * 1.001 + 1e-9) {
            throw new MetricSourceError(this.name, `errors (${counts.errors}) exceed requests (${counts.requests}) for ${where}: the metrics do not count the same traffic`);
        }
        return { requests: counts.requests, errors: Math.min(counts.errors, counts.requests), ...(p95Ms !== undefined && counts.requests > 0 ? { p95Ms } : {}) };
    }

    private async counts(target: AzureMonitorTarget, startTime: Date, endTime: Date, abortSignal: AbortSignal): Promise<{ requests: number; errors: number }> {
        const names = target.kind === "containerApp" ? ["Requests"] : ["Requests", "Http5xx"];
        const options = {
            startTime,
            endTime,
            interval: this.config.interval,
            aggregation: "Total",
            ...(target.kind === "containerApp" ? { filter: `revisionName eq '${target.revision.replace(/'/g, "''")}' and statusCodeCategory eq '*'`, top: 20 } : {}),
            abortSignal,
        };
        const results = await this.metrics.queryResources([target.resourceId], names, namespaceOf(target), options as never);
        const result = results.find((r) => (r.resourceId ?? "").toLowerCase() === target.resourceId.toLowerCase()) ?? results[0];
        if (!result) {
            throw new MetricSourceError(this.name, `the metrics query answered nothing for ${target.resourceId}`);
        }
        for (const metric of result.metrics) {
            if (metric.errorCode && metric.errorCode !== "Success") {
                throw new MetricSourceError(this.name, `metric ${metric.name} of ${target.resourceId}: ${metric.errorCode}: ${metric.errorMessage ?? ""}`);
            }
        }
        if (target.kind === "containerApp") {
            const byCategory = totals(result, "Requests", "statusCodeCategory");
            const requests = [...byCategory.values()].reduce((a, b) => a + b, 0);
            return { requests, errors: byCategory.get("5xx") ?? 0 };
        }
        const requests = totals(result, "Requests").get("") ?? 0;
        return { requests, errors: totals(result, "Http5xx").get("") ?? 0 };
    }

    private async p95(target: AzureMonitorTarget, startTime: Date, endTime: Date, abortSignal: AbortSignal): Promise<number | undefined> {
        const query = p95Query(target, this.config.logs!.query);
        const result = await this.logs!.queryWorkspace(this.config.logs!.workspaceId, query, { startTime, endTime }, { abortSignal, serverTimeoutInSeconds: Math.ceil(this.config.timeoutSeconds) });
        if (result.status === LogsQueryResultStatus.PartialFailure) {
            throw new MetricSourceError(this.name, `the p95 query answered partially: ${result.partialError.code}: ${result.partialError.message}`);
        }
        return readP95(result.tables, this.name);
    }
}

/** The `p95Ms` column of the first row; undefined for no row or an empty value (no requests in the window). */
export function readP95(tables: LogsTable[], source: string): number | undefined {
    const table = tables[0];
    if (!table) {
        return undefined;
    }
    const column = table.columnDescriptors.findIndex((c) => c.name === "p95Ms");
    if (column < 0) {
        throw new MetricSourceError(source, `the p95 query answered no p95Ms column (columns: ${table.columnDescriptors.map((c) => c.name).join(", ")})`);
    }
    const value = table.rows[0]?.[column];
    if (value === undefined || value === null || value === "") {
        return undefined;
    }
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) {
        throw new MetricSourceError(source, `the p95 query answered ${JSON.stringify(value)}, not a latency`);
    }
    return n;
}

/** The Azure Monitor targets of every service's tracks, from the stack's `services` output. */
export function azureMonitorTargetsFromServices(services: Record<string, { tracks: Record<string, unknown> }>): Record<string, Record<string, AzureMonitorTarget>> {
    const out: Record<string, Record<string, AzureMonitorTarget>> = {};
    for (const [service, { tracks }] of Object.entries(services)) {
        for (const [track, status] of Object.entries(tracks)) {
            const parsed = AzureMonitorTargetSchema.safeParse((status as { azureMonitor?: unknown } | undefined)?.azureMonitor);
            if (parsed.success) {
                (out[service] ??= {})[track] = parsed.data;
            }
        }
    }
    return out;
}
