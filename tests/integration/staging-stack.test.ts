import { strict as assert } from "node:assert";
import { Stack } from "@pulumi/pulumi/automation";
import { TestProject, createTestProject, relocateLocalPlatform, shippedStackConfig } from "../helpers/engine";
import { listeningPorts, shipgateProcesses } from "../helpers/processes";
import { runShipgate } from "../helpers/shipgate-cli";

// The staging stack as shipped (blue-green on the local platform), through the real engine.
describe("staging stack through the real engine", function () {
    const BASE = 21000;
    let project: TestProject;
    let stack: Stack;
    let config: Record<string, any>;
    /** The marker prefix of this project's staging processes (see LocalPlatform.markerPrefix). */
    let markers: string;

    before(async () => {
        project = await createTestProject();
        config = relocateLocalPlatform(shippedStackConfig("staging"), BASE);
        stack = await project.stack("staging", config);
        markers = `staging@${project.dir}/.shipgate/local/staging`;
    });

    after(async () => project?.cleanup());

    it("previews every resource of both services without touching the machine", async () => {
        const preview = await stack.preview({ color: "never" });
        assert.equal(preview.changeSummary.create, 12);
        assert.equal(shipgateProcesses(markers).length, 0, "a preview starts nothing");
    });

    it("ups to two services answering through the router, each on the blue color", async () => {
        const result = await stack.up({ color: "never" });
        assert.equal(result.summary.result, "succeeded");
        const services = result.outputs.services.value;
        assert.deepEqual(Object.keys(services).sort(), ["backend", "frontend"]);
        assert.equal(services.backend.endpoint, `http://127.0.0.1:${BASE + 10}`);
        assert.equal(services.backend.tracks.blue.version, "1.0.0");
        assert.equal(services.backend.tracks.blue.weight, 100);
        assert.deepEqual(result.outputs.deployOrder.value, ["backend", "frontend"]);

        const page = await fetch(services.frontend.endpoint);
        assert.equal(page.status, 200);
        assert.match(await page.text(), /shop 1\.0\.0.*backend 1\.0\.0/s, "the frontend reaches the backend through its link");
        const health = (await (await fetch(`${services.backend.endpoint}/health`)).json()) as { status: string };
        assert.equal(health.status, "ok");
        assert.deepEqual([...new Set(shipgateProcesses(markers).map((p) => p.marker.slice(markers.length)))].sort(), [
            "/backend/blue",
            "/frontend/blue",
            "/prometheus",
            "/router",
        ]);
    });

    it("reports no changes on a second up with the same config", async () => {
        const result = await stack.up({ color: "never" });
        assert.deepEqual(Object.keys(result.summary.resourceChanges ?? {}), ["same"]);
    });

    it("a plain up (no --refresh) starts again a service process, Prometheus and the router that died", async () => {
        const dead = shipgateProcesses(markers).filter((p) => ["/backend/blue", "/prometheus", "/router"].includes(p.marker.slice(markers.length)));
        for (const p of dead) process.kill(p.pid, "SIGKILL");
        const gone = async () => dead.every((p) => !shipgateProcesses(markers).some((q) => q.pid === p.pid));
        for (let i = 0; i < 50 && !(await gone()); i++) await new Promise((r) => setTimeout(r, 100));
        const seen = await runShipgate(project.dir, project.env, ["status", "--stack", "staging"]);
        assert.equal(seen.code, 1, seen.output);
        assert.match(seen.output, /metrics {6}✘ prometheus http:\/\/127\.0\.0\.1:\d+ does not answer\n {15}requests query got no answer: connection refused: nothing listens on 127\.0\.0\.1:\d+\n {15}every analysis would be inconclusive: start it again \(on the local platform, `pulumi up -s staging`\)/);
        const preview = await stack.preview({ color: "never" });
        assert.ok((preview.changeSummary.replace ?? 0) >= 3, `the preview says what the up will start again: ${JSON.stringify(preview.changeSummary)}`);

        const result = await stack.up({ color: "never" });
        assert.equal(result.summary.result, "succeeded");
        const backend = result.outputs.services.value.backend;
        const health = (await (await fetch(`${backend.endpoint}/health`)).json()) as { status: string };
        assert.equal(health.status, "ok", "the backend answers through the restarted router");
        const prometheus = await fetch(`${result.outputs.metrics.value.prometheusUrl}/-/ready`);
        assert.equal(prometheus.status, 200, "Prometheus answers again");
        const now = new Set(shipgateProcesses(markers).map((p) => p.marker.slice(markers.length)));
        for (const m of ["/backend/blue", "/prometheus", "/router"]) assert.ok(now.has(m), `${m} runs again`);
        const again = await stack.up({ color: "never" });
        assert.deepEqual(Object.keys(again.summary.resourceChanges ?? {}), ["same"], "and then nothing changes");
        const back = await runShipgate(project.dir, project.env, ["status", "--stack", "staging"]);
        assert.match(back.output, /metrics {6}✔ prometheus http:\/\/127\.0\.0\.1:\d+ answers/);
        assert.equal(back.code, 0, back.output);
    });

    it("moves only the backend's resources when the backend's green color gets a version", async () => {
        await stack.setConfig("shipgate:services.backend.release.green", { value: "2.0.0" }, true);
        const preview = await stack.preview({ color: "never", diff: false });
        assert.equal(preview.changeSummary.create, 1, "one new process: backend green");
        assert.equal(preview.changeSummary.update, 3, "the backend component, its route and its scrape targets");
        const result = await stack.up({ color: "never" });
        const backend = result.outputs.services.value.backend;
        assert.equal(backend.tracks.green.version, "2.0.0");
        assert.equal(backend.tracks.green.weight, 0, "the new color gets no traffic until the switch");
        const preview2 = await fetch(`${backend.previewEndpoint}/health`);
        assert.equal(((await preview2.json()) as { version: string }).version, "2.0.0", "the preview endpoint reaches green");
        const live = await fetch(`${backend.endpoint}/health`);
        assert.equal(((await live.json()) as { version: string }).version, "1.0.0", "users still reach blue");
    });

    it("destroys everything: no process and no listening port left", async () => {
        const before = listeningPorts();
        assert.ok(before.has(BASE + 10));
        const result = await stack.destroy({ color: "never" });
        assert.equal(result.summary.result, "succeeded");
        assert.deepEqual(shipgateProcesses(markers), []);
        const after = listeningPorts();
        for (const port of [BASE, BASE + 1, BASE + 10, BASE + 11, BASE + 20, BASE + 21]) {
            assert.ok(!after.has(port), `port ${port} still listening`);
        }
    });
});
