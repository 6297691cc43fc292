import { seconds } from "../verify/format";
import { hookPayload } from "./context-env";
import { HookContext, HookPoint } from "./hook-types";
import { HookRunOptions, SingleOutcome } from "./command-hook";
import { postJson } from "./http-post";

/** A webhook hook ready to run: URL and headers resolved (secrets included), display form redacted. */
export interface PreparedWebhook {
    readonly kind: "webhook";
    readonly name: string;
    readonly url: string;
    /** The URL as it may be shown. */
    readonly display: string;
    readonly headers: Record<string, string>;
    readonly timeoutMs: number;
    readonly expect?: {
        readonly bodyContains?: string;
        readonly field?: { readonly path: string; readonly equals: string | number | boolean | null };
    };
    readonly services?: readonly string[];
}

function snippet(body: string): string {
    const flat = body.replace(/\s+/g, " ").trim();
    if (!flat) return "empty answer";
    return JSON.stringify(flat.length > 200 ? `${flat.slice(0, 197)}...` : flat);
}

function field(json: unknown, path: string): unknown {
    let at: unknown = json;
    for (const key of path.split(".")) {
        if (at === null || typeof at !== "object") return undefined;
        at = (at as Record<string, unknown>)[key];
    }
    return at;
}

/** Why a 2xx answer still does not pass, when `expect` says more than "2xx". */
function expectationProblem(body: string, expect: PreparedWebhook["expect"]): string | undefined {
    if (!expect) return undefined;
    if (expect.bodyContains !== undefined && !body.includes(expect.bodyContains)) {
        return `the answer does not contain ${JSON.stringify(expect.bodyContains)} (${snippet(body)})`;
    }
    if (expect.field) {
        let json: unknown;
        try {
            json = JSON.parse(body);
        } catch {
            return `the answer is not JSON, so ${expect.field.path} cannot be checked (${snippet(body)})`;
        }
        const value = field(json, expect.field.path);
        if (value !== expect.field.equals) {
            return `${expect.field.path} is ${value === undefined ? "missing" : JSON.stringify(value)}, expected ${JSON.stringify(expect.field.equals)}`;
        }
    }
    return undefined;
}

/**
 * POSTs the hook context as JSON. A 2xx answer passes (and the `expect` conditions, when set);
 * another status, no answer within the timeout, or a refused connection fails.
 */
export async function runWebhookHook(w: PreparedWebhook, point: HookPoint, context: HookContext, options: HookRunOptions): Promise<SingleOutcome> {
    const r = await postJson(w.url, hookPayload(point, w.name, context), { timeoutMs: w.timeoutMs, headers: w.headers, signal: options.signal });
    let outcome: "pass" | "fail" = "fail";
    let detail: string;
    if (r.status === undefined) {
        detail = r.interrupted ? `interrupted after ${seconds(r.durationMs)}` : `${w.display}: ${r.error}`;
    } else if (r.status < 200 || r.status > 299) {
        const redirect = r.status >= 300 && r.status < 400 ? " (redirects are not followed)" : "";
        detail = `HTTP ${r.status} from ${w.display}${redirect}: ${snippet(r.body)}`;
    } else {
        const problem = expectationProblem(r.body, w.expect);
        if (problem) {
            detail = `HTTP ${r.status} from ${w.display}, but ${problem}`;
        } else {
            outcome = "pass";
            detail = `HTTP ${r.status} from ${w.display} in ${seconds(r.durationMs)}`;
        }
    }
    return { outcome, detail: options.redactor.redact(detail), durationMs: r.durationMs, interrupted: r.interrupted };
}
