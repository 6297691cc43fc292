// The frontend tier: an HTML page rendered from the backend's items.
import { liveFaults } from "./faults.ts";
import { identityFromEnv } from "./identity.ts";
import { serve } from "./server.ts";

const identity = identityFromEnv("frontend");
const faults = liveFaults(identity.version);
const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:8081";

function escape(text: string): string {
    return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

serve(
    identity,
    faults,
    {
        "/": async () => {
            const res = await fetch(`${backend}/api/items`, { signal: AbortSignal.timeout(2_000) });
            if (!res.ok) throw new Error(`backend answered ${res.status}`);
            const data = (await res.json()) as { version: string; items: { name: string; price: number }[] };
            const rows = data.items.map((i) => `<li>${escape(i.name)}: ${i.price}</li>`).join("");
            return {
                status: 200,
                type: "text/html; charset=utf-8",
                body: `<!doctype html><title>shop</title><h1>shop ${escape(identity.version)}</h1><ul>${rows}</ul><p>backend ${escape(data.version)}</p>`,
            };
        },
    },
    async () => {
        // Backend connectivity: the tier this one depends on answers its health check.
        try {
            const res = await fetch(`${backend}/health`, { signal: AbortSignal.timeout(1_000) });
            return { backend: res.ok };
        } catch {
            return { backend: false };
        }
    },
);
