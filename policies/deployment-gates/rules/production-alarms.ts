import { z } from "zod";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { AWS, ECS_COMPONENTS, ECS_NATIVE_STRATEGIES, alarmWatch, list } from "../lib/cloud";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { UNKNOWN_AT_PREVIEW, ifKnown, readKnown } from "../lib/known";
import { violation } from "../lib/messages";
import { owningServiceComponent } from "../lib/resources";

export const NAME = "production-alarms";

const Config = z
    .object({
        /** The lowest latency percentile that counts as a p95 alarm (p95, p99, … count; p50 does not). */
        minLatencyPercentile: z.number().min(50).max(100).default(95),
        /** Lambda aliases that take production traffic (an alias that splits traffic is one too). */
        liveAliases: z.array(z.string().min(1)).default(["live"]),
    })
    .strict();

/** The ALB's 5xx counts (targets' and the load balancer's own). */
const ALB_5XX = new Set(["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"]);
const ALB_LATENCY = "TargetResponseTime";
const LAMBDA_ERRORS = new Set(["Errors"]);
const LAMBDA_LATENCY = "Duration";

/** The known values of one dimension of an alarm and of its metric-math queries. */
function dimensionValues(alarm: PolicyResource, key: string): string[] {
    const out: unknown[] = [ifKnown(() => alarm.props.dimensions?.[key])];
    const queries = ifKnown(() => list(alarm.props.metricQueries)) ?? [];
    for (const q of queries) out.push(ifKnown(() => q?.metric?.dimensions?.[key]));
    return out.filter((v): v is string => typeof v === "string" && v !== "");
}

interface Kinds {
    readonly errors: ReadonlySet<string>;
    readonly latency: string;
}

/** Which of the two alarms (errors, latency percentile) the alarms watching a resource lack. */
function missingAlarms(watching: readonly PolicyResource[], kinds: Kinds, minPercentile: number): Array<"errors" | "latency"> {
    // An alarm whose metrics are unknown at preview may be either: it gets the benefit of the doubt.
    const watches = watching.map((a) => alarmWatch(a.props));
    const errors = watches.some((w) => w === undefined || w.metrics.some((m) => kinds.errors.has(m)));
    const latency = watches.some((w) => w === undefined || (w.metrics.includes(kinds.latency) && w.percentiles.some((p) => p >= minPercentile)));
    return [...(errors ? [] : (["errors"] as const)), ...(latency ? [] : (["latency"] as const))];
}

function isEcsNative(service: PolicyResource): string | undefined {
    const strategy = ifKnown(() => service.props.deploymentConfiguration?.strategy);
    return typeof strategy === "string" && ECS_NATIVE_STRATEGIES.has(strategy) ? strategy : undefined;
}

function isLiveAlias(alias: PolicyResource, liveNames: readonly string[]): boolean {
    const name = ifKnown(() => alias.props.name);
    if (typeof name === "string" && liveNames.includes(name)) return true;
    const weights = ifKnown(() => alias.props.routingConfig?.additionalVersionWeights);
    return !!weights && typeof weights === "object" && Object.keys(weights).length > 0;
}

/**
 * In production every traffic-bearing AWS target is watched by alarms on the protocol's two
 * rollback signals, the error rate and P95 latency: every ECS target group (one an ECS service
 * serves from, or one shipgate's ECS components made) has a 5xx alarm and a p95
 * TargetResponseTime alarm; every ECS service deploying with ECS's own BLUE_GREEN, CANARY or
 * LINEAR strategy rolls back on its alarms; every Lambda live alias has an error alarm and a p95
 * Duration alarm. An alarm watches a target when it depends on it (its dimensions reference the
 * target group's or the alias' outputs) or names it in a dimension known at preview; alarms are
 * recognised by metric name and statistic, which are plain inputs. Azure has no equivalent here:
 * its platform metrics have no percentiles (the release engine reads p95 from Application Insights).
 */
export function productionAlarms(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return {
        name: NAME,
        description:
            "In production every ECS target group has a 5xx alarm and a p95 latency alarm, ECS-native deployments (BLUE_GREEN, CANARY, LINEAR) roll back on alarms, and every Lambda live alias has an error alarm and a p95 duration alarm: a bad release is caught by the cloud even between the release engine's checks.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "shipgate's EcsService, EcsNativeService and LambdaService create these alarms (thresholds from the release's analysis; shipgate:aws.alarms.actions for SNS topics). By hand: per target group a MetricAlarm on HTTPCode_Target_5XX_Count (as a share of RequestCount) and one on TargetResponseTime with extendedStatistic \"p95\", dimensions {TargetGroup: tg.arnSuffix, LoadBalancer: alb.arnSuffix}; on an ECS-native service alarms: {alarmNames, enable: true, rollback: true}; per live Lambda alias alarms on Errors and on Duration p95 with dimensions {FunctionName, Resource: \"<function>:<alias>\"}.",
        configSchema: configSchemaOf(Config),
        validateStack: (args, report) => {
            const { environment } = deps.facts();
            if (environment !== "production") {
                args.notApplicable(`applies in production; this stack is ${environment}`);
            }
            const config = readConfig(NAME, Config, args);
            const alarms = args.resources.filter((r) => r.type === AWS.metricAlarm);
            const ecsServices = args.resources.filter((r) => r.type === AWS.ecsService);
            const ecsTargetGroups = args.resources.filter((r) => {
                if (!AWS.targetGroup.has(r.type)) return false;
                const owner = owningServiceComponent(r.urn);
                return (owner !== undefined && ECS_COMPONENTS.has(owner)) || ecsServices.some((s) => s.dependencies.includes(r));
            });
            const natives = ecsServices.map((s) => ({ service: s, strategy: isEcsNative(s) })).filter((n) => n.strategy !== undefined);
            const aliases = args.resources.filter((r) => r.type === AWS.lambdaAlias && isLiveAlias(r, config.liveAliases));
            if (!ecsTargetGroups.length && !natives.length && !aliases.length) {
                args.notApplicable("no ECS target group, ECS-native service or Lambda live alias in this stack");
            }
            const percentile = `p${config.minLatencyPercentile}`;

            for (const tg of ecsTargetGroups) {
                const suffix = ifKnown(() => tg.props.arnSuffix);
                const watching = alarms.filter((a) => a.dependencies.includes(tg) || (typeof suffix === "string" && dimensionValues(a, "TargetGroup").includes(suffix)));
                const missing = missingAlarms(watching, { errors: ALB_5XX, latency: ALB_LATENCY }, config.minLatencyPercentile);
                if (!missing.length) continue;
                const names = missing.map((m) => (m === "errors" ? "5xx alarm" : `${percentile} latency alarm`));
                report(
                    violation(
                        `target group "${tg.name}"`,
                        `has no ${names.join(" and no ")} watching it in production: a failing or slow track goes unnoticed between checks and nothing can roll it back`,
                        [
                            ...(missing.includes("errors") ? ["add a MetricAlarm on HTTPCode_Target_5XX_Count (as a share of RequestCount)"] : []),
                            ...(missing.includes("latency") ? [`${missing.includes("errors") ? "and" : "add"} one on TargetResponseTime with extendedStatistic "${percentile}"`] : []),
                        ].join(" ") + ", with dimensions {TargetGroup: <target group>.arnSuffix, LoadBalancer: <load balancer>.arnSuffix}",
                    ),
                    tg.urn,
                );
            }

            for (const { service, strategy } of natives) {
                const enable = ifKnown(() => service.props.alarms?.enable);
                const rollback = ifKnown(() => service.props.alarms?.rollback);
                const count = readKnown(() => list(service.props.alarms?.alarmNames).length);
                const problems = [
                    ...(count !== UNKNOWN_AT_PREVIEW && count === 0 ? ["names no deployment alarms"] : []),
                    ...(enable !== true ? ["does not enable its deployment alarms (alarms.enable)"] : []),
                    ...(rollback !== true ? ["does not roll back when they fire (alarms.rollback)"] : []),
                ];
                if (!problems.length) continue;
                report(
                    violation(
                        `ECS service "${service.name}"`,
                        `deploys with ECS's ${strategy} strategy but ${problems.length > 1 ? `${problems.slice(0, -1).join(", ")} and ${problems[problems.length - 1]}` : problems[0]}: ECS would shift all traffic to a failing revision`,
                        "set alarms: {alarmNames: [<its target groups' 5xx and p95 alarms>], enable: true, rollback: true}",
                    ),
                    service.urn,
                );
            }

            for (const alias of aliases) {
                const name = ifKnown(() => alias.props.name);
                const fn = ifKnown(() => alias.props.functionName);
                const resource = typeof name === "string" && typeof fn === "string" ? `${fn}:${name}` : undefined;
                const watching = alarms.filter((a) => a.dependencies.includes(alias) || (resource !== undefined && dimensionValues(a, "Resource").includes(resource)));
                const missing = missingAlarms(watching, { errors: LAMBDA_ERRORS, latency: LAMBDA_LATENCY }, config.minLatencyPercentile);
                if (!missing.length) continue;
                const names = missing.map((m) => (m === "errors" ? "error alarm" : `${percentile} duration alarm`));
                report(
                    violation(
                        `Lambda alias "${alias.name}"${typeof name === "string" ? ` (${name})` : ""}`,
                        `takes production traffic with no ${names.join(" and no ")} watching it: a failing or slow version goes unnoticed between checks`,
                        [
                            ...(missing.includes("errors") ? ["add a MetricAlarm on Errors (as a share of Invocations)"] : []),
                            ...(missing.includes("latency") ? [`${missing.includes("errors") ? "and" : "add"} one on Duration with extendedStatistic "${percentile}"`] : []),
                        ].join(" ") + ', with dimensions {FunctionName: <function>.name, Resource: "<function>:<alias>"} built from the alias (so the alarm depends on it)',
                    ),
                    alias.urn,
                );
            }
        },
    };
}
