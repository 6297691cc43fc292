import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as elb from "@pulumi/aws/lb";
import type * as inputs from "@pulumi/aws/types/input";
import * as pulumi from "@pulumi/pulumi";
import { Tracks } from "../contract";
import { Artifact, imageRef } from "../release/artifact";
import { Color } from "../release/blue-green";
import { ReleaseState } from "../release/release-state";
import type { RouterDescriptorInput } from "../release/router-descriptor";
import { ShipgateServiceBase } from "../service-base";
import { EcsNativeServiceArgs, ResolvedEcsArgs, resolveEcsArgs } from "./args";
import { createTargetGroupAlarms } from "./alarms";
import { createLogGroup, createTaskDefinition, rollingPercents, serviceBase } from "./ecs-task";
import { createHttpRedirect, createLoadBalancer, createTargetGroup, forwardAction, listenerArgs, listenerUrl } from "./load-balancer";
import { AwsTrackStatus } from "./metrics";

export const ECS_NATIVE_SERVICE_TYPE = "shipgate:aws:EcsNativeService";

/** The listener rules ECS rewrites: Pulumi must not put their weights back. */
export const ECS_OWNED_PROPERTIES = ["actions"] as const;

/** The AWS managed policy that lets ECS move listener rules and target groups. */
export const ECS_LB_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers";

export interface NativeDeployment {
    /** The artifact handed to ECS: the one the release state wants live. */
    readonly artifact: Artifact;
    readonly deploymentConfiguration: inputs.ecs.ServiceDeploymentConfiguration;
}

const minutes = (seconds: number) => String(Math.ceil(seconds / 60));

/**
 * What ECS is asked to do for a release state. ECS owns the traffic shift, so the task definition
 * runs the artifact the state wants live, and ECS's strategy carries the state's timing:
 * - canary → CANARY (`canaryPercent` = the first step, `canaryBakeTimeInMinutes` = bakeSeconds)
 *   or LINEAR (`stepPercent` = the first step); the final bake is the 15-minute watch;
 * - blue-green → BLUE_GREEN; the old color is kept for `scaleDownDelaySeconds` (the bake time);
 * - rolling → ROLLING.
 * The state's later steps (50%, promote, finalize) hand ECS the same task definition: no change.
 * A rollback hands it the previous artifact, which ECS deploys with the same strategy.
 */
export function nativeDeployment(state: ReleaseState, canaryStrategy: "CANARY" | "LINEAR"): NativeDeployment {
    switch (state.strategy) {
        case "canary": {
            const artifact = state.canary && state.weight > 0 ? state.canary : state.stable;
            const first = state.steps[0];
            return {
                artifact,
                deploymentConfiguration:
                    canaryStrategy === "CANARY"
                        ? {
                              strategy: "CANARY",
                              bakeTimeInMinutes: minutes(state.watchSeconds),
                              canaryConfiguration: { canaryPercent: first, canaryBakeTimeInMinutes: minutes(state.bakeSeconds) },
                          }
                        : {
                              strategy: "LINEAR",
                              bakeTimeInMinutes: minutes(state.watchSeconds),
                              linearConfiguration: { stepPercent: first, stepBakeTimeInMinutes: minutes(state.bakeSeconds) },
                          },
            };
        }
        case "blueGreen":
            return {
                artifact: state[state.active]!,
                deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: minutes(state.scaleDownDelaySeconds) },
            };
        case "rolling":
            return { artifact: state.current, deploymentConfiguration: { strategy: "ROLLING" } };
    }
}

/**
 * ECS's own progressive deployment (ECS native BLUE_GREEN / CANARY / LINEAR, with bake time and
 * alarm rollback) instead of shipgate's: one ECS service, two target groups ECS alternates
 * between, a production and a test listener rule that ECS rewrites during a deployment (their
 * `actions` are in `ignoreChanges`, so Pulumi does not fight ECS), and the target groups' alarms
 * wired as the deployment's rollback alarms. shipgate still declares, gates and verifies; ECS
 * moves the traffic and rolls back on an alarm by itself.
 * `previewEndpoint` is the test listener (ECS routes it to the new revision while a blue-green
 * deployment runs); the router descriptor names the production rule ECS rewrites and ECS's two
 * target groups by their own names (`blue` starts as production): ECS, not the release state,
 * decides which one serves, so the engine only reads them back (`owner: "ecs"`).
 */
export class EcsNativeService extends ShipgateServiceBase {
    /** The ECS strategy the service deploys with. */
    public readonly deploymentStrategy: pulumi.Output<string>;
    public readonly activeColor: pulumi.Output<Color | undefined>;
    public readonly loadBalancerDnsName: pulumi.Output<string>;
    public readonly alarmNames: pulumi.Output<string[]>;

    constructor(name: string, args: EcsNativeServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveEcsArgs<ReleaseState>("EcsNativeService", name, args, { native: true });
        super(ECS_NATIVE_SERVICE_TYPE, name, resolved, opts);
        const { service, loadBalancer: lb } = resolved;
        const release = service.release;
        const deployment = nativeDeployment(release, resolved.deployment!.canaryStrategy);
        const baseTags = { ...resolved.tags, "shipgate:service": name };
        const parent = { parent: this };
        // ECS rewrites these; Pulumi keeps what it created and ignores ECS's later weights.
        const ecsOwned = { parent: this, ignoreChanges: [...ECS_OWNED_PROPERTIES] };

        const alb = createLoadBalancer(name, lb, baseTags, parent);
        const logGroup = createLogGroup(name, resolved, parent);
        // ECS alternates between the two: "blue" starts as production, "green" as the alternate.
        const groups = (["blue", "green"] as const).map((color) =>
            createTargetGroup(
                `${name}-${color}`,
                {
                    vpcId: resolved.network.vpcId,
                    port: service.port,
                    healthPath: service.healthPath,
                    health: release.analysis.health,
                    deregistrationDelaySeconds: resolved.settings.deregistrationDelaySeconds,
                    tags: { ...baseTags, "shipgate:track": color },
                },
                parent,
            ),
        );
        const [primary, alternate] = groups;
        const notFound = [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "no route" } }];
        const production = new elb.Listener(name, listenerArgs(lb, alb.arn, lb.port, notFound, baseTags), parent);
        const test = new elb.Listener(`${name}-test`, listenerArgs(lb, alb.arn, lb.testPort, notFound, baseTags), parent);
        if (lb.protocol === "HTTPS" && lb.redirectHttp) {
            createHttpRedirect(`${name}-http`, lb, alb.arn, baseTags, parent);
        }
        const everything = [{ pathPattern: { values: ["/*"] } }];
        const bothGroups = forwardAction([
            { arn: primary.arn, weight: 100 },
            { arn: alternate.arn, weight: 0 },
        ]);
        const productionRule = new elb.ListenerRule(
            name,
            { listenerArn: production.arn, priority: 1, conditions: everything, actions: [bothGroups], tags: baseTags },
            ecsOwned,
        );
        const testRule = new elb.ListenerRule(
            `${name}-test`,
            { listenerArn: test.arn, priority: 1, conditions: everything, actions: [bothGroups], tags: baseTags },
            ecsOwned,
        );

        let roleArn: pulumi.Input<string>;
        if (resolved.deployment!.roleArn !== undefined) {
            roleArn = resolved.deployment!.roleArn;
        } else {
            const role = new iam.Role(
                `${name}-ecs-lb`,
                {
                    description: `lets ECS shift ${name}'s listener rules during deployments (shipgate)`,
                    assumeRolePolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: "ecs.amazonaws.com" }, Action: "sts:AssumeRole" }],
                    }),
                    tags: baseTags,
                },
                parent,
            );
            new iam.RolePolicyAttachment(`${name}-ecs-lb`, { role: role.name, policyArn: ECS_LB_POLICY_ARN }, parent);
            roleArn = role.arn;
        }

        const alarms = groups.map((group, i) =>
            createTargetGroupAlarms(
                `${name}-${i === 0 ? "blue" : "green"}`,
                {
                    service: name,
                    track: i === 0 ? "blue" : "green",
                    loadBalancerArnSuffix: alb.arnSuffix,
                    targetGroupArnSuffix: group.arnSuffix,
                    alarms: resolved.alarms,
                    tags: baseTags,
                },
                parent,
            ),
        );
        const alarmNames = alarms.flatMap((a) => [a.errorRate.name, a.latency.name]);

        const taskDefinition = createTaskDefinition(name, resolved, { app: name, track: "live", artifact: deployment.artifact, logGroup: logGroup.name }, baseTags, parent);
        const rolling = release.strategy === "rolling" ? rollingPercents(release.maxSurge, release.maxUnavailable, service.replicas) : undefined;
        new ecs.Service(
            name,
            {
                ...serviceBase(resolved, baseTags),
                taskDefinition: taskDefinition.arn,
                desiredCount: service.replicas,
                deploymentController: { type: "ECS" },
                deploymentConfiguration: deployment.deploymentConfiguration,
                ...(rolling ? { deploymentMinimumHealthyPercent: rolling.minimumHealthyPercent, deploymentMaximumPercent: rolling.maximumPercent } : {}),
                deploymentCircuitBreaker: { enable: true, rollback: true },
                alarms: { alarmNames, enable: true, rollback: true },
                loadBalancers: [
                    {
                        targetGroupArn: primary.arn,
                        containerName: name,
                        containerPort: service.port,
                        advancedConfiguration: {
                            alternateTargetGroupArn: alternate.arn,
                            productionListenerRule: productionRule.arn,
                            testListenerRule: testRule.arn,
                            roleArn,
                        },
                    },
                ],
                waitForSteadyState: true,
            },
            // After a blue/green deployment ECS serves from the other target group: keep Pulumi's hands off.
            { parent: this, ignoreChanges: ["loadBalancers"] },
        );

        const host = lb.hostname ?? alb.dnsName;
        const endpoint = listenerUrl(lb.protocol, host, lb.port);
        this.deploymentStrategy = pulumi.output(String(deployment.deploymentConfiguration.strategy));
        this.activeColor = pulumi.output(release.strategy === "blueGreen" ? release.active : undefined);
        this.loadBalancerDnsName = alb.dnsName;
        this.alarmNames = pulumi.all(alarmNames);
        this.publish(
            {
                strategy: pulumi.output(release.strategy),
                version: pulumi.output(deployment.artifact.version),
                endpoint,
                previewEndpoint: release.strategy === "blueGreen" ? listenerUrl(lb.protocol, host, lb.testPort) : pulumi.output(undefined),
                tracks: nativeTrackStatuses(resolved, deployment.artifact, endpoint, alb, primary),
                router: pulumi.all([production.arn, productionRule.arn, primary.arn, alternate.arn]).apply(([listenerArn, ruleArn, blue, green]): RouterDescriptorInput => ({
                    kind: "alb",
                    region: resolved.settings.region,
                    listenerArn,
                    ruleArn,
                    targetGroups: { blue, green },
                    owner: "ecs",
                })),
            },
            {
                deploymentStrategy: this.deploymentStrategy,
                activeColor: this.activeColor,
                loadBalancerDnsName: this.loadBalancerDnsName,
                alarmNames: this.alarmNames,
            },
        );
    }
}

/**
 * With ECS moving the traffic, the service has one declared track: the live artifact, under the
 * release's primary name (`stable`, the active color, `current`), on the target group ECS starts from.
 */
function nativeTrackStatuses(
    resolved: ResolvedEcsArgs,
    artifact: Artifact,
    endpoint: pulumi.Output<string>,
    alb: elb.LoadBalancer,
    group: elb.TargetGroup,
): pulumi.Output<Tracks> {
    const release = resolved.service.release;
    const trackName = release.strategy === "canary" ? "stable" : release.strategy === "blueGreen" ? release.active : "current";
    return pulumi.all([endpoint, alb.arnSuffix, group.arnSuffix]).apply(([live, lbSuffix, tgSuffix]) => {
        const status: AwsTrackStatus = {
            version: artifact.version,
            image: imageRef(resolved.service.image, artifact),
            replicas: resolved.service.replicas,
            weight: 100,
            endpoint: live,
            cloudwatch: { kind: "alb", loadBalancer: lbSuffix, targetGroup: tgSuffix },
        };
        return { [trackName]: status } as Tracks;
    });
}
