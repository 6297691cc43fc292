import { z } from "zod";
import { NoAnswer, httpRequest } from "../http-request";
import { Measurement, MetricQuery, MetricSource, MetricSourceError } from "./metric-source";

/**
 * A MetricSource over any HTTP endpoint that answers the figures as JSON: the escape hatch for
 * platforms whose metrics sit behind an API of their own (Argo Rollouts' Web provider, Flagger's
 * webhooks). The URL is a template:
 *   {service}  the service's name        {track}  stable | canary | blue | green | …
 *   {window}   the window in whole seconds (e.g. 60)
 * each URL-encoded, e.g. http://metrics.internal/traffic?service={service}&track={track}&window={window}.
 * The answer must be { "requests": number, "errors": number, "p95Ms"?: number | null } with
 * 0 ≤ errors ≤ requests; anything else is a MetricSourceError, so an inconclusive verdict.
 * For the sequential judge's latency test it may add the window's latency histogram,
 * "buckets": [{ "leMs": 50, "count": 812 }, …, { "leMs": "+Inf", "count": 840 }] (cumulative
 * counts, as Prometheus' le buckets); without it the judge checks latency by the P95 thresholds.
 */

const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;
const PLACEHOLDERS = ["service", "track", "window"];

function fillTemplate(template: string, values: Record<string, string>): string {
    return template.replace(PLACEHOLDER, (_, name: string) => encodeURIComponent(values[name]));
}

export const HttpJsonSourceSchema = z
    .object({
        url: z
            .string()
            .min(1)
            .superRefine((template, ctx) => {
                const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((n) => !PLACEHOLDERS.includes(n));
                if (unknown.length) {
                    ctx.addIssue({ code: "custom", message: `unknown placeholder {${unknown[0]}}: use {service}, {track}, {window}` });
                    return;
                }
                let url: URL | undefined;
                try {
                    url = new URL(fillTemplate(template, { service: "s", track: "t", window: "60" }));
                } catch {
                    url = undefined;
                }
                if (!url || !["http:", "https:"].includes(url.protocol)) {
                    ctx.addIssue({ code: "custom", message: "url must be an http(s) URL template, e.g. http://host/metrics?service={service}&track={track}&window={window}" });
                }
            }),
        timeoutSeconds: z.number().positive().max(300).default(10),
        headers: z.record(z.string(), z.string()).default({}),
    })
    .strict();

export type HttpJsonSourceConfig = z.output<typeof HttpJsonSourceSchema>;
export type HttpJsonSourceInput = z.input<typeof HttpJsonSourceSchema>;

/** The answer. Extra fields are ignored; a missing or negative figure is not. */
export const HttpJsonAnswerSchema = z
    .looseObject({
        requests: z.number({ error: "requests must be a number" }).nonnegative({ error: "requests cannot be negative" }),
        errors: z.number({ error: "errors must be a number" }).nonnegative({ error: "errors cannot be negative" }),
        p95Ms: z
            .number({ error: "p95Ms must be a number (milliseconds) or null" })
            .nonnegative({ error: "p95Ms cannot be negative" })
            .nullable()
            .optional(),
        buckets: z
            .array(
                z
                    .object({
                        leMs: z.union([z.number().positive(), z.literal("+Inf")], { error: 'leMs is a bound in milliseconds, or "+Inf"' }),
                        count: z.number({ error: "count must be a number" }).nonnegative({ error: "count cannot be negative" }),
                    })
                    .strict(),
            )
            .refine((b) => b.length === 0 || b.some((x) => x.leMs === "+Inf"), { error: 'buckets need a "+Inf" bucket (every request)' })
            .nullable()
            .optional(),
    })
    .refine((a) => a.errors <= a.requests, { error: "errors exceed requests", path: ["errors"] });

export class HttpJsonSource implements MetricSource {
    readonly name: string;
    readonly config: HttpJsonSourceConfig;

    constructor(input: HttpJsonSourceInput) {
        this.config = HttpJsonSourceSchema.parse(input);
        this.name = `http-json ${this.config.url}`;
    }

    url(query: MetricQuery): string {
        return fillTemplate(this.config.url, {
            service: query.service,
            track: query.track,
            window: String(Math.max(1, Math.round(query.windowSeconds))),
        });
    }

    async measure(query: MetricQuery, signal?: AbortSignal): Promise<Measurement> {
        const url = this.url(query);
        const timeoutMs = this.config.timeoutSeconds * 1000;
        let status: number;
        let text: string;
        try {
            ({ status, text } = await httpRequest(url, { timeoutMs, signal, headers: { accept: "application/json", ...this.config.headers } }));
        } catch (err) {
            if (!(err instanceof NoAnswer)) throw err;
            throw new MetricSourceError(this.name, `no answer from ${url}: ${err.message}`, err.cause);
        }
        if (status < 200 || status > 299) {
            throw new MetricSourceError(this.name, `${url} answered HTTP ${status}: ${JSON.stringify(text.slice(0, 120))}`);
        }
        let json: unknown;
        try {
            json = JSON.parse(text);
        } catch (err) {
            throw new MetricSourceError(this.name, `${url} answered something that is not JSON: ${JSON.stringify(text.slice(0, 80))}`, err);
        }
        const parsed = HttpJsonAnswerSchema.safeParse(json);
        if (!parsed.success) {
            const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
            throw new MetricSourceError(this.name, `${url} answered JSON that is not {requests, errors, p95Ms}: ${problems}`);
        }
        const { requests, errors, p95Ms, buckets } = parsed.data;
        return {
            requests,
            errors,
            ...(p95Ms === null || p95Ms === undefined ? {} : { p95Ms }),
            ...(buckets?.length && query.buckets ? { buckets: buckets.map((b) => ({ leMs: b.leMs === "+Inf" ? Infinity : b.leMs, count: b.count })) } : {}),
        };
    }
}
