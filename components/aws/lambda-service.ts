import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as lambda from "@pulumi/aws/lambda";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Tracks } from "../contract";
import { Artifact, imageRef } from "../release/artifact";
import { Color } from "../release/blue-green";
import { InputProblem, InvalidInputError, problemsFromZod } from "../release/errors";
import { ReleaseState, ReleaseStateInput, liveArtifact } from "../release/release-state";
import type { RouterDescriptorInput } from "../release/router-descriptor";
import { ServiceSpec } from "../release/service-spec";
import { PlannedTrack, TrafficPlan, planTraffic } from "../release/traffic-plan";
import { ShipgateServiceBase } from "../service-base";
import { AlarmArgs, MAX_LAMBDA_NAME_LENGTH, RegionSchema, ServiceInputOf, serviceProblems } from "./args";
import { memoryMiB } from "./fargate";
import { CodeEntry, LambdaCodeLedger, LambdaVersionLedger } from "./lambda-ledger";
import { AwsTrackStatus } from "./metrics";

export const LAMBDA_SERVICE_TYPE = "shipgate:aws:LambdaService";
/** The alias users invoke: weighted between the primary's and the candidate's versions. */
export const LIVE_ALIAS = "live";
/** The alias that reaches the candidate alone (the canary, the idle color under preview). */
export const PREVIEW_ALIAS = "preview";

export const LambdaSettingsSchema = z
    .object({
        region: RegionSchema,
        memoryMb: z.number().int().min(128, { error: "memoryMb is 128-10240" }).max(10240, { error: "memoryMb is 128-10240" }).optional(),
        timeoutSeconds: z.number().int().min(1, { error: "timeoutSeconds is 1-900" }).max(900, { error: "timeoutSeconds is 1-900" }).default(30),
        architecture: z.enum(["x86_64", "arm64"], { error: 'architecture is "x86_64" or "arm64"' }).default("x86_64"),
        /** A function URL per alias (HTTPS endpoints); `false` for none (endpoints are then alias ARNs). */
        functionUrl: z
            .union([z.literal(false), z.object({ authType: z.enum(["AWS_IAM", "NONE"], { error: 'functionUrl.authType is "AWS_IAM" or "NONE"' }).default("AWS_IAM") }).strict()])
            .default({ authType: "AWS_IAM" }),
        reservedConcurrency: z.number().int().min(0).optional(),
        alarms: z
            .object({
                errorRate: z.number().gt(0).max(1).optional(),
                p95Ms: z.number().positive().optional(),
                periodSeconds: z.number().int().refine((p) => p === 10 || p === 30 || (p >= 60 && p % 60 === 0), { error: "alarms.periodSeconds is 10, 30 or a multiple of 60" }).default(60),
                evaluationPeriods: z.number().int().min(1).max(100).default(3),
                datapointsToAlarm: z.number().int().min(1).max(100).default(2),
            })
            .prefault({}),
    });

export type LambdaSettings = z.output<typeof LambdaSettingsSchema>;

export interface LambdaServiceArgs<R extends ReleaseStateInput = ReleaseStateInput> {
    /** `image` is an ECR repository holding container images for Lambda (e.g. with the Lambda Web Adapter). */
    readonly service: ServiceInputOf<R>;
    /** The region the function runs in (the stack's provider's), for the router descriptor. */
    readonly region: string;
    /** The function's execution role. */
    readonly roleArn: pulumi.Input<string>;
    /** Default: the service's memory limit (at least 128 MB). */
    readonly memoryMb?: number;
    readonly timeoutSeconds?: number;
    readonly architecture?: "x86_64" | "arm64";
    /** HTTPS endpoints on the `live` and `preview` aliases (default: with AWS_IAM auth). */
    readonly functionUrl?: false | { readonly authType?: "AWS_IAM" | "NONE" };
    readonly reservedConcurrency?: number;
    /** Alarms on the live alias (error share and p95 Duration); actions notified on ALARM/OK. */
    readonly alarms?: AlarmArgs;
    readonly links?: Readonly<Record<string, pulumi.Input<string>>>;
    readonly tags?: Readonly<Record<string, string>>;
}

export interface ResolvedLambdaArgs {
    readonly service: ServiceSpec;
    readonly settings: LambdaSettings & { readonly memoryMb: number };
    readonly roleArn: pulumi.Input<string>;
    readonly alarms: { readonly errorRate: number; readonly p95Ms: number; readonly actions?: AlarmArgs["actions"] };
    readonly links: Readonly<Record<string, pulumi.Input<string>>>;
    readonly tags: Readonly<Record<string, string>>;
}

export function resolveLambdaArgs(name: string, args: LambdaServiceArgs): ResolvedLambdaArgs {
    const links = args?.links ?? {};
    const { problems, service } = serviceProblems("LambdaService", name, MAX_LAMBDA_NAME_LENGTH, args?.service, undefined, links, "createAwsService");
    const settings = LambdaSettingsSchema.safeParse({
        region: args?.region,
        memoryMb: args?.memoryMb,
        timeoutSeconds: args?.timeoutSeconds,
        architecture: args?.architecture,
        functionUrl: args?.functionUrl,
        reservedConcurrency: args?.reservedConcurrency,
        alarms: args?.alarms ?? {},
    });
    if (!settings.success) {
        problems.push(...problemsFromZod(settings.error));
    }
    if (args?.roleArn === undefined || args.roleArn === "") {
        problems.push({ path: "roleArn", message: "roleArn is missing: set the ARN of the function's execution role (AWSLambdaBasicExecutionRole at least)" });
    }
    if (service) {
        problems.push(...lambdaSpecProblems(service));
    }
    if (problems.length || !service || !settings.success) {
        throw new InvalidInputError(`LambdaService "${name}"`, problems);
    }
    const analysis = service.release.analysis;
    return {
        service,
        settings: { ...settings.data, memoryMb: settings.data.memoryMb ?? Math.min(10240, Math.max(128, memoryMiB(service.resources.limits.memory))) },
        roleArn: args.roleArn,
        alarms: {
            errorRate: settings.data.alarms.errorRate ?? analysis.errorRate.max,
            p95Ms: settings.data.alarms.p95Ms ?? analysis.latency.p95MaxMs ?? 400,
            ...(args.alarms?.actions !== undefined ? { actions: args.alarms.actions } : {}),
        },
        links: { ...links },
        tags: { ...(args.tags ?? {}) },
    };
}

function lambdaSpecProblems(service: ServiceSpec): InputProblem[] {
    const problems: InputProblem[] = Object.keys(service.secretEnv).map((key) => ({
        path: `service.secretEnv.${key}`,
        message: `Lambda environment variables cannot reference a secret: read ${key} from Secrets Manager in the function (e.g. the Parameters and Secrets extension) and remove it from secretEnv`,
    }));
    if (service.release.strategy === "rolling" && (service.release.maxSurge !== "25%" || service.release.maxUnavailable !== "25%")) {
        problems.push({
            path: "service.release.maxSurge",
            message: "a Lambda alias moves all traffic at once: maxSurge and maxUnavailable do not apply, remove them (or use a canary release for a gradual shift)",
        });
    }
    return problems;
}

/** The ledgers' key of an artifact: what a published version runs. */
export function codeEntry(image: string, artifact: Artifact): CodeEntry {
    const ref = imageRef(image, artifact);
    return { key: `${artifact.version}|${ref}`, image: ref };
}

/**
 * The live alias' routing for a plan, given the version of each track: the primary's version,
 * and the candidate's share as a FRACTION (Lambda's `additionalVersionWeights` take 0-1, not
 * percent). A candidate at 100% becomes the alias' version (Lambda routes no more than the
 * remainder to an additional version); at 0% it is left out.
 */
export function aliasRouting(plan: TrafficPlan, versions: Readonly<Record<string, string>>): { functionVersion: string; additionalVersionWeights?: Record<string, number> } {
    const candidate = plan.tracks.find((t) => t.role === "candidate" && t.weight > 0);
    const primaryVersion = versions[plan.primary.name];
    if (!candidate) {
        return { functionVersion: primaryVersion };
    }
    const candidateVersion = versions[candidate.name];
    if (candidate.weight === 100 || candidateVersion === primaryVersion) {
        return { functionVersion: candidate.weight === 100 ? candidateVersion : primaryVersion };
    }
    return { functionVersion: primaryVersion, additionalVersionWeights: { [candidateVersion]: candidate.weight / 100 } };
}

/**
 * A Lambda function (a container image) released by shifting an alias between published
 * versions:
 * - `${name}`: the function, `publish: true`; its code holds the newest artifact (a version is
 *   published whenever code or configuration changes);
 * - two ledgers remember which artifact the code holds and which version runs each artifact
 *   (Lambda numbers versions itself; a release state only names artifacts);
 * - `${name}-live`: alias `live`, on the primary's version, with the candidate's share in
 *   `routingConfig.additionalVersionWeights` as a fraction (25% → 0.25);
 * - `${name}-preview`: alias `preview` on the candidate alone while there is one;
 * - function URLs on both aliases (HTTPS endpoints), and alarms on the live alias.
 * Blue-green is the same alias moved 100/0; rolling moves it at once. `endpoint` is the live
 * alias' function URL (or its ARN with functionUrl: false); the router descriptor names the live
 * alias and each track's published version.
 */
export class LambdaService extends ShipgateServiceBase {
    /** The candidate's share in percent. */
    public readonly weight: pulumi.Output<number>;
    public readonly activeColor: pulumi.Output<Color | undefined>;
    public readonly functionName: pulumi.Output<string>;
    /** The published version of each track, by track name. */
    public readonly versions: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: LambdaServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = resolveLambdaArgs(name, args);
        super(LAMBDA_SERVICE_TYPE, name, resolved, opts);
        const { service, settings } = resolved;
        const release: ReleaseState = service.release;
        const plan = planTraffic(release, service.replicas);
        const tags = { ...resolved.tags, "shipgate:service": name };
        const parent = { parent: this };
        const entries: Record<string, CodeEntry> = Object.fromEntries(plan.tracks.map((t) => [t.name, codeEntry(service.image, t.artifact)]));

        const code = new LambdaCodeLedger(`${name}-code`, { tracks: entries, primary: plan.primary.name }, parent);
        const environment = pulumi
            .all(Object.entries({ ...service.env, ...resolved.links }).map(([k, v]) => pulumi.all([k, v])))
            .apply((pairs) => ({
                // The Lambda Web Adapter runs an HTTP server image on Lambda: its port and readiness path.
                AWS_LWA_PORT: String(service.port),
                AWS_LWA_READINESS_CHECK_PATH: service.healthPath,
                ...Object.fromEntries(pairs),
            }));
        const fn = new lambda.Function(
            name,
            {
                packageType: "Image",
                imageUri: code.state.apply((s) => s.code.image),
                role: resolved.roleArn,
                publish: true,
                architectures: [settings.architecture],
                memorySize: settings.memoryMb,
                timeout: settings.timeoutSeconds,
                ...(settings.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: settings.reservedConcurrency } : {}),
                environment: { variables: environment },
                tags,
            },
            parent,
        );
        const ledger = new LambdaVersionLedger(
            `${name}-versions`,
            pulumi.all([fn.arn, code.state, fn.version]).apply(([functionArn, state, version]) => ({ functionArn, code: state.code.key, version })),
            parent,
        );
        // Version of each track: what the ledger recorded for its artifact.
        const trackVersions = ledger.state.apply((s) => {
            const out: Record<string, string> = {};
            for (const t of plan.tracks) {
                const v = s.versions[entries[t.name].key];
                if (v === undefined) {
                    throw new Error(`no published version runs ${t.artifact.version} (track ${t.name}) of ${name}: the version ledger lost it; deploy ${t.artifact.version} again`);
                }
                out[t.name] = v;
            }
            return out;
        });
        const routing = trackVersions.apply((v) => aliasRouting(plan, v));
        const live = new lambda.Alias(
            `${name}-live`,
            {
                name: LIVE_ALIAS,
                functionName: fn.name,
                functionVersion: routing.apply((r) => r.functionVersion),
                routingConfig: routing.apply((r) => (r.additionalVersionWeights ? { additionalVersionWeights: r.additionalVersionWeights } : {})),
                description: `shipgate: ${plan.tracks.map((t) => `${t.name} ${t.artifact.version} ${t.weight}%`).join(", ")}`,
            },
            parent,
        );
        const preview = plan.preview
            ? new lambda.Alias(
                  `${name}-preview`,
                  {
                      name: PREVIEW_ALIAS,
                      functionName: fn.name,
                      functionVersion: trackVersions.apply((v) => v[plan.preview!.name]),
                      description: `shipgate: ${plan.preview.name} ${plan.preview.artifact.version} alone`,
                  },
                  parent,
              )
            : undefined;
        const liveEndpoint = this.aliasEndpoint(`${name}-live`, fn, live, LIVE_ALIAS, settings);
        const previewEndpoint = preview ? this.aliasEndpoint(`${name}-preview`, fn, preview, PREVIEW_ALIAS, settings) : undefined;
        this.createAlarms(name, fn, resolved, tags, live);

        this.weight = pulumi.output(plan.candidate?.weight ?? 0);
        this.activeColor = pulumi.output(release.strategy === "blueGreen" ? release.active : undefined);
        this.functionName = fn.name;
        this.versions = trackVersions;
        this.publish(
            {
                strategy: pulumi.output(release.strategy),
                version: pulumi.output(liveArtifact(release).version),
                endpoint: liveEndpoint,
                previewEndpoint: previewEndpoint ?? pulumi.output(undefined),
                tracks: pulumi.all([trackVersions, fn.name, fn.arn, liveEndpoint, previewEndpoint ?? pulumi.output(undefined)]).apply(([versions, fnName, fnArn, liveUrl, previewUrl]) => {
                    const out: Record<string, AwsTrackStatus> = {};
                    for (const t of plan.tracks) {
                        out[t.name] = {
                            version: t.artifact.version,
                            image: imageRef(service.image, t.artifact),
                            // Lambda runs per request: there are no replicas to report.
                            replicas: 0,
                            weight: t.weight,
                            endpoint: trackEndpoint(t, plan, liveUrl, previewUrl, `${fnArn}:${versions[t.name]}`),
                            cloudwatch: { kind: "lambda", functionName: fnName, alias: LIVE_ALIAS, version: versions[t.name] },
                        };
                    }
                    return out as Tracks;
                }),
                router: pulumi
                    .all([fn.name, live.name, trackVersions])
                    .apply(([functionName, alias, versions]): RouterDescriptorInput => ({ kind: "lambdaAlias", region: settings.region, functionName, alias, versions })),
            },
            { weight: this.weight, activeColor: this.activeColor, functionName: this.functionName, versions: this.versions },
        );
    }

    /** A function URL on the alias (with the permissions an unauthenticated URL needs), else the alias ARN. */
    private aliasEndpoint(name: string, fn: lambda.Function, alias: lambda.Alias, aliasName: string, settings: LambdaSettings): pulumi.Output<string> {
        if (settings.functionUrl === false) {
            return alias.arn;
        }
        const url = new lambda.FunctionUrl(name, { functionName: fn.name, qualifier: aliasName, authorizationType: settings.functionUrl.authType }, { parent: this, dependsOn: [alias] });
        if (settings.functionUrl.authType === "NONE") {
            // A public URL needs both: InvokeFunctionUrl, and InvokeFunction through the URL.
            new lambda.Permission(
                `${name}-url`,
                { function: fn.name, qualifier: aliasName, action: "lambda:InvokeFunctionUrl", principal: "*", functionUrlAuthType: "NONE" },
                { parent: this, dependsOn: [alias] },
            );
            new lambda.Permission(
                `${name}-invoke`,
                { function: fn.name, qualifier: aliasName, action: "lambda:InvokeFunction", principal: "*", invokedViaFunctionUrl: true },
                { parent: this, dependsOn: [alias] },
            );
        }
        return url.functionUrl;
    }

    /** The live alias' error share (Errors / Invocations) and p95 Duration, from the release's thresholds. */
    private createAlarms(name: string, fn: lambda.Function, resolved: ResolvedLambdaArgs, tags: Record<string, string>, live: lambda.Alias): void {
        const { alarms } = resolved;
        const a = resolved.settings.alarms;
        const dimensions = { FunctionName: fn.name, Resource: pulumi.interpolate`${fn.name}:${LIVE_ALIAS}` };
        const common = {
            evaluationPeriods: a.evaluationPeriods,
            datapointsToAlarm: Math.min(a.datapointsToAlarm, a.evaluationPeriods),
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            ...(alarms.actions !== undefined ? { alarmActions: alarms.actions, okActions: alarms.actions } : {}),
            tags,
        };
        const metric = (metricName: string) => ({ namespace: "AWS/Lambda", metricName, dimensions, period: a.periodSeconds, stat: "Sum" });
        new cloudwatch.MetricAlarm(
            `${name}-errors`,
            {
                ...common,
                alarmDescription: `${name} live: errors above ${(alarms.errorRate * 100).toFixed(1)}% of invocations (shipgate)`,
                threshold: alarms.errorRate,
                metricQueries: [
                    { id: "errors", metric: metric("Errors"), returnData: false },
                    { id: "invocations", metric: metric("Invocations"), returnData: false },
                    { id: "rate", expression: "IF(invocations > 0, FILL(errors, 0) / invocations, 0)", label: "error share", returnData: true },
                ],
            },
            { parent: this, dependsOn: [live] },
        );
        new cloudwatch.MetricAlarm(
            `${name}-p95`,
            {
                ...common,
                alarmDescription: `${name} live: p95 duration above ${alarms.p95Ms} ms (shipgate)`,
                namespace: "AWS/Lambda",
                metricName: "Duration",
                dimensions,
                period: a.periodSeconds,
                extendedStatistic: "p95",
                threshold: alarms.p95Ms,
                evaluateLowSampleCountPercentiles: "ignore",
            },
            { parent: this, dependsOn: [live] },
        );
    }
}

/** The primary is reached through the live alias, the previewed candidate through the preview alias, any other track by its version's ARN. */
function trackEndpoint(track: PlannedTrack, plan: TrafficPlan, liveUrl: string, previewUrl: string | undefined, versionArn: string): string {
    if (track.name === plan.primary.name) {
        return liveUrl;
    }
    if (plan.preview && track.name === plan.preview.name && previewUrl) {
        return previewUrl;
    }
    return versionArn;
}
