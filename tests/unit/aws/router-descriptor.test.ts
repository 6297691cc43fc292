import { strict as assert } from "node:assert";
import type * as awsComponents from "../../../components/aws";
import { planRelease } from "../../../components/release/planner";
import { ReleaseStateInput, parseReleaseState } from "../../../components/release/release-state";
import { RouterDescriptorSchema } from "../../../components/release/router-descriptor";
import { publishedVersions } from "../helpers/cloud-mocks";
import { findResource, findResources, promiseOf } from "../helpers/pulumi-mocks";
import { T, build, ecsArgs, freshStack, lambdaArgs, loadAws } from "./fixtures";

const CANARY: ReleaseStateInput = { strategy: "canary", stable: "1.0.0", canary: "2.0.0", weight: 25 };
const BLUE_GREEN: ReleaseStateInput = { strategy: "blueGreen", blue: "1.0.0", green: "2.0.0", active: "blue" };

describe("AWS router descriptors", () => {
    let aws: typeof awsComponents;

    before(async () => {
        aws = await loadAws();
    });
    beforeEach(() => freshStack());

    async function descriptorOf(component: { router: import("@pulumi/pulumi").Output<unknown> }) {
        const descriptor = (await promiseOf(component.router)) as Record<string, any>;
        RouterDescriptorSchema.parse(descriptor);
        return descriptor;
    }

    /** ARNs as the cloud mocks give them. */
    const listenerArn = (name: string) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/${name}`;
    const targetGroupArn = (name: string) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${name}/73e2d6bc24d8a067`;

    for (const [label, release, tracks] of [
        ["canary", CANARY, ["stable", "canary"]],
        ["blue-green", BLUE_GREEN, ["blue", "green"]],
        ["rolling", { strategy: "rolling", current: "1.0.0" }, ["current"]],
    ] as const) {
        it(`ECS ${label}: the production listener (its default action splits the traffic, so no rule) and a target group per track`, async () => {
            const component = await build(() => new aws.EcsService("backend", ecsArgs(release)));
            const descriptor = await descriptorOf(component);
            assert.deepEqual(descriptor, {
                kind: "alb",
                region: "eu-west-1",
                listenerArn: listenerArn("backend"),
                targetGroups: Object.fromEntries(tracks.map((t) => [t, targetGroupArn(`backend-${t}`)])),
            });
            assert.equal((RouterDescriptorSchema.parse(descriptor) as { owner?: string }).owner, "shipgate", "shipgate owns the weights");
            // The names are the resources the component created: the listener forwards to exactly these groups.
            const forwarded = findResource(T.listener, "backend").inputs.defaultActions[0].forward.targetGroups.map((g: { arn: string }) => g.arn).sort();
            assert.deepEqual(forwarded, Object.values(descriptor.targetGroups).sort());
            assert.deepEqual(findResources(T.targetGroup).map((r) => r.name).sort(), tracks.map((t) => `backend-${t}`).sort());
            const ecsServices = findResources(T.ecsService).map((s) => s.inputs.loadBalancers[0].targetGroupArn).sort();
            assert.deepEqual(ecsServices, Object.values(descriptor.targetGroups).sort());
        });
    }

    it("ECS-native: the production rule ECS rewrites, ECS's two target groups by their own names, owned by ECS", async () => {
        const component = await build(() => new aws.EcsNativeService("backend", ecsArgs(CANARY)));
        const descriptor = await descriptorOf(component);
        assert.deepEqual(descriptor, {
            kind: "alb",
            region: "eu-west-1",
            listenerArn: listenerArn("backend"),
            ruleArn: listenerArn("backend"),
            targetGroups: { blue: targetGroupArn("backend-blue"), green: targetGroupArn("backend-green") },
            owner: "ecs",
        });
        const rule = findResource(T.listenerRule, "backend").inputs;
        assert.equal(rule.listenerArn, descriptor.listenerArn, "the rule sits on the production listener");
        const ruled = rule.actions[0].forward.targetGroups.map((g: { arn: string }) => g.arn);
        assert.deepEqual(ruled, [descriptor.targetGroups.blue, descriptor.targetGroups.green]);
        const [lb] = findResource(T.ecsService, "backend").inputs.loadBalancers;
        assert.equal(lb.advancedConfiguration.productionListenerRule, descriptor.ruleArn);
    });

    it("Lambda canary and blue-green: the live alias and each track's published version", async () => {
        let component = await build(() => new aws.LambdaService("api", lambdaArgs({ strategy: "canary", stable: "1.0.0" })));
        component = await build(() => new aws.LambdaService("api", lambdaArgs(CANARY)));
        let descriptor = await descriptorOf(component);
        const versions = await promiseOf(component.versions);
        assert.deepEqual(descriptor, { kind: "lambdaAlias", region: "eu-west-1", functionName: "api-fn", alias: "live", versions });
        assert.deepEqual(Object.keys(versions).sort(), ["canary", "stable"]);
        const alias = findResource(T.alias, "api-live").inputs;
        assert.equal(alias.name, descriptor.alias);
        assert.equal(alias.functionName, descriptor.functionName);
        assert.equal(alias.functionVersion, versions.stable);
        assert.deepEqual(Object.keys(alias.routingConfig.additionalVersionWeights), [versions.canary]);
        assert.deepEqual(publishedVersions("api-fn").map((v) => v.version).sort(), Object.values(versions).sort(), "versions Lambda really published");

        freshStack();
        const [deploy] = planRelease(parseReleaseState({ strategy: "blueGreen", blue: "1.0.0" }), { version: "2.0.0" }).steps;
        await build(() => new aws.LambdaService("api", lambdaArgs({ strategy: "blueGreen", blue: "1.0.0" })));
        component = await build(() => new aws.LambdaService("api", lambdaArgs(deploy.state)));
        descriptor = await descriptorOf(component);
        assert.deepEqual(descriptor, { kind: "lambdaAlias", region: "eu-west-1", functionName: "api-fn", alias: "live", versions: await promiseOf(component.versions) });
        assert.deepEqual(Object.keys(descriptor.versions).sort(), ["blue", "green"]);
        assert.equal(findResource(T.alias, "api-live").inputs.functionVersion, descriptor.versions.blue);
    });
});
