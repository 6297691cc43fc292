import type * as awsComponents from "../../../components/aws";
import type { EcsServiceArgs } from "../../../components/aws/args";
import type { LambdaServiceArgs } from "../../../components/aws/lambda-service";
import type { ReleaseStateInput } from "../../../components/release/release-state";
import type { ServiceSpecInput } from "../../../components/release/service-spec";
import { installCloudMocks } from "../helpers/cloud-mocks";
export { resetCloud as freshStack } from "../helpers/cloud-mocks";
import { RecordedResource, findResource, findResources } from "../helpers/pulumi-mocks";
export { build } from "../helpers/pulumi-mocks";

/** Type tokens of what the AWS components create. */
export const T = {
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    ecsService: "aws:ecs/service:Service",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    lambdaFunction: "aws:lambda/function:Function",
    alias: "aws:lambda/alias:Alias",
    functionUrl: "aws:lambda/functionUrl:FunctionUrl",
    permission: "aws:lambda/permission:Permission",
    codeLedger: "pulumi-nodejs:dynamic/shipgate:LambdaCodeLedger",
    versionLedger: "pulumi-nodejs:dynamic/shipgate:LambdaVersionLedger",
    ecsComponent: "shipgate:aws:EcsService",
    ecsNativeComponent: "shipgate:aws:EcsNativeService",
    lambdaComponent: "shipgate:aws:LambdaService",
} as const;

export const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0c4f5b8e-1111-2222-3333-444455556666";
export const DB_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/backend-db-AbCdEf";

/** A service as a user would configure it, with one plain and one secret variable. */
export function serviceSpec<R extends ReleaseStateInput>(release: R, overrides: Partial<ServiceSpecInput> = {}): Omit<ServiceSpecInput, "release"> & { release: R } {
    return {
        image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-backend",
        port: 8080,
        replicas: 4,
        healthPath: "/health",
        resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        env: { LOG_FORMAT: "json" },
        secretEnv: { DATABASE_URL: { secretName: DB_SECRET, key: "url" } },
        ...overrides,
        release,
    };
}

/** The ECS args of a production stack: private task subnets, a public HTTPS ALB, a custom hostname. */
export function ecsArgs<R extends ReleaseStateInput>(release: R, overrides: Partial<EcsServiceArgs> = {}, spec: Partial<ServiceSpecInput> = {}): EcsServiceArgs<R> {
    return {
        service: serviceSpec(release, spec),
        region: "eu-west-1",
        cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/shop",
        executionRoleArn: "arn:aws:iam::123456789012:role/shop-task-execution",
        taskRoleArn: "arn:aws:iam::123456789012:role/shop-backend",
        network: { vpcId: "vpc-0abc", subnetIds: ["subnet-private-a", "subnet-private-b"], securityGroupIds: ["sg-tasks"] },
        loadBalancer: {
            subnetIds: ["subnet-public-a", "subnet-public-b"],
            securityGroupIds: ["sg-alb"],
            certificateArn: CERTIFICATE,
            hostname: "shop.example.com",
        },
        namePrefix: "shop-production-",
        ...overrides,
    } as EcsServiceArgs<R>;
}

export function lambdaArgs<R extends ReleaseStateInput>(release: R, overrides: Partial<LambdaServiceArgs> = {}, spec: Partial<ServiceSpecInput> = {}): LambdaServiceArgs<R> {
    return {
        service: serviceSpec(release, { secretEnv: {}, ...spec }),
        region: "eu-west-1",
        roleArn: "arn:aws:iam::123456789012:role/shop-backend-lambda",
        ...overrides,
    } as LambdaServiceArgs<R>;
}

let components: typeof awsComponents | undefined;

/** Installs the cloud mocks, then loads the components (so they are created against the mocks). */
export async function loadAws(): Promise<typeof awsComponents> {
    await installCloudMocks();
    components ??= await import("../../../components/aws");
    return components;
}

/** A listener's forward weights by target group name (the ARN names the group in the mocks). */
export function forwardWeights(listener: RecordedResource): Record<string, number> {
    const [action] = listener.inputs.defaultActions;
    return Object.fromEntries(action.forward.targetGroups.map((g: { arn: string; weight: number }) => [targetGroupName(g.arn), g.weight]));
}

/** `arn:…:targetgroup/<name>/<id>` → name. */
export function targetGroupName(arn: string): string {
    return arn.split("/")[1];
}

/** Desired count by ECS service name. */
export function desiredCounts(): Record<string, number> {
    return Object.fromEntries(findResources(T.ecsService).map((s) => [s.name, s.inputs.desiredCount]));
}

export function containerOf(taskDefinitionName: string): Record<string, any> {
    const [container] = JSON.parse(findResource(T.taskDefinition, taskDefinitionName).inputs.containerDefinitions);
    return container;
}
