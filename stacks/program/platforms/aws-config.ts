import { z } from "zod";
import { AWS_COMPUTE_KINDS } from "../../../components/aws/compute-kinds";

const ids = (what: string, example: string) =>
    z.array(z.string().min(1), { error: `${what} is a list of IDs, e.g. ["${example}"]` }).min(1, { error: `${what} is empty: list at least one, e.g. ["${example}"]` });

const arn = (what: string, service: string) =>
    z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), { error: `${what} is an ARN (arn:aws:${service}:…)` });

/** Per service: how it runs on AWS, and what only it needs. */
export const AwsServiceSettingsSchema = z
    .object({
        /** ecs (shipgate moves ALB weights), ecsNative (ECS's own BLUE_GREEN/CANARY/LINEAR), lambda. */
        kind: z.enum(AWS_COMPUTE_KINDS, { error: `kind is one of ${AWS_COMPUTE_KINDS.join(", ")}` }).default("ecs"),
        /** The DNS name users reach it on (an alias to its ALB you manage); the ALB's own name otherwise. */
        hostname: z.string().min(1).optional(),
        /** An ACM certificate for this service's HTTPS listeners, instead of the stack's. */
        certificateArn: arn("certificateArn", "acm").optional(),
        /** ecsNative: CANARY (default) or LINEAR for canary releases. */
        canaryStrategy: z.enum(["CANARY", "LINEAR"]).optional(),
        /** lambda: the function's execution role (the stack's `lambda.roleArn` otherwise). */
        roleArn: arn("roleArn", "iam").optional(),
        memoryMb: z.number().int().min(128).max(10240).optional(),
        timeoutSeconds: z.number().int().min(1).max(900).optional(),
        functionUrlAuth: z.enum(["AWS_IAM", "NONE"]).optional(),
    })
    .strict();

/**
 * How the stack reaches AWS. The provider takes credentials from its usual places (AWS_PROFILE
 * or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, ~/.aws, SSO, a CI role via
 * web identity); this block says where the services run.
 */
export const AwsPlatformSchema = z
    .object({
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'region must be an AWS region such as "eu-west-1"' }),
        /** An existing ECS cluster; one named after the stack is created otherwise. */
        clusterArn: arn("clusterArn", "ecs").optional(),
        /** An existing task execution role; one is created otherwise (with read access to the services' secrets). */
        executionRoleArn: arn("executionRoleArn", "iam").optional(),
        network: z
            .object({
                vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, { error: 'vpcId is a VPC ID such as "vpc-0abc1234"' }),
                /** Where tasks run: private subnets with a NAT gateway or VPC endpoints (ECR, logs, secrets). */
                subnetIds: ids("network.subnetIds", "subnet-0abc1234"),
                securityGroupIds: ids("network.securityGroupIds", "sg-0abc1234"),
                assignPublicIp: z.boolean().default(false),
            })
            .strict()
            .optional(),
        loadBalancer: z
            .object({
                subnetIds: ids("loadBalancer.subnetIds", "subnet-0def5678"),
                securityGroupIds: ids("loadBalancer.securityGroupIds", "sg-0def5678"),
                protocol: z.enum(["HTTP", "HTTPS"]).default("HTTPS"),
                certificateArn: arn("loadBalancer.certificateArn", "acm").optional(),
                internal: z.boolean().default(false),
                testPort: z.number().int().min(1).max(65535).optional(),
            })
            .strict()
            .optional(),
        alarms: z
            .object({
                /** SNS topics told when an alarm fires or clears. */
                actions: z.array(arn("alarms.actions[]", "sns")).default([]),
                errorRate: z.number().gt(0).max(1).optional(),
                p95Ms: z.number().positive().optional(),
            })
            .strict()
            .prefault({}),
        lambda: z.object({ roleArn: arn("lambda.roleArn", "iam").optional() }).strict().prefault({}),
        services: z.record(z.string(), AwsServiceSettingsSchema).default({}),
    })
    .strict()
    .superRefine((aws, ctx) => {
        const kinds = Object.values(aws.services).map((s) => s.kind);
        const anyEcs = kinds.length === 0 || kinds.some((k) => k !== "lambda");
        if (anyEcs && !aws.network) {
            ctx.addIssue({ code: "custom", path: ["network"], message: "ECS services need network: set {vpcId, subnetIds, securityGroupIds} (or give every service kind: lambda)" });
        }
        if (anyEcs && !aws.loadBalancer) {
            ctx.addIssue({ code: "custom", path: ["loadBalancer"], message: "ECS services need loadBalancer: set {subnetIds, securityGroupIds, certificateArn} for their ALBs" });
        }
    });

export type AwsPlatformConfig = z.output<typeof AwsPlatformSchema>;
