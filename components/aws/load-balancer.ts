import * as elb from "@pulumi/aws/lb";
import type * as inputs from "@pulumi/aws/types/input";
import * as pulumi from "@pulumi/pulumi";
import { AnalysisConfig } from "../release/analysis";
import { AlbArgs } from "./args";

/** ALB forward weights are integers 0-999, relative to each other; shipgate writes percentages (0-100). */
export const ALB_MAX_WEIGHT = 999;

/** A track's percentage as the ALB weight: the same number, checked against the ALB's range. */
export function albWeight(percent: number): number {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
        throw new Error(`a traffic share is a whole percentage 0-100, got ${percent}`);
    }
    return percent;
}

export interface WeightedTargetGroup {
    readonly arn: pulumi.Input<string>;
    /** 0-999 (shipgate writes the track's percentage). */
    readonly weight: number;
}

/**
 * A forward action over 1-5 target groups. Groups at weight 0 stay listed: the ALB keeps them
 * attached (ECS refuses a target group no listener uses) and a weight change is all a switch takes.
 */
export function forwardAction(groups: readonly WeightedTargetGroup[]): inputs.lb.ListenerDefaultAction {
    if (groups.length < 1 || groups.length > 5) {
        throw new Error(`an ALB forward action takes 1-5 target groups, got ${groups.length}`);
    }
    for (const g of groups) {
        if (!Number.isInteger(g.weight) || g.weight < 0 || g.weight > ALB_MAX_WEIGHT) {
            throw new Error(`an ALB target group weight is an integer 0-${ALB_MAX_WEIGHT}, got ${g.weight}`);
        }
    }
    if (groups.every((g) => g.weight === 0)) {
        throw new Error("an ALB forward action needs one target group with a weight above 0");
    }
    return { type: "forward", forward: { targetGroups: groups.map((g) => ({ arn: g.arn, weight: g.weight })) } };
}

export interface TargetGroupArgs {
    readonly vpcId: pulumi.Input<string>;
    readonly port: number;
    readonly healthPath: string;
    readonly health: AnalysisConfig["health"];
    readonly deregistrationDelaySeconds: number;
    readonly tags: Record<string, string>;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * The ALB's health check of a target group, from the release's health analysis: the same path,
 * interval and failure count the release engine uses (within the ALB's ranges: interval 5-300 s,
 * timeout 2-120 s and below the interval, thresholds 2-10).
 */
export function targetGroupHealthCheck(path: string, health: AnalysisConfig["health"]): inputs.lb.TargetGroupHealthCheck {
    const interval = clamp(health.intervalSeconds, 5, 300);
    return {
        enabled: true,
        path,
        protocol: "HTTP",
        port: "traffic-port",
        matcher: "200",
        interval,
        timeout: clamp(Math.min(health.timeoutSeconds, interval - 1), 2, 120),
        healthyThreshold: 2,
        unhealthyThreshold: clamp(health.consecutiveFailures, 2, 10),
    };
}

/** One track's or color's target group: Fargate tasks register by IP. */
export function createTargetGroup(name: string, args: TargetGroupArgs, opts: pulumi.CustomResourceOptions): elb.TargetGroup {
    return new elb.TargetGroup(
        name,
        {
            vpcId: args.vpcId,
            port: args.port,
            protocol: "HTTP",
            targetType: "ip",
            deregistrationDelay: args.deregistrationDelaySeconds,
            healthCheck: targetGroupHealthCheck(args.healthPath, args.health),
            tags: args.tags,
        },
        opts,
    );
}

export type ResolvedAlb = AlbArgs & {
    readonly protocol: "HTTP" | "HTTPS";
    readonly port: number;
    readonly testPort: number;
};

/** The Application Load Balancer of one service. */
export function createLoadBalancer(name: string, lb: ResolvedAlb, tags: Record<string, string>, opts: pulumi.CustomResourceOptions): elb.LoadBalancer {
    return new elb.LoadBalancer(
        name,
        {
            loadBalancerType: "application",
            internal: lb.internal ?? false,
            subnets: lb.subnetIds,
            securityGroups: lb.securityGroupIds,
            idleTimeout: lb.idleTimeoutSeconds ?? 60,
            enableDeletionProtection: lb.deletionProtection ?? false,
            // Requests with malformed headers are dropped rather than passed on (ALB security best practice).
            dropInvalidHeaderFields: true,
            tags,
        },
        opts,
    );
}

/** Listener args on one port: HTTPS gets the certificate and TLS policy. */
export function listenerArgs(
    lb: ResolvedAlb,
    loadBalancerArn: pulumi.Input<string>,
    port: number,
    defaultActions: pulumi.Input<inputs.lb.ListenerDefaultAction>[],
    tags: Record<string, string>,
): elb.ListenerArgs {
    return {
        loadBalancerArn,
        port,
        protocol: lb.protocol,
        ...(lb.protocol === "HTTPS" ? { certificateArn: lb.certificateArn, sslPolicy: lb.sslPolicy } : {}),
        defaultActions,
        tags,
    };
}

/** With HTTPS, port 80 answers a permanent redirect to the HTTPS listener (never plain content). */
export function createHttpRedirect(name: string, lb: ResolvedAlb, loadBalancerArn: pulumi.Input<string>, tags: Record<string, string>, opts: pulumi.CustomResourceOptions): elb.Listener {
    return new elb.Listener(
        name,
        {
            loadBalancerArn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: String(lb.port), statusCode: "HTTP_301" } }],
            tags,
        },
        opts,
    );
}

/** `https://host` (default port omitted) or `https://host:port`. */
export function listenerUrl(protocol: "HTTP" | "HTTPS", host: pulumi.Input<string>, port: number): pulumi.Output<string> {
    const scheme = protocol.toLowerCase();
    const defaultPort = protocol === "HTTPS" ? 443 : 80;
    return pulumi.output(host).apply((h) => `${scheme}://${h}${port === defaultPort ? "" : `:${port}`}`);
}
