import { strict as assert } from "node:assert";
import fc from "fast-check";
import type * as awsComponents from "../../../components/aws";
import { albWeight, forwardAction } from "../../../components/aws/load-balancer";
import { aliasRouting } from "../../../components/aws/lambda-service";
import { fargateSize } from "../../../components/aws/fargate";
import { CanaryRelease } from "../../../components/release/canary";
import { planRelease } from "../../../components/release/planner";
import { parseReleaseState } from "../../../components/release/release-state";
import { planTraffic } from "../../../components/release/traffic-plan";
import { promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { T, build, ecsArgs, freshStack, lambdaArgs, loadAws } from "./fixtures";

describe("createAwsService", () => {
    let aws: typeof awsComponents;

    before(async () => {
        aws = await loadAws();
    });
    beforeEach(() => freshStack());

    it("picks the component from the compute kind, seen through the shared interface", async () => {
        const release = { strategy: "canary", stable: "1.0.0" } as const;
        const ecs = await build(() => aws.createAwsService("backend", { kind: "ecs", ...ecsArgs(release) }));
        assert.deepEqual(resourceNames(T.ecsComponent), ["backend"]);
        assert.equal(await promiseOf(ecs.endpoint), "https://shop.example.com");
        await build(() => aws.createAwsService("backend", { kind: "ecsNative", ...ecsArgs(release) }));
        assert.deepEqual(resourceNames(T.ecsNativeComponent), ["backend"]);
        const fn = await build(() => aws.createAwsService("api", { kind: "lambda", ...lambdaArgs(release) }));
        assert.deepEqual(resourceNames(T.lambdaComponent), ["api"]);
        assert.equal(await promiseOf(fn.version), "1.0.0");
    });

    it("names the kinds it knows when given another", () => {
        assert.throws(() => aws.createAwsService("backend", { kind: "ec2" } as never), /kind: unknown compute kind "ec2": use one of ecs, ecsNative, lambda/);
    });
});

describe("AWS weights and sizes", () => {
    it("writes each track's percentage as its ALB weight (0-999) and refuses what the ALB would", () => {
        assert.equal(albWeight(25), 25);
        assert.throws(() => albWeight(101), /whole percentage 0-100/);
        assert.throws(() => forwardAction([{ arn: "a", weight: 1000 }]), /integer 0-999/);
        assert.throws(() => forwardAction([{ arn: "a", weight: 0 }]), /needs one target group with a weight above 0/);
        assert.throws(() => forwardAction([]), /1-5 target groups/);
    });

    it("for any steps and replicas, every planned state's ALB weights are valid and sum to 100, and the Lambda share is a fraction below 1", () => {
        const stepLists = fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 6 }).map((s) => [...s.sort((a, b) => a - b), 100]);
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 50 }), stepLists, (replicas, steps) => {
                const from = parseReleaseState({ strategy: "canary", stable: "1.0.0", steps });
                for (const step of planRelease(from, { version: "2.0.0" }).steps) {
                    const plan = planTraffic(step.state, replicas);
                    const action = forwardAction(plan.tracks.map((t) => ({ arn: t.name, weight: albWeight(t.weight) })));
                    const weights = (action.forward as { targetGroups: { weight: number }[] }).targetGroups.map((g) => g.weight);
                    assert.equal(weights.reduce((a, b) => a + b, 0), 100);
                    const routing = aliasRouting(plan, { stable: "1", canary: (step.state as CanaryRelease).canary ? "2" : "1" });
                    for (const share of Object.values(routing.additionalVersionWeights ?? {})) {
                        assert.ok(share > 0 && share < 1, `share ${share}`);
                    }
                }
            }),
        );
    });

    it("rounds the limits up to a Fargate size", () => {
        const size = (cpu: string, memory: string) => fargateSize({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu, memory } });
        assert.deepEqual(size("250m", "256Mi"), { cpu: "256", memory: "512" });
        assert.deepEqual(size("500m", "256Mi"), { cpu: "512", memory: "1024" });
        assert.deepEqual(size("1", "3Gi"), { cpu: "1024", memory: "3072" });
        assert.deepEqual(size("250m", "4Gi"), { cpu: "512", memory: "4096" }, "more memory than 0.25 vCPU allows takes the next CPU");
        assert.throws(() => size("32", "1Gi"), /no Fargate task size holds/);
    });
});
