import { strict as assert } from "node:assert";
import fc from "fast-check";
import type * as azureComponents from "../../../components/azure";
import { containerAppSize } from "../../../components/azure/container";
import { trafficEntries } from "../../../components/azure/container-app-service";
import { RevisionState, reduceRevisions, revisionSuffix } from "../../../components/azure/revision-ledger";
import { planRelease } from "../../../components/release/planner";
import { parseReleaseState } from "../../../components/release/release-state";
import { planTraffic } from "../../../components/release/traffic-plan";
import { promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { T, build, containerAppArgs, freshStack, loadAzure, webAppArgs } from "./fixtures";

const candidate = (version: string, config = "a") => ({ key: `${version}|img:${version}`, suffix: `v${version.replace(/\./g, "-")}-${config}`, template: { image: `img:${version}`, config } });
const ok = (r: ReturnType<typeof reduceRevisions>): RevisionState => {
    assert.ok("state" in r, JSON.stringify(r));
    return r.state;
};

describe("the Container Apps revision ledger", () => {
    it("names revisions v<version>-<hash of the template>, within Azure's 54 characters", () => {
        const a = revisionSuffix("backend", { version: "1.4.2" }, '{"x":1}');
        assert.match(a, /^v1-4-2-[0-9a-f]{6}$/);
        assert.notEqual(revisionSuffix("backend", { version: "1.4.2" }, '{"x":2}'), a, "another template, another revision");
        const long = revisionSuffix("a-rather-long-container-app-name", { version: "2026.11.21-build.12345-gabcdef" }, "{}");
        assert.ok(`a-rather-long-container-app-name--${long}`.length <= 54, long);
        assert.match(long, /^[a-z][a-z0-9-]*[a-z0-9]$/);
    });

    it("makes the new artifact's revision, keeps the template through a switch and a rollback, and re-suffixes a taken suffix", () => {
        let s = ok(reduceRevisions(undefined, { app: "backend", tracks: { blue: candidate("1.0.0") }, primary: "blue" }));
        assert.deepEqual(s.revisions, { "1.0.0|img:1.0.0": "v1-0-0-a" });
        s = ok(reduceRevisions(s, { app: "backend", tracks: { blue: candidate("1.0.0"), green: candidate("2.0.0") }, primary: "blue" }));
        assert.equal(s.current.suffix, "v2-0-0-a");
        const switched = ok(reduceRevisions(s, { app: "backend", tracks: { green: candidate("2.0.0"), blue: candidate("1.0.0") }, primary: "green" }));
        assert.deepEqual(switched.current, s.current, "a switch keeps the template");
        const rolledBack = ok(reduceRevisions(switched, { app: "backend", tracks: { blue: candidate("1.0.0") }, primary: "blue" }));
        assert.deepEqual(rolledBack.current, s.current, "going back to 1.0.0 reuses its revision, not the template");
        // A configuration change of 2.0.0 that lands on a suffix used before gets another one.
        const reused = { ...rolledBack, revisions: { "1.0.0|img:1.0.0": "v1-0-0-a" } };
        const again = ok(reduceRevisions(reused, { app: "backend", tracks: { blue: candidate("1.0.0"), green: candidate("2.0.0") }, primary: "blue" }));
        assert.equal(again.current.suffix, "v2-0-0-a-2");
    });

    it("starts a new memory for another app (a replacement)", () => {
        const s = ok(reduceRevisions(undefined, { app: "backend", tracks: { stable: candidate("1.0.0") }, primary: "stable" }));
        const other = ok(reduceRevisions(s, { app: "backend-v2", tracks: { stable: candidate("1.0.0") }, primary: "stable" }));
        assert.deepEqual(other.used, ["v1-0-0-a"]);
        assert.equal(other.app, "backend-v2");
    });

    it("for any steps, every planned state's Container Apps traffic sums to 100", () => {
        const stepLists = fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 6 }).map((s) => [...s.sort((a, b) => a - b), 100]);
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 30 }), stepLists, (replicas, steps) => {
                for (const step of planRelease(parseReleaseState({ strategy: "canary", stable: "1.0.0", steps }), { version: "2.0.0" }).steps) {
                    const plan = planTraffic(step.state, replicas);
                    const entries = trafficEntries("backend", plan, "canary", (t) => `v${t.artifact.version}`);
                    assert.equal(entries.reduce((sum, e) => sum + e.weight, 0), 100);
                    assert.equal(new Set(entries.map((e) => e.revisionName)).size, entries.length, "one entry per revision");
                }
            }),
        );
    });

    it("sizes containers as Container Apps allows (memory = 2 × CPU)", () => {
        const size = (cpu: string, memory: string) => containerAppSize({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu, memory } });
        assert.deepEqual(size("100m", "128Mi"), { cpu: 0.25, memory: "0.5Gi" });
        assert.deepEqual(size("1", "512Mi"), { cpu: 1, memory: "2Gi" });
        assert.deepEqual(size("250m", "3Gi"), { cpu: 1.5, memory: "3Gi" });
        assert.throws(() => size("8", "1Gi"), /no Container Apps size holds/);
    });
});

describe("createAzureService", () => {
    let azure: typeof azureComponents;

    before(async () => {
        azure = await loadAzure();
    });
    beforeEach(() => freshStack());

    it("picks the component from the compute kind", async () => {
        const release = { strategy: "blueGreen", blue: "1.0.0" } as const;
        const ca = await build(() => azure.createAzureService("backend", { kind: "containerApp", ...containerAppArgs(release) }));
        assert.deepEqual(resourceNames(T.containerAppComponent), ["backend"]);
        assert.equal(await promiseOf(ca.strategy), "blueGreen");
        await build(() => azure.createAzureService("backend", { kind: "appService", ...webAppArgs(release) }));
        assert.deepEqual(resourceNames(T.webAppComponent), ["backend"]);
        assert.throws(() => azure.createAzureService("backend", { kind: "functions" } as never), /unknown compute kind "functions": use one of containerApp, appService/);
    });
});
