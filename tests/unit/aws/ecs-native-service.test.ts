import { strict as assert } from "node:assert";
import type * as awsComponents from "../../../components/aws";
import { BlueGreenReleaseInput } from "../../../components/release/blue-green";
import { CanaryReleaseInput } from "../../../components/release/canary";
import { planRelease, planRollback } from "../../../components/release/planner";
import { ReleaseState, ReleaseStateInput, parseReleaseState } from "../../../components/release/release-state";
import { ignoredChanges } from "../helpers/cloud-mocks";
import { findResource, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { T, build, containerOf, ecsArgs, freshStack, loadAws, targetGroupName } from "./fixtures";

const SETTLED: CanaryReleaseInput = { strategy: "canary", stable: "1.0.0", steps: [10, 50, 100], bakeSeconds: 300, watchSeconds: 900 };
const BLUE_LIVE: BlueGreenReleaseInput = { strategy: "blueGreen", blue: "1.0.0", active: "blue", scaleDownDelaySeconds: 600 };
const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-backend";

describe("EcsNativeService (ECS's own BLUE_GREEN / CANARY / LINEAR deployments)", () => {
    let aws: typeof awsComponents;

    before(async () => {
        aws = await loadAws();
    });
    beforeEach(() => freshStack());

    const native = (release: ReleaseState | ReleaseStateInput, deployment: { canaryStrategy?: "CANARY" | "LINEAR"; roleArn?: string } = {}) =>
        build(() => new aws.EcsNativeService("backend", { ...ecsArgs(release as CanaryReleaseInput), deployment }));

    it("declares one ECS service on two target groups, with the listener rules ECS rewrites left to ECS (ignoreChanges: actions)", async () => {
        await native(SETTLED);
        assert.deepEqual(resourceNames(T.ecsService), ["backend"]);
        assert.deepEqual(resourceNames(T.targetGroup), ["backend-blue", "backend-green"]);
        assert.deepEqual(resourceNames(T.listenerRule), ["backend", "backend-test"]);
        for (const rule of ["backend", "backend-test"]) {
            assert.deepEqual(ignoredChanges(T.listenerRule, rule), ["actions"], `${rule}: Pulumi must not put ECS's weights back`);
            const [forward] = findResource(T.listenerRule, rule).inputs.actions;
            assert.deepEqual(
                forward.forward.targetGroups.map((g: { arn: string; weight: number }) => [targetGroupName(g.arn), g.weight]),
                [
                    ["backend-blue", 100],
                    ["backend-green", 0],
                ],
            );
        }
        assert.deepEqual(ignoredChanges(T.ecsService, "backend"), ["loadBalancers"], "ECS swaps the target groups after a blue/green deployment");
        const svc = findResource(T.ecsService, "backend");
        const [lb] = svc.inputs.loadBalancers;
        assert.equal(targetGroupName(lb.targetGroupArn), "backend-blue");
        assert.equal(targetGroupName(lb.advancedConfiguration.alternateTargetGroupArn), "backend-green");
        assert.equal(lb.advancedConfiguration.productionListenerRule, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/backend");
        assert.equal(lb.advancedConfiguration.testListenerRule, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/backend-test");
        assert.equal(lb.advancedConfiguration.roleArn, "arn:aws:iam::123456789012:role/backend-ecs-lb", "a role for ECS is created when none is given");
        assert.equal(findResource(T.rolePolicyAttachment, "backend-ecs-lb").inputs.policyArn, "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers");
        assert.deepEqual(JSON.parse(findResource(T.role, "backend-ecs-lb").inputs.assumeRolePolicy).Statement[0].Principal, { Service: "ecs.amazonaws.com" });
    });

    it("rolls back on the target groups' alarms: 5xx share and p95 of both groups are the deployment's alarms", async () => {
        await native(SETTLED);
        assert.deepEqual(resourceNames(T.alarm), ["backend-blue-5xx", "backend-blue-p95", "backend-green-5xx", "backend-green-p95"]);
        const svc = findResource(T.ecsService, "backend");
        assert.deepEqual(svc.inputs.alarms, {
            alarmNames: ["backend-blue-5xx-alarm", "backend-blue-p95-alarm", "backend-green-5xx-alarm", "backend-green-p95-alarm"],
            enable: true,
            rollback: true,
        });
        assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.deepEqual(svc.inputs.deploymentController, { type: "ECS" });
    });

    it("hands ECS a CANARY deployment of the canary's image at the first step, with the release's bake times", async () => {
        const steps = planRelease(parseReleaseState(SETTLED), { version: "2.0.0" }).steps;
        const images: string[] = [];
        for (const step of steps) {
            await native(step.state);
            const svc = findResource(T.ecsService, "backend");
            assert.deepEqual(svc.inputs.deploymentConfiguration, {
                strategy: "CANARY",
                bakeTimeInMinutes: "15",
                canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "5" },
            });
            images.push(containerOf("backend").image);
        }
        // ECS moves the traffic: from the first step on, the task definition runs 2.0.0 and the
        // later steps change nothing for ECS.
        assert.deepEqual(images, Array(steps.length).fill(`${IMAGE}:2.0.0`));
    });

    it("hands ECS LINEAR steps of the first step's size when asked", async () => {
        await native({ ...SETTLED, steps: [20, 40, 60, 80, 100], canary: "2.0.0", weight: 20 }, { canaryStrategy: "LINEAR" });
        assert.deepEqual(findResource(T.ecsService, "backend").inputs.deploymentConfiguration, {
            strategy: "LINEAR",
            bakeTimeInMinutes: "15",
            linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: "5" },
        });
    });

    it("rolls back by handing ECS the stable image again", async () => {
        const current = parseReleaseState({ ...SETTLED, canary: "2.0.0", weight: 50 });
        for (const step of planRollback(current, parseReleaseState(SETTLED))) {
            await native(step.state);
            assert.equal(containerOf("backend").image, `${IMAGE}:1.0.0`, step.summary);
        }
    });

    it("hands ECS a BLUE_GREEN deployment at the switch, keeping the old color for the scale-down delay; the test listener is the preview", async () => {
        const [deploy, switchOver] = planRelease(parseReleaseState(BLUE_LIVE), { version: "2.0.0" }).steps;
        let component = await native(deploy.state);
        assert.equal(containerOf("backend").image, `${IMAGE}:1.0.0`, "ECS deploys at the switch, not before");
        component = await native(switchOver.state);
        assert.equal(containerOf("backend").image, `${IMAGE}:2.0.0`);
        assert.deepEqual(findResource(T.ecsService, "backend").inputs.deploymentConfiguration, { strategy: "BLUE_GREEN", bakeTimeInMinutes: "10" });
        assert.equal(await promiseOf(component.previewEndpoint), "https://shop.example.com:8443");
        assert.equal(await promiseOf(component.deploymentStrategy), "BLUE_GREEN");
        assert.deepEqual(Object.keys(await promiseOf(component.tracks)), ["green"]);
    });

    it("uses ECS's rolling deployment for a rolling release", async () => {
        await native({ strategy: "rolling", current: "1.0.0" });
        const svc = findResource(T.ecsService, "backend");
        assert.deepEqual(svc.inputs.deploymentConfiguration, { strategy: "ROLLING" });
        assert.equal(svc.inputs.deploymentMaximumPercent, 125);
        assert.equal(svc.inputs.deploymentMinimumHealthyPercent, 75);
    });

    it("takes the role ECS uses from args when given", async () => {
        await native(SETTLED, { roleArn: "arn:aws:iam::123456789012:role/ecs-infrastructure" });
        assert.deepEqual(resourceNames(T.role), []);
        assert.equal(findResource(T.ecsService, "backend").inputs.loadBalancers[0].advancedConfiguration.roleArn, "arn:aws:iam::123456789012:role/ecs-infrastructure");
    });

    it("refuses LINEAR steps below ECS's 3% minimum", () => {
        assert.throws(
            () => new aws.EcsNativeService("backend", { ...ecsArgs({ ...SETTLED, steps: [1, 50, 100] }), deployment: { canaryStrategy: "LINEAR" } }),
            /service\.release\.steps\[0\]: ECS LINEAR shifts at least 3% per step, but the first step is 1%/,
        );
    });
});
