import { strict as assert } from "node:assert";
import { parseReleaseState } from "../../../components/release";
import { GateRefusal } from "../../../stacks/automation/errors";
import { promote } from "../../../stacks/automation/promotion/promote";
import { compareRelease } from "../../../stacks/automation/promotion/release-drift";
import { ServiceOutput } from "../../../stacks/automation/stack-outputs";
import { fakeWorld } from "./fakes";

const canary = (stable: string, weight = 0, next?: string) => parseReleaseState({ strategy: "canary", stable: { version: stable }, ...(next ? { canary: { version: next } } : {}), weight });

function running(tracks: Record<string, [string, number]>): ServiceOutput {
    return {
        strategy: "canary",
        version: Object.values(tracks)[0][0],
        tracks: Object.fromEntries(Object.entries(tracks).map(([t, [version, weight]]) => [t, { version, image: `shop:${version}`, replicas: 1, weight, endpoint: "http://x" }])),
        endpoint: "http://x",
        previewEndpoint: null,
    };
}

/** The world's environment with the routers of one stack not answering. */
function routerSilentOn(world: ReturnType<typeof fakeWorld>, stack: string, error: string): typeof world.env {
    return {
        ...world.env,
        routerFor: async (driver, descriptor) => {
            if (driver.name === stack) throw new Error(error);
            return world.env.routerFor(driver, descriptor);
        },
    };
}

describe("the file, the stack and the router must agree before a promotion", () => {
    it("agrees when the three say the same, and says so in one line each", () => {
        const c = compareRelease("backend", canary("1.0.0", 25, "2.0.0"), running({ stable: ["1.0.0", 75], canary: ["2.0.0", 25] }), { supported: true, weights: { stable: 75, canary: 25 }, problems: [] });
        assert.deepEqual(c.problems, []);
        assert.equal(c.file, "stable 1.0.0 75%, canary 2.0.0 25%");
        assert.equal(c.router, "stable 75%, canary 25%");
    });

    it("finds a file behind what runs (the committed files after a release that was never written back)", () => {
        const c = compareRelease("backend", canary("1.0.0"), running({ stable: ["2.0.0", 100] }));
        assert.deepEqual(c.problems, ["the file says stable 1.0.0 100%, the stack runs stable 2.0.0 100%"]);
    });

    it("finds a canary weight that differs, and a router set by hand", () => {
        assert.equal(compareRelease("b", canary("1.0.0", 50, "2.0.0"), running({ stable: ["1.0.0", 75], canary: ["2.0.0", 25] })).problems.length, 1);
        const hand = compareRelease("b", canary("1.0.0"), running({ stable: ["1.0.0", 100] }), { supported: true, weights: { stable: 50, canary: 50 }, problems: [] });
        assert.deepEqual(hand.problems, ["the router reads stable 50%, canary 50%, the stack declares stable 1.0.0 100%"]);
    });

    it("says why a router was not read, and does not take that for agreement or drift", () => {
        const c = compareRelease("b", canary("1.0.0"), running({ stable: ["1.0.0", 100] }), { supported: false, reason: "Lambda aliases are read through the stack" });
        assert.deepEqual(c.problems, []);
        assert.equal(c.router, "not read: Lambda aliases are read through the stack");
    });

    it("refuses a production promotion whose router does not answer (exit 3), naming the service, the error and the fix, and changes nothing", async () => {
        const world = fakeWorld();
        const env = routerSilentOn(world, "production", "connect ENOENT /tmp/shop/router/admin.sock");
        const { record, error } = await promote({ version: "2.0.0", stages: ["staging", "production"], approvers: ["alice"] }, env);
        assert.ok(error instanceof GateRefusal, String(error));
        assert.match(error.message, /^router: the router of backend(, frontend)? on production does not answer/);
        assert.match(error.message, /backend: connect ENOENT \/tmp\/shop\/router\/admin\.sock/);
        assert.match(error.message, /fix: bring the router back, then run again: on the local platform `pulumi up -s production`/);
        assert.equal(record.result, "refused");
        assert.deepEqual(world.applied, [], "nothing was applied, in staging either");
    });

    it("goes on in staging when its router does not answer, saying it was not read", async () => {
        const world = fakeWorld();
        const env = routerSilentOn(world, "staging", "connect ECONNREFUSED 127.0.0.1:1");
        const { record } = await promote({ version: "2.0.0", stages: ["staging"], approvers: [] }, env);
        const drift = record.gates.find((g) => g.stage === "staging" && g.gate === "in-step");
        assert.equal(drift?.outcome, "pass");
        assert.match(drift?.detail ?? "", /router not read for backend: connect ECONNREFUSED/);
    });

    it("refuses a promotion planned from a stale file (exit 3), with the three values and the fix, and changes nothing", async () => {
        const world = fakeWorld();
        world.stacks.production.running.set("backend", canary("2.0.0"));
        const { record, error } = await promote({ version: "2.1.0", stages: ["staging", "production"], approvers: ["alice"] }, world.env);
        assert.ok(error instanceof GateRefusal, String(error));
        assert.match(error.message, /in-step: the repository, the stack and the router disagree on production:/);
        assert.match(error.message, /backend: file stable 1\.0\.0 100% \| stack stable 2\.0\.0 100% \| router stable 100%/);
        assert.match(error.message, /fix: pull the repository \(git pull\)/);
        assert.equal(record.result, "refused");
        assert.deepEqual(world.applied, [], "nothing was applied, in staging either");
        assert.ok(record.gates.some((g) => g.stage === "staging" && g.gate === "in-step" && g.outcome === "pass"));
    });
});
