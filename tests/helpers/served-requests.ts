/**
 * How many requests a shop process has served on one route, read from its own `/metrics`
 * (prom-client's http_requests_total, every status code). Counting at the process sees every
 * real caller (the test's load and the frontend calling the backend alike): the whole stream
 * the router balances, not only the test client's slice of it.
 */
export async function requestsServed(endpoint: string, route: string): Promise<number> {
    const res = await fetch(`${endpoint.replace(/\/$/, "")}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${endpoint}/metrics answered HTTP ${res.status}`);
    let total = 0;
    for (const line of text.split("\n")) {
        if (line.startsWith("http_requests_total{") && line.includes(`route="${route}"`)) {
            total += Number(line.slice(line.lastIndexOf(" ") + 1));
        }
    }
    return total;
}
