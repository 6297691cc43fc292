import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type * as local from "../../../components/local";
import { InvalidInputError, RouterDescriptorSchema, parseReleaseState, planRelease } from "../../../components/release";
import { findResource, installMocks, promiseOf, resetResources, resourceNames, settle } from "../helpers/pulumi-mocks";

const PROCESS = "pulumi-nodejs:dynamic/shipgate:LocalProcess";
const ROUTE = "pulumi-nodejs:dynamic/shipgate:HaproxyRoute";

describe("local service components", () => {
    let mod: typeof local;

    before(async () => {
        await installMocks({
            outputs: (args) => (args.type === PROCESS ? { port: 30000 + args.name.length, pid: 1, running: true } : undefined),
        });
        mod = await import("../../../components/local");
    });

    async function build(release: unknown, extra: Partial<local.LocalServiceArgs> = {}) {
        resetResources();
        const platform = new mod.LocalPlatform("local", { stack: "test", stateDir: "/tmp/shipgate-test", routerStatsPort: 17001, prometheusPort: 17090 });
        const service = mod.createLocalService("backend", {
            platform,
            service: { image: "shop/backend", release: release as never },
            run: { args: ["examples/shop/backend.ts"] },
            port: 17010,
            projectRoot: "/work/project",
            ...extra,
        });
        await settle();
        return service;
    }

    const serverWeights = () =>
        Object.fromEntries(
            (findResource(ROUTE, "backend-route").inputs.spec.servers as { name: string; weight: number; port?: number }[]).map((s) => [
                s.name,
                s.port ? s.weight : "parked",
            ]),
        );

    it("weights HAProxy at every step of a canary promotion and runs a process per live track", async () => {
        const steps = planRelease(parseReleaseState({ strategy: "canary", stable: "1.0.0" }), { version: "2.0.0" }).steps;
        const seen: unknown[] = [];
        for (const step of steps) {
            await build(step.state);
            seen.push([resourceNames(PROCESS), serverWeights()]);
        }
        assert.deepEqual(seen, [
            [["backend-canary", "backend-stable"], { stable: 75, canary: 25 }],
            [["backend-canary", "backend-stable"], { stable: 50, canary: 50 }],
            [["backend-canary", "backend-stable"], { stable: 0, canary: 100 }],
            [["backend-canary", "backend-stable"], { stable: 0, canary: 100 }],
            [["backend-stable"], { stable: 100, canary: "parked" }],
        ]);
    });

    it("starts each process with its identity, and from the project folder", async () => {
        await build({ strategy: "canary", stable: "1.0.0", canary: "2.0.0", weight: 25 });
        const canary = findResource(PROCESS, "backend-canary").inputs;
        assert.equal(canary.marker, "test@/tmp/shipgate-test/backend/canary");
        assert.equal(canary.cwd, "/work/project");
        assert.deepEqual(canary.args, ["examples/shop/backend.ts"]);
        assert.equal(canary.env.APP_VERSION, "2.0.0");
        assert.equal(canary.env.APP_TRACK, "canary");
        assert.equal(canary.healthPath, "/health");
    });

    it("exports the tracks and the endpoints the release engine checks", async () => {
        const svc = await build({ strategy: "blueGreen", blue: "1.0.0", green: "2.0.0", active: "blue" });
        assert.equal(await promiseOf(svc.endpoint), "http://127.0.0.1:17010");
        assert.equal(await promiseOf(svc.previewEndpoint), "http://127.0.0.1:17011");
        const tracks = await promiseOf(svc.tracks);
        assert.deepEqual(Object.keys(tracks).sort(), ["blue", "green"]);
        assert.equal(tracks.blue!.weight, 100);
        assert.equal(tracks.green!.weight, 0);
    });

    it("describes its router: the stack's HAProxy admin socket, the service's backend and a server per track the route declares", async () => {
        const expected = (servers: Record<string, string>) => ({ kind: "haproxy", socket: "/tmp/shipgate-test/haproxy/admin.sock", backend: "be_backend", servers });
        for (const [release, servers] of [
            [{ strategy: "canary", stable: "1.0.0", canary: "2.0.0", weight: 25 }, { stable: "stable", canary: "canary" }],
            // No canary: the canary server is still declared (parked), so it is still described.
            [{ strategy: "canary", stable: "1.0.0" }, { stable: "stable", canary: "canary" }],
            [{ strategy: "blueGreen", blue: "1.0.0", active: "blue" }, { blue: "blue", green: "green" }],
            [{ strategy: "rolling", current: "1.0.0" }, { current: "current", next: "next" }],
        ] as const) {
            const svc = await build(release);
            const descriptor = await promiseOf(svc.router);
            assert.deepEqual(descriptor, expected(servers));
            assert.deepEqual(RouterDescriptorSchema.parse(descriptor), descriptor);
            const route = findResource(ROUTE, "backend-route").inputs;
            assert.deepEqual(route.spec.servers.map((s: { name: string }) => s.name), Object.values(descriptor.kind === "haproxy" ? descriptor.servers : {}), "the servers the route declares");
            assert.equal(route.dir, "/tmp/shipgate-test/haproxy", "the socket is in the route's HAProxy folder");
        }
    });

    it("passes secretEnv values to the process as secrets", async () => {
        const svc = await build(
            { strategy: "rolling", current: "1.0.0" },
            { service: { image: "x", secretEnv: { DB_PASSWORD: { secretName: "db", key: "password" } }, release: { strategy: "rolling", current: "1.0.0" } }, secrets: pulumi.secret({ db: { password: "s3cret" } }) },
        );
        const env = findResource(PROCESS, "backend-current").inputs.env;
        // The engine receives the whole environment as a secret, so state keeps it encrypted.
        assert.equal(env[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
        assert.equal(env.value.DB_PASSWORD, "s3cret", "the process gets the value");
        assert.equal(await promiseOf(svc.version), "1.0.0");
    });

    it("rejects bad args with every problem named", async () => {
        await assert.rejects(
            (async () => build({ strategy: "canary", stable: "1" }, { port: 80, run: { args: [] } }))(),
            (err: unknown) =>
                err instanceof InvalidInputError &&
                /run\.args: args is empty/.test(err.message) &&
                /port: use a port from 1024 to 65535/.test(err.message),
        );
    });
});
