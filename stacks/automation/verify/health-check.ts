import { z } from "zod";
import { NoAnswer, httpRequest } from "../http-request";
import { messageOf } from "./format";

/**
 * The deployment protocol's HealthCheck (seed 000) as a schema, so an answer that merely looks
 * like JSON is not taken for a healthy service. Checks beyond the four named ones are allowed
 * when they are booleans (the shop frontend reports `backend`, say); anything else in `checks`
 * is a schema mismatch. Top-level extras (service, version, track) are kept as they are.
 */
export const HealthChecksSchema = z
    .object({
        database: z.boolean().optional(),
        pioneer: z.boolean().optional(),
        websocket: z.boolean().optional(),
        memory: z.boolean().optional(),
        errors: z.array(z.string()).optional(),
    })
    .catchall(z.boolean());

export const HealthCheckSchema = z.looseObject({
    status: z.enum(["ok", "warning", "error"]),
    checks: HealthChecksSchema,
    timestamp: z.string().min(1),
});

export type HealthCheck = z.output<typeof HealthCheckSchema>;
export type HealthStatus = HealthCheck["status"];

/** The protocol's status colors: GREEN all passed, YELLOW warning but operational, RED critical. */
export type HealthColor = "GREEN" | "YELLOW" | "RED";

export interface HealthResult {
    readonly url: string;
    /** When the check started (ISO 8601). */
    readonly at: string;
    readonly color: HealthColor;
    /** The service's own `status`, when its answer was a valid HealthCheck. */
    readonly status?: HealthStatus;
    readonly httpStatus?: number;
    readonly latencyMs: number;
    readonly report?: HealthCheck;
    /** Why the color is not GREEN, in words a person on call understands. */
    readonly reason?: string;
}

export interface CheckHealthOptions {
    readonly timeoutMs: number;
    /** Aborting it makes checkHealth reject with the signal's reason (an interruption is not RED). */
    readonly signal?: AbortSignal;
    /** Sent with the request: the candidate header, where a router sends it to the candidate. */
    readonly headers?: Readonly<Record<string, string>>;
}

/** A health answer bigger than this is not a health answer; reading stops there. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What a valid report says is wrong: false checks and logged errors, shortened for one line. */
export function healthProblems(report: HealthCheck): string[] {
    const problems: string[] = [];
    for (const [name, value] of Object.entries(report.checks)) {
        if (value === false) {
            problems.push(`${name} failing`);
        }
    }
    const errors = report.checks.errors ?? [];
    if (errors.length > 0) {
        const shown = errors.slice(0, 3).map((e) => (e.length > 120 ? `${e.slice(0, 117)}...` : e));
        const more = errors.length > 3 ? ` (+${errors.length - 3} more)` : "";
        problems.push(`errors: ${shown.join("; ")}${more}`);
    }
    return problems;
}

export interface HealthClassification {
    readonly color: HealthColor;
    readonly status?: HealthStatus;
    readonly report?: HealthCheck;
    readonly reason?: string;
}

/**
 * The color of one answer, from its HTTP status and body. Pure, so the mapping is tested apart
 * from any socket:
 * - HTTP 5xx, 4xx, 3xx → RED whatever the body says (the endpoint itself reports failure, or is
 *   not the health endpoint);
 * - a body that is not JSON, or not a HealthCheck → RED;
 * - `status: error` → RED; `warning` → YELLOW;
 * - `status: ok` with a check that is false or logged errors → YELLOW: GREEN means *all* checks
 *   passed (seed 000), while the service itself says it is operational;
 * - `status: ok` and nothing failing → GREEN.
 */
export function classifyHealth(httpStatus: number, body: string): HealthClassification {
    let json: unknown;
    let jsonError: string | undefined;
    try {
        json = JSON.parse(body);
    } catch (err) {
        jsonError = messageOf(err);
    }
    const parsed = jsonError === undefined ? HealthCheckSchema.safeParse(json) : undefined;
    const report = parsed?.success ? parsed.data : undefined;
    const problems = report ? healthProblems(report) : [];
    const said = report ? `, status ${report.status}${problems.length ? `: ${problems.join("; ")}` : ""}` : "";

    if (httpStatus < 200 || httpStatus > 299) {
        const what =
            httpStatus >= 500
                ? "the service reports a failure"
                : httpStatus === 404
                  ? "no health endpoint at this URL"
                  : httpStatus >= 400
                    ? "the health endpoint refused the request"
                    : "not a health answer";
        return { color: "RED", status: report?.status, report, reason: `HTTP ${httpStatus} (${what})${said}` };
    }
    if (jsonError !== undefined) {
        return { color: "RED", reason: `answer is not JSON (${snippet(body)}): ${jsonError}` };
    }
    if (!report) {
        return { color: "RED", reason: `answer is not a HealthCheck: ${schemaProblems(parsed!.error!)}` };
    }
    switch (report.status) {
        case "error":
            return { color: "RED", status: "error", report, reason: `status error${problems.length ? `: ${problems.join("; ")}` : ""}` };
        case "warning":
            return { color: "YELLOW", status: "warning", report, reason: `status warning${problems.length ? `: ${problems.join("; ")}` : ""}` };
        case "ok":
            return problems.length
                ? { color: "YELLOW", status: "ok", report, reason: `status ok, but ${problems.join("; ")}` }
                : { color: "GREEN", status: "ok", report };
    }
}

function snippet(body: string): string {
    const flat = body.replace(/\s+/g, " ").trim();
    if (!flat) {
        return "empty body";
    }
    return `starts with ${JSON.stringify(flat.length > 60 ? `${flat.slice(0, 57)}...` : flat)}`;
}

function schemaProblems(error: z.ZodError): string {
    return error.issues
        .slice(0, 4)
        .map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
        .join("; ");
}

/**
 * GETs one health endpoint and colors the answer. Never throws for a bad answer (every failure is
 * a RED result with a reason); rejects only when the caller's signal aborts, so an interrupted
 * promotion is not mistaken for an unhealthy service.
 */
export async function checkHealth(url: string, options: CheckHealthOptions): Promise<HealthResult> {
    const at = new Date().toISOString();
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
        const answer = await httpRequest(url, {
            timeoutMs: options.timeoutMs,
            signal: options.signal,
            headers: { ...options.headers, accept: "application/json" },
            maxBodyBytes: MAX_BODY_BYTES,
        });
        return { url, at, httpStatus: answer.status, latencyMs: elapsed(), ...classifyHealth(answer.status, answer.text) };
    } catch (err) {
        if (!(err instanceof NoAnswer)) throw err;
        return { url, at, color: "RED", latencyMs: elapsed(), reason: err.message };
    }
}
