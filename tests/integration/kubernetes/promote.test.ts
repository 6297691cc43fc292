import { strict as assert } from "node:assert";
import * as path from "node:path";
import YAML from "yaml";
import { readLog } from "../../../stacks/automation/records/deployment-log";
import { PromotionRecord } from "../../../stacks/automation/records/promotion-record";
import { changesOtherThanSame } from "../../helpers/engine";
import { KubernetesFixture, kubernetesFixture } from "../../helpers/kubernetes-fixture";

// `shipgate promote` on the shipped stacks moved onto Kubernetes, against a real API server:
// every step is one `up` through the real provider plugin, its weights read back from the
// HTTPRoute the API server stored, its tracks' health read from their pods' readiness (kwok
// runs them, with a fault switch a test can flip). Each test works from whatever release the
// stacks run when it starts, so any one runs alone.
describe("shipgate promote on Kubernetes (real API server, real engine)", function () {
    this.timeout(900_000);
    let fx: KubernetesFixture;

    before(async function () {
        this.timeout(600_000);
        fx = await kubernetesFixture();
    });

    after(async function () {
        this.timeout(300_000);
        await fx?.cleanup();
    });

    const lastRecord = (): PromotionRecord => {
        const log = readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl"));
        return log.records[log.records.length - 1];
    };
    const release = (stack: "staging" | "production", service: string) =>
        (YAML.parse(fx.stackFile(stack)) as { config: Record<string, any> }).config["shipgate:services"][service].release;

    it("promotes through staging (blue-green) and production (canary 25 → 50 → 100), reading each step back from the API server", async () => {
        const run = await fx.shipgate(["promote", "2.0.0", "--service", "backend", "--approver", "alice"]);
        assert.equal(run.code, 0, run.output);
        const record = lastRecord();
        assert.equal(record.result, "succeeded");
        const steps = record.steps.filter((s) => s.service === "backend");
        assert.deepEqual(
            steps.map((s) => `${s.stage}:${s.kind}`),
            [
                "staging:bluegreen-deploy",
                "staging:bluegreen-switch",
                "staging:bluegreen-scale-down",
                "production:canary-weight",
                "production:canary-weight",
                "production:canary-weight",
                "production:canary-promote",
                "production:canary-finalize",
            ],
        );
        for (const step of steps) {
            assert.equal(step.readBackUnsupported, undefined, `step ${step.index} was read back`);
            assert.equal(step.router, `HTTPRoute ${fx.namespace(step.stage as "staging" | "production")}/backend`);
            assert.deepEqual(step.routerWeights, step.traffic, `${step.stage} step ${step.index}: the API server holds the step's split`);
        }
        assert.deepEqual(
            steps.filter((s) => s.kind === "canary-weight").map((s) => s.traffic.canary),
            [25, 50, 100],
        );
        // The canary was analysed on real figures (Prometheus), its health on its pods' readiness.
        const analysed = steps.find((s) => s.kind === "canary-weight")!.verification!;
        assert.equal(analysed.outcome, "pass", analysed.reason);
        assert.ok(analysed.measurements > 0 && (analysed.candidate?.requests ?? 0) >= 10, JSON.stringify(analysed.candidate));
        assert.match(analysed.reason, /health GREEN/);
        // Its health was read through the Gateway too (router.externalUrl), with the candidate
        // header, and the HTTPRoute shipgate wrote sent those requests to the canary.
        const throughGateway = fx.gateway.requests.filter((r) => r.header === "always");
        assert.ok(throughGateway.length > 0, "shipgate read the canary's health at the external URL with X-Canary: always");
        assert.deepEqual([...new Set(throughGateway.map((r) => r.service))], ["backend-canary"]);
        assert.deepEqual(await fx.routeWeights("production", "backend"), { "backend-stable": 100 });
        assert.equal(release("production", "backend").stable, "2.0.0");

        const status = await fx.shipgate(["status", "--stack", "production", "--json"]);
        assert.equal(status.code, 0, status.output);
        const shown = JSON.parse(status.output) as { stacks: { platform: string; deployed: boolean; services: { service: string; live: string }[] }[] };
        assert.equal(shown.stacks[0].platform, "kubernetes");
        assert.ok(shown.stacks[0].deployed);
        const backend = shown.stacks[0].services.find((s) => s.service === "backend") as { live: string; health?: { color: string; reason?: string } } | undefined;
        assert.equal(backend?.live, "2.0.0");
        assert.equal(backend?.health?.color, "GREEN", `health from the stable track's pods: ${JSON.stringify(backend?.health)}`);
    });

    it("rolls a canary whose pods turn not-ready back on its own, traffic first, to exactly the last good release", async () => {
        const before = fx.stackFile("production");
        const stable = release("production", "backend").stable as string;
        let broken: Promise<number> | undefined;
        let atFirstStep = false;
        const run = await fx.shipgate(["promote", "3.0.0", "--service", "backend", "--approver", "alice"], (line) => {
            // The canary's pods fail their readiness once it has taken its first share of traffic.
            if (/^production\/backend step 1\/5/.test(line)) atFirstStep = true;
            else if (atFirstStep && !broken && /analysing/.test(line)) broken = fx.breakPods("production", "backend-canary");
        });
        assert.ok(broken && (await broken) > 0, "the canary's pods were broken");
        assert.equal(run.code, 1, run.output);
        assert.match(run.flat, /ROLLED-BACK: backend step 1 .*consecutive RED/);
        const record = lastRecord();
        assert.equal(record.result, "rolled-back");
        assert.equal(record.rollback?.result, "succeeded");
        // Traffic first: the HTTPRoute patched through the API server and read back, before any up.
        assert.equal(record.rollback?.trafficPath, "router", record.rollback?.slowPath);
        assert.deepEqual(
            record.rollback?.directRoute?.map((d) => [d.outcome, d.router, d.weights]),
            [["routed", `HTTPRoute ${fx.namespace("production")}/backend`, { stable: 100, canary: 0 }]],
        );
        const first = record.rollback!.steps[0];
        assert.deepEqual(first.routerWeights, { stable: 100, canary: 0 }, "the first restore step's up declared the same split, read back from the API server");
        // The up took the patched fields over: no field is left to a manager whose next apply would conflict.
        const route = (await fx.objects.read({ apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "backend", namespace: fx.namespace("production") } })) as {
            metadata: { managedFields?: { manager?: string; operation?: string }[] };
        };
        const managers = (route.metadata.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`);
        assert.ok(!managers.includes("pulumi-kubernetes/Update"), `the provider took the emergency patch's fields over: ${managers.join(", ")}`);
        assert.deepEqual(await fx.routeWeights("production", "backend"), { "backend-stable": 100 });
        assert.equal(fx.stackFile("production"), before, "the stack file is the last good release again, byte for byte");
        assert.equal(release("production", "backend").stable, stable);
        const preview = await fx.stacks.production.preview({ color: "never" });
        assert.deepEqual(changesOtherThanSame(preview.changeSummary), {}, `a preview after the rollback changes nothing: ${JSON.stringify(preview.changeSummary)}`);
    });

    it("rolls a canary back whose answers through the Gateway fail while its pods stay Ready", async () => {
        const before = fx.stackFile("production");
        let atFirstStep = false;
        let failed = false;
        try {
            const run = await fx.shipgate(["promote", "5.0.0", "--service", "backend", "--approver", "alice"], (line) => {
                if (/^production\/backend step 1\/5/.test(line)) atFirstStep = true;
                else if (atFirstStep && !failed && /analysing/.test(line)) {
                    failed = true;
                    fx.gateway.answer("backend-canary", "error");
                }
            });
            assert.ok(failed, run.output);
            assert.equal(run.code, 1, run.output);
            assert.match(run.flat, /ROLLED-BACK: backend step 1 .*consecutive RED/);
            const reason = lastRecord().steps.find((s) => s.stage === "production" && s.verification?.outcome === "fail")?.verification?.reason ?? "";
            assert.match(reason, new RegExp(`${fx.gateway.url}/health \\(X-Canary: always\\): HTTP 503`), reason);
            assert.doesNotMatch(reason, /pods of Deployment/, "the pods were Ready: the Gateway's answer failed the step");
            assert.equal(lastRecord().rollback?.result, "succeeded");
            assert.deepEqual(await fx.routeWeights("production", "backend"), { "backend-stable": 100 });
            assert.equal(fx.stackFile("production"), before, "the stack file is the last good release again");
        } finally {
            fx.gateway.answer("backend-canary", "ok");
        }
    });

    it("rolls back a promotion interrupted with SIGINT mid-step", async () => {
        const before = fx.stackFile("production");
        let interrupted = false;
        const run = await fx.shipgate(["promote", "4.0.0", "--service", "backend", "--approver", "alice"], (line, child) => {
            if (!interrupted && /^production\/backend step 2\/5/.test(line)) {
                interrupted = true;
                child.kill("SIGINT");
            }
        });
        assert.ok(interrupted, run.output);
        assert.equal(run.code, 1, run.output);
        assert.match(run.flat, /interrupted during backend step 2/);
        assert.equal(lastRecord().rollback?.result, "succeeded");
        assert.deepEqual(await fx.routeWeights("production", "backend"), { "backend-stable": 100 });
        assert.equal(fx.stackFile("production"), before);
    });
});
