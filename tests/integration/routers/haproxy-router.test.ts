import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RouterDescriptorSchema } from "../../../components/release";
import { backendName } from "../../../components/local/runtime/haproxy-config";
import { HaproxyPaths, haproxyPaths, startHaproxy, stopHaproxy } from "../../../components/local/runtime/haproxy-control";
import { applyRoute } from "../../../components/local/runtime/haproxy-route";
import { freePort } from "../../../components/local/runtime/free-port";
import { RunningProcess } from "../../../components/local/runtime/process-control";
import { RouterMismatch, readBackWeights } from "../../../stacks/automation/routers/read-back";
import { RouterError } from "../../../stacks/automation/routers/router";
import { createRouter } from "../../../stacks/automation/routers/router-factory";
import { startServer } from "../verify/loopback";

// The engine's side of the local router: the release engine reads HAProxy back (and moves it
// in an emergency) through its runtime API, knowing only the service's router descriptor.
describe("HAProxy router (the release engine's read-back, real HAProxy)", function () {
    this.timeout(60_000);
    let dir: string;
    let paths: HaproxyPaths;
    let master: RunningProcess;
    let id: string;
    let bindPort: number;
    const servers: { close(): Promise<void> }[] = [];
    const ports: Record<string, number> = {};

    before(async () => {
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-haproxy-router-"));
        paths = haproxyPaths(dir);
        id = `shipgate-test/haproxy-router@${dir}`;
        for (const name of ["stable", "canary"]) {
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

    const route = (canary: number, canaryRuns = true) =>
        applyRoute(paths, { pid: master.pid, id }, {
            service: "web",
            bindPort,
            servers: [
                { name: "stable", weight: 100 - canary, port: ports.stable },
                { name: "canary", weight: canary, ...(canaryRuns ? { port: ports.canary } : {}) },
            ],
            header: { name: "x-canary", value: "always" },
            healthPath: "/health",
        });
    const router = () =>
        createRouter(RouterDescriptorSchema.parse({ kind: "haproxy", socket: paths.socketPath, backend: backendName("web"), servers: { stable: "stable", canary: "canary" } }), { env: {} });

    it("reads back each step's split as percentages, and a step's check passes on it", async () => {
        for (const weight of [0, 25, 50, 100]) {
            await route(weight);
            const readBack = await readBackWeights(router(), { stable: 100 - weight, canary: weight });
            assert.deepEqual(readBack.weights, { stable: 100 - weight, canary: weight });
            assert.equal(readBack.router, "haproxy be_web");
        }
    });

    it("fails the step's check when HAProxy holds another split, naming the tracks and figures", async () => {
        await route(25);
        await assert.rejects(readBackWeights(router(), { stable: 50, canary: 50 }), (err: Error) => {
            assert.ok(err instanceof RouterMismatch);
            assert.equal(err.message, "haproxy be_web reads back stable 75% (asked 50%); canary 25% (asked 50%)");
            return true;
        });
    });

    it("sets weights directly (the emergency path), and real requests follow them", async () => {
        await route(50);
        await router().setWeights({ stable: 100, canary: 0 });
        assert.deepEqual((await router().readWeights()) as unknown, { supported: true, weights: { stable: 100, canary: 0 }, problems: [] });
        const served = [];
        for (let i = 0; i < 20; i++) served.push(await (await fetch(`http://127.0.0.1:${bindPort}/`)).text());
        assert.deepEqual([...new Set(served)], ["stable"], "every request goes to stable");
    });

    it("refuses to give traffic to a track that runs no process, and to a split that is not 100", async () => {
        await route(0, false);
        await assert.rejects(router().setWeights({ stable: 0, canary: 100 }), /haproxy be_web: track canary runs no process/);
        await assert.rejects(router().setWeights({ stable: 60, canary: 30 }), (e: Error) => e instanceof RouterError && /must sum to 100, got 90/.test(e.message));
    });

    it("says which HAProxy did not answer, and how to bring it back", async () => {
        const gone = createRouter(RouterDescriptorSchema.parse({ kind: "haproxy", socket: path.join(dir, "nothing.sock"), backend: "be_web", servers: { stable: "stable" } }), { env: {} });
        await assert.rejects(gone.readWeights(), /haproxy be_web: the runtime API at .*nothing\.sock did not answer .*is the stack's HAProxy running\? `pulumi up` starts it/);
    });
});
