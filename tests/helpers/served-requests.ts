/**
 * How many requests a shop process has served on one route, read from its own `/metrics`
 * (prom-client's http_requests_total, every status code). Counting at the process sees every
 * real caller (the test's load and the frontend calling the backend alike), which is what the
 * router balances; a test client's own answers are only a slice of that stream, and with a
 * round-robin router that slice can be phase-locked to one track.
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
