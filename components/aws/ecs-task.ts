import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ecs from "@pulumi/aws/ecs";
import * as pulumi from "@pulumi/pulumi";
import { Artifact } from "../release/artifact";
import { ResolvedEcsArgs } from "./args";
import { containerDefinitions, fargateSize } from "./fargate";

/** The service's log group: `/ecs/<namePrefix><name>`, one stream prefix per track. */
export function createLogGroup(name: string, args: ResolvedEcsArgs, opts: pulumi.CustomResourceOptions): cloudwatch.LogGroup {
    return new cloudwatch.LogGroup(
        name,
        { name: `/ecs/${args.settings.namePrefix}${name}`, retentionInDays: args.settings.logRetentionDays, tags: args.tags },
        opts,
    );
}

export interface TaskDefinitionArgs {
    readonly app: string;
    readonly track: string;
    readonly artifact: Artifact;
    readonly logGroup: pulumi.Input<string>;
}

/** A Fargate task definition (family `<namePrefix><app>-<track>`): one container, sized to the service's limits. */
export function createTaskDefinition(name: string, args: ResolvedEcsArgs, task: TaskDefinitionArgs, tags: Record<string, string>, opts: pulumi.CustomResourceOptions): ecs.TaskDefinition {
    const size = fargateSize(args.service.resources);
    return new ecs.TaskDefinition(
        name,
        {
            family: `${args.settings.namePrefix}${task.app}-${task.track}`,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: size.cpu,
            memory: size.memory,
            executionRoleArn: args.executionRoleArn,
            ...(args.taskRoleArn !== undefined ? { taskRoleArn: args.taskRoleArn } : {}),
            containerDefinitions: containerDefinitions({
                name: task.app,
                service: args.service,
                artifact: task.artifact,
                region: args.settings.region,
                logGroup: task.logGroup,
                track: task.track,
                links: args.links,
            }),
            tags,
        },
        opts,
    );
}

/** What every ECS service of shipgate shares: Fargate, awsvpc networking, tags propagated to tasks. */
export function serviceBase(args: ResolvedEcsArgs, tags: Record<string, string>): ecs.ServiceArgs {
    return {
        cluster: args.cluster,
        launchType: "FARGATE",
        networkConfiguration: {
            subnets: args.network.subnetIds,
            securityGroups: args.network.securityGroupIds,
            assignPublicIp: args.network.assignPublicIp ?? false,
        },
        healthCheckGracePeriodSeconds: args.settings.healthCheckGracePeriodSeconds,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        tags,
    };
}

/** maxSurge/maxUnavailable ("25%" or a count) as ECS's percentages of the desired count. */
export function rollingPercents(maxSurge: number | string, maxUnavailable: number | string, replicas: number): { maximumPercent: number; minimumHealthyPercent: number } {
    const percent = (v: number | string, round: (n: number) => number) =>
        typeof v === "string" ? Number(v.slice(0, -1)) : round((v / Math.max(1, replicas)) * 100);
    const surge = percent(maxSurge, Math.ceil);
    const unavailable = percent(maxUnavailable, Math.floor);
    return { maximumPercent: 100 + surge, minimumHealthyPercent: Math.max(0, 100 - Math.min(100, unavailable)) };
}
