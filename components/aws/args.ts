import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AnalysisConfig } from "../release/analysis";
import { InputProblem, InvalidInputError, problemsFromZod } from "../release/errors";
import { ReleaseState, ReleaseStateInput } from "../release/release-state";
import { ServiceSpec, ServiceSpecInput, ServiceSpecSchema } from "../release/service-spec";
import { environmentProblems, rollingBatchProblems } from "../release/spec-problems";
import { DEFAULT_CANARY_HEADER } from "../release/traffic-plan";
import { cpuCores, fargateSize, memoryMiB } from "./fargate";

/** A service spec whose release is of one strategy. */
export type ServiceInputOf<R extends ReleaseStateInput> = Omit<ServiceSpecInput, "release"> & { readonly release: R };


/**
 * A service name becomes the prefix of target group names: AWS allows 32 characters and Pulumi
 * appends 8 random ones, so `${name}-current` must fit in 24.
 */
export const MAX_ECS_NAME_LENGTH = 16;
/** Lambda function names allow 64 characters; Pulumi appends 8. */
export const MAX_LAMBDA_NAME_LENGTH = 40;
const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const PortSchema = z.number().int().min(1, { error: "a listener port is between 1 and 65535" }).max(65535, { error: "a listener port is between 1 and 65535" });

/** ALB header names: RFC 7230 tokens of at most 40 characters (ListenerRule httpHeader). */
const HeaderSchema = z
    .object({
        name: z
            .string()
            .max(40, { error: "an ALB header condition names a header of at most 40 characters" })
            .regex(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/, { error: 'the header name is an HTTP token (letters, digits, "-"), e.g. "X-Canary"' })
            .default(DEFAULT_CANARY_HEADER.name),
        value: z.string().min(1).max(128, { error: "an ALB header condition value is at most 128 characters" }).default(DEFAULT_CANARY_HEADER.value),
    })
    .strict();

/** The region the service runs in: it names the log stream region and the router descriptor's. */
export const RegionSchema = z
    .string({ error: 'region is missing: set the AWS region the service runs in, e.g. "eu-west-1"' })
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'region must be an AWS region such as "eu-west-1"' });

/** The plain (non-Input) settings of an ECS service, validated with their defaults. */
export const EcsSettingsSchema = z
    .object({
        region: RegionSchema,
        namePrefix: z
            .string()
            .regex(/^[A-Za-z0-9_-]*$/, { error: 'namePrefix is letters, digits, "-" and "_", e.g. "shop-production-"' })
            .max(100)
            .default(""),
        logRetentionDays: z
            .number()
            .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
                error: `logRetentionDays must be one CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
            })
            .default(30),
        healthCheckGracePeriodSeconds: z.number().int().min(0).max(7200).default(60),
        deregistrationDelaySeconds: z.number().int().min(0, { error: "deregistrationDelaySeconds is 0-3600" }).max(3600, { error: "deregistrationDelaySeconds is 0-3600" }).default(30),
        canaryHeader: HeaderSchema.prefault({}),
        loadBalancer: z
            .object({
                protocol: z.enum(["HTTP", "HTTPS"], { error: 'loadBalancer.protocol is "HTTP" or "HTTPS"' }).default("HTTPS"),
                port: PortSchema.optional(),
                testPort: PortSchema.optional(),
                sslPolicy: z.string().min(1).default("ELBSecurityPolicy-TLS13-1-2-2021-06"),
                redirectHttp: z.boolean().default(true),
                internal: z.boolean().default(false),
                idleTimeoutSeconds: z.number().int().min(1).max(4000).default(60),
                deletionProtection: z.boolean().default(false),
                hostname: z
                    .string()
                    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, {
                        error: 'loadBalancer.hostname is the DNS name users reach the service on, with no scheme or path, e.g. "shop.example.com"',
                    })
                    .optional(),
            }),
        alarms: z
            .object({
                errorRate: z.number().gt(0, { error: "alarms.errorRate is a fraction above 0, e.g. 0.05 for 5%" }).max(1, { error: "alarms.errorRate is a fraction, at most 1" }).optional(),
                p95Ms: z.number().positive({ error: "alarms.p95Ms is a latency in milliseconds, e.g. 400" }).optional(),
                periodSeconds: z
                    .number()
                    .int()
                    .refine((p) => p === 10 || p === 30 || (p >= 60 && p % 60 === 0), { error: "alarms.periodSeconds is 10, 30 or a multiple of 60" })
                    .default(60),
                evaluationPeriods: z.number().int().min(1).max(100).default(3),
                datapointsToAlarm: z.number().int().min(1).max(100).default(2),
            })
            .prefault({}),
    });

export type EcsSettings = z.output<typeof EcsSettingsSchema>;

export interface EcsNetworkArgs {
    readonly vpcId: pulumi.Input<string>;
    /** Subnets the tasks run in (private ones, with a NAT gateway or VPC endpoints to pull images). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly assignPublicIp?: boolean;
}

export interface AlbArgs {
    /** Subnets of the load balancer (public ones for an internet-facing ALB), in at least two zones. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly internal?: boolean;
    readonly idleTimeoutSeconds?: number;
    /** HTTPS (default) needs `certificateArn`; HTTP is for internal or test stacks. */
    readonly protocol?: "HTTP" | "HTTPS";
    readonly certificateArn?: pulumi.Input<string>;
    readonly sslPolicy?: string;
    /** Production listener port: 443 for HTTPS, 80 for HTTP. */
    readonly port?: number;
    /** The test listener (preview of the candidate): 8443 for HTTPS, 8080 for HTTP. */
    readonly testPort?: number;
    /** With HTTPS, a port-80 listener that redirects to HTTPS (default true). */
    readonly redirectHttp?: boolean;
    /** The DNS name users reach the service on (an alias to the ALB you manage); the ALB's own name otherwise. */
    readonly hostname?: string;
    readonly deletionProtection?: boolean;
}

export interface AlarmArgs {
    /** 5xx share per target group that raises the alarm (fraction); default: the release's `analysis.errorRate.max`. */
    readonly errorRate?: number;
    /** p95 TargetResponseTime that raises the alarm, in ms; default: `analysis.latency.p95MaxMs`, else 400 ms (2× the 200 ms quality gate). */
    readonly p95Ms?: number;
    readonly periodSeconds?: number;
    readonly evaluationPeriods?: number;
    readonly datapointsToAlarm?: number;
    /** SNS topics (or other alarm actions) notified on ALARM and OK. */
    readonly actions?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface EcsServiceArgs<R extends ReleaseStateInput = ReleaseStateInput> {
    readonly service: ServiceInputOf<R>;
    readonly region: string;
    /** The ECS cluster's ARN (Fargate capacity). */
    readonly cluster: pulumi.Input<string>;
    /** The task execution role (pulls the image, writes logs, reads `secretEnv` from Secrets Manager). */
    readonly executionRoleArn: pulumi.Input<string>;
    /** The role the application's own AWS calls use. */
    readonly taskRoleArn?: pulumi.Input<string>;
    readonly network: EcsNetworkArgs;
    readonly loadBalancer: AlbArgs;
    readonly alarms?: AlarmArgs;
    /** Requests with this header go to the candidate while it runs (default `X-Canary: always`). */
    readonly canaryHeader?: { readonly name?: string; readonly value?: string };
    /** Prefix of task definition families and log groups, e.g. "shop-production-" (they are account-wide names). */
    readonly namePrefix?: string;
    readonly logRetentionDays?: number;
    readonly healthCheckGracePeriodSeconds?: number;
    /** How long the ALB drains a target leaving a target group (default 30 s: a rollback does not wait 5 minutes). */
    readonly deregistrationDelaySeconds?: number;
    /** Endpoints for `service.links`, by environment variable. */
    readonly links?: Readonly<Record<string, pulumi.Input<string>>>;
    readonly tags?: Readonly<Record<string, string>>;
}

/** ECS's own deployment strategies: ECS moves the traffic, shipgate declares and verifies. */
export interface EcsNativeDeploymentArgs {
    /** What a canary release becomes: CANARY (one step at `steps[0]`, default) or LINEAR (steps of `steps[0]`). */
    readonly canaryStrategy?: "CANARY" | "LINEAR";
    /** The role ECS uses to rewrite the listener rules; created (with AmazonECSInfrastructureRolePolicyForLoadBalancers) when omitted. */
    readonly roleArn?: pulumi.Input<string>;
}

export interface EcsNativeServiceArgs<R extends ReleaseStateInput = ReleaseStateInput> extends EcsServiceArgs<R> {
    readonly deployment?: EcsNativeDeploymentArgs;
}

/** The args after validation: what a component registers as its inputs (so policies read them at preview). */
export interface ResolvedEcsArgs<S extends ReleaseState = ReleaseState> {
    readonly service: ServiceSpec & { readonly release: S };
    readonly settings: EcsSettings;
    readonly cluster: pulumi.Input<string>;
    readonly executionRoleArn: pulumi.Input<string>;
    readonly taskRoleArn?: pulumi.Input<string>;
    readonly network: EcsNetworkArgs;
    readonly loadBalancer: AlbArgs & { readonly protocol: "HTTP" | "HTTPS"; readonly port: number; readonly testPort: number };
    readonly alarms: { readonly errorRate: number; readonly p95Ms: number; readonly periodSeconds: number; readonly evaluationPeriods: number; readonly datapointsToAlarm: number; readonly actions?: pulumi.Input<pulumi.Input<string>[]> };
    readonly links: Readonly<Record<string, pulumi.Input<string>>>;
    readonly tags: Readonly<Record<string, string>>;
    readonly deployment?: { readonly canaryStrategy: "CANARY" | "LINEAR"; readonly roleArn?: pulumi.Input<string> };
}

/** Missing Inputs: undefined, null or an empty string (an Output is checked by AWS). */
function missing(value: unknown): boolean {
    return value === undefined || value === null || value === "";
}

function listProblem(path: string, value: unknown, what: string): InputProblem[] {
    if (missing(value) || (Array.isArray(value) && value.length === 0)) {
        return [{ path, message: `${path} is missing: set ${what}` }];
    }
    return [];
}

/** Name, spec, strategy and environment problems every AWS component shares. */
export function serviceProblems(
    component: string,
    name: string,
    maxName: number,
    spec: unknown,
    strategy: ReleaseState["strategy"] | undefined,
    links: Readonly<Record<string, unknown>>,
    factory: string,
): { problems: InputProblem[]; service?: ServiceSpec } {
    const problems: InputProblem[] = [];
    if (!NAME.test(name) || name.length > maxName) {
        problems.push({
            path: "name",
            message: `"${name}" cannot name ${component}'s AWS resources: use 1-${maxName} lower-case letters, digits and "-", starting with a letter, e.g. "backend"`,
        });
    }
    const parsed = ServiceSpecSchema.safeParse(spec);
    if (!parsed.success) {
        problems.push(...problemsFromZod(parsed.error, "service"));
        return { problems };
    }
    const service = parsed.data;
    if (strategy && service.release.strategy !== strategy) {
        problems.push({
            path: "service.release.strategy",
            message: `${component} runs the "${strategy}" strategy but the release is "${service.release.strategy}": use ${factory}, which picks the component from the strategy`,
        });
    }
    problems.push(...environmentProblems(service, links), ...rollingBatchProblems(service, "aws"));
    return { problems, service };
}

/** AWS Secrets Manager references: `secretName` is the secret's ARN, `key` a JSON key in it. */
export function secretProblems(service: ServiceSpec): InputProblem[] {
    return Object.entries(service.secretEnv)
        .filter(([, ref]) => !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+/.test(ref.secretName))
        .map(([key, ref]) => ({
            path: `service.secretEnv.${key}.secretName`,
            message: `"${ref.secretName}" is not a Secrets Manager secret ARN: on AWS, secretName is the secret's ARN ("arn:aws:secretsmanager:<region>:<account>:secret:<name>") and key the JSON key inside it`,
        }));
}

/** The task must fit a Fargate size, and a container's reservations must fit its limits. */
export function sizeProblems(service: ServiceSpec): InputProblem[] {
    const problems: InputProblem[] = [];
    try {
        fargateSize(service.resources);
    } catch (e) {
        problems.push({ path: "service.resources.limits", message: `${(e as Error).message}: lower the limits` });
    }
    const { requests, limits } = service.resources;
    if (cpuCores(requests.cpu) > cpuCores(limits.cpu)) {
        problems.push({
            path: "service.resources.requests.cpu",
            message: `the CPU request (${requests.cpu}) is above the limit (${limits.cpu}): lower the request`,
        });
    }
    if (memoryMiB(requests.memory) > memoryMiB(limits.memory)) {
        problems.push({
            path: "service.resources.requests.memory",
            message: `the memory request (${requests.memory}) is above the limit (${limits.memory}): ECS refuses a reservation above the hard limit, lower the request`,
        });
    }
    return problems;
}

/** The release's analysis thresholds become the alarms' defaults, so alarms and the release engine judge alike. */
export function alarmDefaults(analysis: AnalysisConfig, settings: EcsSettings["alarms"], actions?: AlarmArgs["actions"]): ResolvedEcsArgs["alarms"] {
    return {
        errorRate: settings.errorRate ?? analysis.errorRate.max,
        p95Ms: settings.p95Ms ?? analysis.latency.p95MaxMs ?? 400,
        periodSeconds: settings.periodSeconds,
        evaluationPeriods: settings.evaluationPeriods,
        datapointsToAlarm: Math.min(settings.datapointsToAlarm, settings.evaluationPeriods),
        ...(actions !== undefined ? { actions } : {}),
    };
}

/**
 * Validates an ECS component's args and reports every problem at once, each with the field and
 * the fix. `strategy` is undefined for components that run every strategy.
 */
export function resolveEcsArgs<S extends ReleaseState>(
    component: string,
    name: string,
    args: EcsServiceArgs | EcsNativeServiceArgs,
    options: { readonly strategy?: S["strategy"]; readonly native?: boolean } = {},
): ResolvedEcsArgs<S> {
    const links = args?.links ?? {};
    const { problems, service } = serviceProblems(component, name, MAX_ECS_NAME_LENGTH, args?.service, options.strategy, links, "createAwsService");
    if (service) {
        problems.push(...secretProblems(service), ...sizeProblems(service));
    }
    const settings = EcsSettingsSchema.safeParse({
        region: args?.region,
        namePrefix: args?.namePrefix,
        logRetentionDays: args?.logRetentionDays,
        healthCheckGracePeriodSeconds: args?.healthCheckGracePeriodSeconds,
        deregistrationDelaySeconds: args?.deregistrationDelaySeconds,
        canaryHeader: args?.canaryHeader ?? {},
        loadBalancer: args?.loadBalancer ?? {},
        alarms: args?.alarms ?? {},
    });
    if (!settings.success) {
        problems.push(...problemsFromZod(settings.error));
    }
    if (missing(args?.cluster)) {
        problems.push({ path: "cluster", message: "cluster is missing: set the ARN of the ECS cluster the service runs in" });
    }
    if (missing(args?.executionRoleArn)) {
        problems.push({
            path: "executionRoleArn",
            message: "executionRoleArn is missing: set the ARN of a task execution role (AmazonECSTaskExecutionRolePolicy, plus secretsmanager:GetSecretValue for secretEnv)",
        });
    }
    if (!args?.network) {
        problems.push({ path: "network", message: "network is missing: set {vpcId, subnetIds, securityGroupIds} for the tasks" });
    } else {
        if (missing(args.network.vpcId)) {
            problems.push({ path: "network.vpcId", message: "network.vpcId is missing: set the VPC of the target groups and tasks" });
        }
        problems.push(
            ...listProblem("network.subnetIds", args.network.subnetIds, "the subnets the tasks run in"),
            ...listProblem("network.securityGroupIds", args.network.securityGroupIds, "the security groups of the tasks (allow the ALB's group on the service port)"),
        );
    }
    const lb = args?.loadBalancer;
    if (!lb) {
        problems.push({ path: "loadBalancer", message: "loadBalancer is missing: set {subnetIds, securityGroupIds, certificateArn} for the Application Load Balancer" });
    } else {
        problems.push(
            ...listProblem("loadBalancer.subnetIds", lb.subnetIds, "the ALB's subnets (public ones for an internet-facing ALB), in two zones at least"),
            ...listProblem("loadBalancer.securityGroupIds", lb.securityGroupIds, "the ALB's security groups (open the listener and test ports)"),
        );
        if ((lb.protocol ?? "HTTPS") === "HTTPS" && missing(lb.certificateArn)) {
            problems.push({
                path: "loadBalancer.certificateArn",
                message: 'an HTTPS listener needs a certificate: set loadBalancer.certificateArn to an ACM certificate ARN, or protocol: "HTTP" for an internal or test stack',
            });
        }
    }
    if (lb) {
        const protocol = lb.protocol ?? "HTTPS";
        const port = lb.port ?? (protocol === "HTTPS" ? 443 : 80);
        const testPort = lb.testPort ?? (protocol === "HTTPS" ? 8443 : 8080);
        const redirect = protocol === "HTTPS" && lb.redirectHttp !== false;
        if (testPort === port || (redirect && (testPort === 80 || port === 80))) {
            problems.push({
                path: "loadBalancer.testPort",
                message: `the test listener needs a port of its own: ${testPort} is already the ${testPort === port ? "production listener's" : "HTTP redirect's"}, e.g. use ${port === 8443 ? 9443 : 8443}`,
            });
        }
    }
    const deployment = (args as EcsNativeServiceArgs)?.deployment;
    if (options.native && deployment?.canaryStrategy !== undefined && !["CANARY", "LINEAR"].includes(deployment.canaryStrategy)) {
        problems.push({ path: "deployment.canaryStrategy", message: `unknown canaryStrategy ${JSON.stringify(deployment.canaryStrategy)}: use "CANARY" or "LINEAR"` });
    }
    if (options.native && service && service.release.strategy === "canary" && (deployment?.canaryStrategy ?? "CANARY") === "LINEAR" && service.release.steps[0] < 3) {
        problems.push({
            path: "service.release.steps[0]",
            message: `ECS LINEAR shifts at least 3% per step, but the first step is ${service.release.steps[0]}%: start the steps at 3 or more, or use canaryStrategy "CANARY"`,
        });
    }
    if (problems.length || !service || !settings.success) {
        throw new InvalidInputError(`${component} "${name}"`, problems);
    }
    const s = settings.data;
    const protocol = s.loadBalancer.protocol;
    return {
        service: service as ServiceSpec & { release: S },
        settings: s,
        cluster: args.cluster,
        executionRoleArn: args.executionRoleArn,
        ...(args.taskRoleArn !== undefined ? { taskRoleArn: args.taskRoleArn } : {}),
        network: args.network,
        loadBalancer: {
            ...args.loadBalancer,
            protocol,
            port: s.loadBalancer.port ?? (protocol === "HTTPS" ? 443 : 80),
            testPort: s.loadBalancer.testPort ?? (protocol === "HTTPS" ? 8443 : 8080),
            sslPolicy: s.loadBalancer.sslPolicy,
            redirectHttp: protocol === "HTTPS" && s.loadBalancer.redirectHttp,
            internal: s.loadBalancer.internal,
            idleTimeoutSeconds: s.loadBalancer.idleTimeoutSeconds,
            deletionProtection: s.loadBalancer.deletionProtection,
        },
        alarms: alarmDefaults(service.release.analysis, s.alarms, args.alarms?.actions),
        links: { ...links },
        tags: { ...(args.tags ?? {}) },
        ...(options.native
            ? { deployment: { canaryStrategy: deployment?.canaryStrategy ?? "CANARY", ...(deployment?.roleArn !== undefined ? { roleArn: deployment.roleArn } : {}) } }
            : {}),
    };
}
