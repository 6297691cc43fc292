import * as ecs from "@pulumi/aws/ecs";
import * as elb from "@pulumi/aws/lb";
import * as pulumi from "@pulumi/pulumi";
import { Tracks } from "../contract";
import { Color } from "../release/blue-green";
import { imageRef } from "../release/artifact";
import { ReleaseState, liveArtifact } from "../release/release-state";
import type { RouterDescriptorInput } from "../release/router-descriptor";
import { PlannedTrack, planTraffic } from "../release/traffic-plan";
import { ShipgateServiceBase } from "../service-base";
import { EcsServiceArgs, ResolvedEcsArgs, resolveEcsArgs } from "./args";
import { TargetGroupAlarms, createTargetGroupAlarms } from "./alarms";
import { createLogGroup, createTaskDefinition, rollingPercents, serviceBase } from "./ecs-task";
import { createHttpRedirect, createLoadBalancer, createTargetGroup, forwardAction, listenerArgs, listenerUrl, albWeight } from "./load-balancer";
import { AwsTrackStatus } from "./metrics";

export const ECS_SERVICE_TYPE = "shipgate:aws:EcsService";

/** Priority of the candidate-header rule on the production listener (one ALB per service, so one rule). */
export const CANDIDATE_RULE_PRIORITY = 10;

/** One track's or color's AWS resources, all named `${name}-${track}`. */
export interface EcsTrack {
    readonly plan: PlannedTrack;
    readonly targetGroup: elb.TargetGroup;
    readonly taskDefinition: ecs.TaskDefinition;
    readonly service: ecs.Service;
    readonly alarms: TargetGroupAlarms;
}

/**
 * A service on ECS Fargate behind its own Application Load Balancer, with shipgate moving the
 * traffic (ECS's rolling update only replaces tasks inside one track):
 * - per track or color (`stable`/`canary`, `blue`/`green`, `current`) a target group with health
 *   checks on the health path, a task definition, an ECS service and two alarms (5xx share, p95);
 * - the production listener forwards to every track's target group with the weights of the
 *   release state (ALB weights, 0-999; shipgate writes the percentages), and sends requests with
 *   the candidate header to the candidate while it runs;
 * - a test listener on another port serves the candidate (the canary, the idle color) alone: the
 *   preview endpoint.
 * Traffic moves only once the tasks it moves to are steady: the listeners depend on the ECS
 * services, which wait for a steady state; the test listener (which keeps every target group
 * attached to the ALB, as ECS requires) comes first.
 * `endpoint` is the production listener (`https://<hostname or ALB DNS name>`), `previewEndpoint`
 * the test listener while a candidate runs (canary with tasks, idle color with preview on); the
 * router descriptor names the production listener, whose default action splits the traffic.
 */
export class EcsService extends ShipgateServiceBase {
    /** The candidate's share of traffic in percent (0 for blue-green and rolling). */
    public readonly weight: pulumi.Output<number>;
    /** The active color of a blue-green release. */
    public readonly activeColor: pulumi.Output<Color | undefined>;
    public readonly loadBalancerDnsName: pulumi.Output<string>;
    /** Every alarm's name (two per track), for dashboards and ECS deployment alarms. */
    public readonly alarmNames: pulumi.Output<string[]>;

    constructor(name: string, args: EcsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveEcsArgs<ReleaseState>("EcsService", name, args);
        super(ECS_SERVICE_TYPE, name, resolved, opts);
        const { service, loadBalancer: lb } = resolved;
        const release = service.release;
        const plan = planTraffic(release, service.replicas);
        const baseTags = { ...resolved.tags, "shipgate:service": name };
        const tagsFor = (track: string) => ({ ...baseTags, "shipgate:track": track });
        const parent = { parent: this };

        const alb = createLoadBalancer(name, lb, baseTags, parent);
        const logGroup = createLogGroup(name, resolved, parent);
        const targetGroups = new Map<string, elb.TargetGroup>();
        for (const track of plan.tracks) {
            targetGroups.set(
                track.name,
                createTargetGroup(
                    `${name}-${track.name}`,
                    {
                        vpcId: resolved.network.vpcId,
                        port: service.port,
                        healthPath: service.healthPath,
                        health: release.analysis.health,
                        deregistrationDelaySeconds: resolved.settings.deregistrationDelaySeconds,
                        tags: tagsFor(track.name),
                    },
                    parent,
                ),
            );
        }
        const tg = (track: PlannedTrack) => targetGroups.get(track.name)!;

        // The test listener: the candidate alone while it runs, else the primary. Every target group
        // is listed (weight 0 but the served one), which attaches it to the ALB before its ECS service exists.
        const served = plan.preview ?? plan.primary;
        const testListener = new elb.Listener(
            `${name}-test`,
            listenerArgs(lb, alb.arn, lb.testPort, [forwardAction(plan.tracks.map((t) => ({ arn: tg(t).arn, weight: t === served ? 1 : 0 })))], baseTags),
            parent,
        );

        const tracks: EcsTrack[] = plan.tracks.map((track) => {
            const taskDefinition = createTaskDefinition(
                `${name}-${track.name}`,
                resolved,
                { app: name, track: track.name, artifact: track.artifact, logGroup: logGroup.name },
                tagsFor(track.name),
                parent,
            );
            const rolling = release.strategy === "rolling" ? rollingPercents(release.maxSurge, release.maxUnavailable, service.replicas) : undefined;
            const ecsService = new ecs.Service(
                `${name}-${track.name}`,
                {
                    ...serviceBase(resolved, tagsFor(track.name)),
                    taskDefinition: taskDefinition.arn,
                    desiredCount: track.replicas,
                    loadBalancers: [{ targetGroupArn: tg(track).arn, containerName: name, containerPort: service.port }],
                    // Inside one track ECS replaces tasks without losing capacity, and undoes a
                    // deployment whose tasks never get healthy.
                    deploymentMinimumHealthyPercent: rolling?.minimumHealthyPercent ?? 100,
                    deploymentMaximumPercent: rolling?.maximumPercent ?? 200,
                    deploymentCircuitBreaker: { enable: true, rollback: true },
                    // Pulumi waits for the tasks, so the listeners move traffic only to a steady track.
                    waitForSteadyState: true,
                },
                { parent: this, dependsOn: [testListener] },
            );
            const alarms = createTargetGroupAlarms(
                `${name}-${track.name}`,
                {
                    service: name,
                    track: track.name,
                    loadBalancerArnSuffix: alb.arnSuffix,
                    targetGroupArnSuffix: tg(track).arnSuffix,
                    alarms: resolved.alarms,
                    tags: tagsFor(track.name),
                },
                parent,
            );
            return { plan: track, targetGroup: tg(track), taskDefinition, service: ecsService, alarms };
        });
        const ecsServices = tracks.map((t) => t.service);

        const production = new elb.Listener(
            name,
            listenerArgs(lb, alb.arn, lb.port, [forwardAction(plan.tracks.map((t) => ({ arn: tg(t).arn, weight: albWeight(t.weight) })))], baseTags),
            { parent: this, dependsOn: ecsServices },
        );
        if (lb.protocol === "HTTPS" && lb.redirectHttp) {
            createHttpRedirect(`${name}-http`, lb, alb.arn, baseTags, parent);
        }
        // The header reaches the candidate only while it has tasks to answer.
        if (plan.preview) {
            const header = resolved.settings.canaryHeader;
            new elb.ListenerRule(
                `${name}-candidate`,
                {
                    listenerArn: production.arn,
                    priority: CANDIDATE_RULE_PRIORITY,
                    conditions: [{ httpHeader: { httpHeaderName: header.name, values: [header.value] } }],
                    actions: [{ type: "forward", targetGroupArn: tg(plan.preview).arn }],
                    tags: baseTags,
                },
                { parent: this, dependsOn: ecsServices },
            );
        }

        const host = lb.hostname ?? alb.dnsName;
        const endpoint = listenerUrl(lb.protocol, host, lb.port);
        const testEndpoint = listenerUrl(lb.protocol, host, lb.testPort);
        this.weight = pulumi.output(release.strategy === "canary" ? (plan.candidate?.weight ?? 0) : 0);
        this.activeColor = pulumi.output(release.strategy === "blueGreen" ? release.active : undefined);
        this.loadBalancerDnsName = alb.dnsName;
        this.alarmNames = pulumi.all(tracks.flatMap((t) => [t.alarms.errorRate.name, t.alarms.latency.name]));
        this.publish(
            {
                strategy: pulumi.output(release.strategy),
                version: pulumi.output(liveArtifact(release).version),
                endpoint,
                previewEndpoint: plan.preview ? testEndpoint : pulumi.output(undefined),
                tracks: ecsTrackStatuses(resolved, tracks, alb, endpoint, testEndpoint, plan.preview?.name),
                router: pulumi
                    .all([production.arn, pulumi.all(Object.fromEntries(tracks.map((t) => [t.plan.name, t.targetGroup.arn])))])
                    .apply(([listenerArn, targetGroups]): RouterDescriptorInput => ({ kind: "alb", region: resolved.settings.region, listenerArn, targetGroups })),
            },
            { weight: this.weight, activeColor: this.activeColor, loadBalancerDnsName: this.loadBalancerDnsName, alarmNames: this.alarmNames },
        );
    }
}

/**
 * Each track's status: its version, image, tasks and share, where to reach it (the test listener
 * for the candidate under preview, else the production listener) and its CloudWatch dimensions.
 */
export function ecsTrackStatuses(
    resolved: ResolvedEcsArgs,
    tracks: readonly Pick<EcsTrack, "plan" | "targetGroup">[],
    alb: elb.LoadBalancer,
    endpoint: pulumi.Output<string>,
    testEndpoint: pulumi.Output<string>,
    previewTrack: string | undefined,
): pulumi.Output<Tracks> {
    return pulumi
        .all([alb.arnSuffix, endpoint, testEndpoint, ...tracks.map((t) => t.targetGroup.arnSuffix)])
        .apply(([lbSuffix, live, test, ...tgSuffixes]) => {
            const out: Record<string, AwsTrackStatus> = {};
            tracks.forEach((t, i) => {
                out[t.plan.name] = {
                    version: t.plan.artifact.version,
                    image: imageRef(resolved.service.image, t.plan.artifact),
                    replicas: t.plan.replicas,
                    weight: t.plan.weight,
                    endpoint: t.plan.name === previewTrack ? test : live,
                    cloudwatch: { kind: "alb", loadBalancer: lbSuffix, targetGroup: tgSuffixes[i] },
                };
            });
            return out as Tracks;
        });
}
