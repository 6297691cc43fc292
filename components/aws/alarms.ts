import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedEcsArgs } from "./args";

export const ALB_NAMESPACE = "AWS/ApplicationELB";

/** The CloudWatch alarms that watch one target group. */
export interface TargetGroupAlarms {
    /** Target 5xx responses as a share of requests, above `alarms.errorRate`. */
    readonly errorRate: cloudwatch.MetricAlarm;
    /** p95 TargetResponseTime above `alarms.p95Ms`. */
    readonly latency: cloudwatch.MetricAlarm;
}

export interface AlarmTarget {
    readonly service: string;
    readonly track: string;
    readonly loadBalancerArnSuffix: pulumi.Input<string>;
    readonly targetGroupArnSuffix: pulumi.Input<string>;
    readonly alarms: ResolvedEcsArgs["alarms"];
    readonly tags: Record<string, string>;
}

/**
 * Two alarms per target group, named `${name}-5xx` and `${name}-p95`:
 * - the 5xx share, computed with metric math from HTTPCode_Target_5XX_Count and RequestCount
 *   (Sum). CloudWatch publishes no 5xx datapoint while there are none, hence FILL(errors, 0);
 *   no traffic is not an error (`notBreaching`);
 * - p95 TargetResponseTime (`extendedStatistic: "p95"`; the metric is in seconds), ignoring
 *   periods with too few samples for a percentile.
 * Both feed the ECS deployment alarms (rollback) and the production policy that requires alarms.
 */
export function createTargetGroupAlarms(name: string, target: AlarmTarget, opts: pulumi.CustomResourceOptions): TargetGroupAlarms {
    const { alarms } = target;
    const dimensions = { TargetGroup: target.targetGroupArnSuffix, LoadBalancer: target.loadBalancerArnSuffix };
    const common = {
        evaluationPeriods: alarms.evaluationPeriods,
        datapointsToAlarm: alarms.datapointsToAlarm,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        ...(alarms.actions !== undefined ? { alarmActions: alarms.actions, okActions: alarms.actions } : {}),
        tags: target.tags,
    };
    const metric = (metricName: string) => ({
        namespace: ALB_NAMESPACE,
        metricName,
        dimensions,
        period: alarms.periodSeconds,
        stat: "Sum",
    });
    const errorRate = new cloudwatch.MetricAlarm(
        `${name}-5xx`,
        {
            ...common,
            alarmDescription: `${target.service} ${target.track}: target 5xx above ${(alarms.errorRate * 100).toFixed(1)}% of requests (shipgate)`,
            threshold: alarms.errorRate,
            metricQueries: [
                { id: "errors", metric: metric("HTTPCode_Target_5XX_Count"), returnData: false },
                { id: "requests", metric: metric("RequestCount"), returnData: false },
                { id: "rate", expression: "IF(requests > 0, FILL(errors, 0) / requests, 0)", label: "5xx share", returnData: true },
            ],
        },
        opts,
    );
    const latency = new cloudwatch.MetricAlarm(
        `${name}-p95`,
        {
            ...common,
            alarmDescription: `${target.service} ${target.track}: p95 response time above ${alarms.p95Ms} ms (shipgate)`,
            namespace: ALB_NAMESPACE,
            metricName: "TargetResponseTime",
            dimensions,
            period: alarms.periodSeconds,
            extendedStatistic: "p95",
            threshold: alarms.p95Ms / 1000,
            evaluateLowSampleCountPercentiles: "ignore",
        },
        opts,
    );
    return { errorRate, latency };
}
