import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RouteSpec } from "../../../components/local/runtime/haproxy-config";
import { HaproxyPaths, haproxyPaths, startHaproxy, stopHaproxy } from "../../../components/local/runtime/haproxy-control";
import { applyRoute, readRoute } from "../../../components/local/runtime/haproxy-route";
import { freePort } from "../../../components/local/runtime/free-port";
import { RunningProcess } from "../../../components/local/runtime/process-control";
import { startServer } from "../verify/loopback";

// The local router's weight changes against a real HAProxy, under a steady stream of real
// requests: a switch or a step must never leave a moment with no server to answer.
describe("the local router (real HAProxy) under load", function () {
    this.timeout(120_000);
    let dir: string;
    let paths: HaproxyPaths;
    let master: RunningProcess;
    let id: string;
    let bindPort: number;
    const servers: { close(): Promise<void> }[] = [];
    const ports: Record<string, number> = {};

    const spec = (weights: Record<string, number>): RouteSpec => ({
        service: "web",
        bindPort,
        servers: Object.entries(weights).map(([name, weight]) => ({ name, weight, port: ports[name] })),
        header: { name: "x-canary", value: "always" },
        healthPath: "/health",
    });

    /** Sends requests from `workers` loops until stopped; counts answers by status and by who answered. */
    function load(workers: number) {
        const counts: Record<string, number> = {};
        let running = true;
        const loop = async () => {
            while (running) {
                try {
                    const res = await fetch(`http://127.0.0.1:${bindPort}/`, { signal: AbortSignal.timeout(5_000) });
                    const who = await res.text();
                    const key = res.status === 200 ? who : String(res.status);
                    counts[key] = (counts[key] ?? 0) + 1;
                } catch (err) {
                    counts.error = (counts.error ?? 0) + 1;
                }
            }
        };
        const done = Promise.all(Array.from({ length: workers }, loop));
        return {
            counts,
            async stop() {
                running = false;
                await done;
                return counts;
            },
        };
    }

    before(async () => {
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-router-"));
        paths = haproxyPaths(dir);
        id = `shipgate-test/haproxy-route@${dir}`;
        for (const name of ["blue", "green", "stable", "canary"]) {
            const s = await startServer(0, (_req, res) => res.end(name));
            servers.push(s);
            ports[name] = Number(new URL(s.url).port);
        }
        bindPort = await freePort();
        master = await startHaproxy(id, paths, await freePort());
    });

    after(async () => {
        if (master) await stopHaproxy(master.pid, id);
        await Promise.all(servers.map((s) => s.close()));
        rmSync(dir, { recursive: true, force: true });
    });

    it("switches blue ↔ green 40 times under load without one request going unanswered", async () => {
        const router = { pid: master.pid, id };
        let previous = spec({ blue: 100, green: 0 });
        await applyRoute(paths, router, previous);
        const traffic = load(8);
        await new Promise((r) => setTimeout(r, 300));
        for (let i = 0; i < 40; i++) {
            const next = spec(i % 2 === 0 ? { blue: 0, green: 100 } : { blue: 100, green: 0 });
            await applyRoute(paths, router, next, previous);
            previous = next;
            await new Promise((r) => setTimeout(r, 20));
        }
        const counts = await traffic.stop();
        const answered = (counts.blue ?? 0) + (counts.green ?? 0);
        assert.deepEqual(Object.keys(counts).sort(), ["blue", "green"], `every request answered by a color: ${JSON.stringify(counts)}`);
        assert.ok(answered > 200, `enough requests to see a gap: ${answered}`);
        assert.deepEqual((await readRoute(paths, "web")).weights, { blue: 100, green: 0 });
    });

    it("walks a canary 0 → 25 → 50 → 100 and back to 0 under load, every request answered", async () => {
        const router = { pid: master.pid, id };
        let previous = spec({ stable: 100, canary: 0 });
        await applyRoute(paths, router, previous);
        const traffic = load(8);
        for (let round = 0; round < 5; round++) {
            for (const w of [25, 50, 100, 0]) {
                const next = spec({ stable: 100 - w, canary: w });
                await applyRoute(paths, router, next, previous);
                previous = next;
                await new Promise((r) => setTimeout(r, 20));
            }
        }
        const counts = await traffic.stop();
        assert.deepEqual(Object.keys(counts).sort(), ["canary", "stable"], `every request answered by a track: ${JSON.stringify(counts)}`);
        assert.deepEqual((await readRoute(paths, "web")).weights, { stable: 100, canary: 0 });
    });

    it("after each canary step, every 40 requests in a row split as the weight says (no track takes a run of them)", async () => {
        const router = { pid: master.pid, id };
        for (const history of [500, 3000]) {
            // A route of its own (a new HAProxy worker, a fresh scheduler), then a long history on
            // the stable track: what put roundrobin off by up to a round after a weight change.
            const service = `steps${history}`;
            const port = await freePort();
            const route = (weight: number): RouteSpec => ({ ...spec({ stable: 100 - weight, canary: weight }), service, bindPort: port });
            const inOrder = async (n: number) => {
                const served: string[] = [];
                for (let i = 0; i < n; i++) served.push(await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) })).text());
                return served;
            };
            let previous = route(0);
            await applyRoute(paths, router, previous);
            for (const weight of [25, 50, 100]) {
                await inOrder(history);
                const next = route(weight);
                await applyRoute(paths, router, next, previous);
                previous = next;
                const served = await inOrder(160);
                for (let chunk = 0; chunk < 4; chunk++) {
                    const canary = served.slice(40 * chunk, 40 * chunk + 40).filter((s) => s === "canary").length;
                    assert.ok(Math.abs(canary - (40 * weight) / 100) <= 2, `after ${history} requests, at ${weight}%: requests ${40 * chunk + 1}-${40 * chunk + 40} had ${canary} on the canary`);
                }
            }
        }
    });
});
