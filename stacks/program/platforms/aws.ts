import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import { Provider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { AwsServiceArgs, createAwsService } from "../../../components/aws";
import { ServiceSpec } from "../../../components/release";
import { AwsPlatformConfig } from "./aws-config";
import { ServicePlatform } from "./service-platform";

export interface AwsPlatformOptions {
    readonly settings: AwsPlatformConfig;
    readonly stack: string;
    readonly project: string;
    /** The services the stack declares (to grant the execution role their secrets). */
    readonly services: Readonly<Record<string, ServiceSpec>>;
}

const TASK_EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
const LAMBDA_BASIC_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

function assumeRole(service: string): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
}

/**
 * AWS through one explicit provider in `shipgate:aws.region`. What the stack does not name it
 * creates once for every service: an ECS cluster, a task execution role (allowed to read the
 * services' Secrets Manager secrets) and a Lambda role. Each service then gets its own
 * component (ALB, target groups, ECS services, alarms; or a Lambda function and aliases).
 * The release engine's CloudWatch source reads each track's dimensions from the `services`
 * output (`tracks.<t>.cloudwatch`); `metrics.cloudwatch` gathers them.
 */
export function awsPlatform(options: AwsPlatformOptions): ServicePlatform {
    const { settings, stack } = options;
    const prefix = `${options.project}-${stack}-`;
    const provider = new Provider("aws", { region: settings.region, defaultTags: { tags: { "shipgate:stack": stack, "shipgate:project": options.project } } });
    const opts = { provider };
    const kindOf = (name: string) => settings.services[name]?.kind ?? "ecs";
    const names = Object.keys(options.services);

    let cluster: pulumi.Input<string> | undefined = settings.clusterArn;
    let executionRoleArn: pulumi.Input<string> | undefined = settings.executionRoleArn;
    if (names.some((n) => kindOf(n) !== "lambda")) {
        cluster ??= new ecs.Cluster("shipgate", { name: `${prefix}shipgate`, settings: [{ name: "containerInsights", value: "enabled" }] }, opts).arn;
        if (!executionRoleArn) {
            const role = new iam.Role("shipgate-task-execution", { assumeRolePolicy: assumeRole("ecs-tasks.amazonaws.com"), description: "pulls images, writes logs, reads secrets (shipgate)" }, opts);
            new iam.RolePolicyAttachment("shipgate-task-execution", { role: role.name, policyArn: TASK_EXECUTION_POLICY }, opts);
            const secrets = [...new Set(names.flatMap((n) => Object.values(options.services[n].secretEnv).map((ref) => ref.secretName)))].sort();
            if (secrets.length) {
                new iam.RolePolicy(
                    "shipgate-task-secrets",
                    {
                        role: role.name,
                        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secrets }] }),
                    },
                    opts,
                );
            }
            executionRoleArn = role.arn;
        }
    }
    let lambdaRole: pulumi.Input<string> | undefined = settings.lambda.roleArn;
    if (!lambdaRole && names.some((n) => kindOf(n) === "lambda" && !settings.services[n]?.roleArn)) {
        const role = new iam.Role("shipgate-lambda", { assumeRolePolicy: assumeRole("lambda.amazonaws.com"), description: "runs shipgate's Lambda services" }, opts);
        new iam.RolePolicyAttachment("shipgate-lambda", { role: role.name, policyArn: LAMBDA_BASIC_POLICY }, opts);
        lambdaRole = role.arn;
    }

    const endpoints = new Map<string, pulumi.Output<string>>();
    const trackOutputs = new Map<string, pulumi.Output<unknown>>();
    return {
        name: "aws",
        get metrics() {
            return {
                cloudwatch: pulumi.all(Object.fromEntries(trackOutputs)).apply((tracks) => ({
                    region: settings.region,
                    targets: Object.fromEntries(
                        Object.entries(tracks as Record<string, Record<string, { cloudwatch?: unknown }>>).map(([service, t]) => [
                            service,
                            Object.fromEntries(Object.entries(t).map(([track, status]) => [track, status.cloudwatch])),
                        ]),
                    ),
                })),
            };
        },
        createService(name, spec, serviceOpts) {
            const own = settings.services[name] ?? { kind: "ecs" as const };
            const links = Object.fromEntries(Object.entries(spec.links).map(([env, target]) => [env, endpoints.get(target)!]));
            const alarms = { ...(settings.alarms.actions.length ? { actions: settings.alarms.actions } : {}), errorRate: settings.alarms.errorRate, p95Ms: settings.alarms.p95Ms };
            let args: AwsServiceArgs;
            if (own.kind === "lambda") {
                args = {
                    kind: "lambda",
                    service: spec,
                    region: settings.region,
                    roleArn: own.roleArn ?? lambdaRole!,
                    ...(own.memoryMb !== undefined ? { memoryMb: own.memoryMb } : {}),
                    ...(own.timeoutSeconds !== undefined ? { timeoutSeconds: own.timeoutSeconds } : {}),
                    ...(own.functionUrlAuth ? { functionUrl: { authType: own.functionUrlAuth } } : {}),
                    alarms,
                    links,
                };
            } else {
                const lb = settings.loadBalancer!;
                args = {
                    kind: own.kind,
                    service: spec,
                    region: settings.region,
                    cluster: cluster!,
                    executionRoleArn: executionRoleArn!,
                    network: settings.network!,
                    loadBalancer: {
                        subnetIds: lb.subnetIds,
                        securityGroupIds: lb.securityGroupIds,
                        protocol: lb.protocol,
                        internal: lb.internal,
                        ...(own.certificateArn ?? lb.certificateArn ? { certificateArn: own.certificateArn ?? lb.certificateArn } : {}),
                        ...(lb.testPort !== undefined ? { testPort: lb.testPort } : {}),
                        ...(own.hostname ? { hostname: own.hostname } : {}),
                    },
                    alarms,
                    namePrefix: prefix,
                    links,
                    ...(own.kind === "ecsNative" && own.canaryStrategy ? { deployment: { canaryStrategy: own.canaryStrategy } } : {}),
                } as AwsServiceArgs;
            }
            const service = createAwsService(name, args, { ...serviceOpts, providers: [provider] });
            endpoints.set(name, service.endpoint);
            trackOutputs.set(name, service.tracks);
            return service;
        },
    };
}
