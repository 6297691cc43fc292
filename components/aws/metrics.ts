import { TrackStatus } from "../contract";

/**
 * Where CloudWatch has one track's traffic, as the release engine's CloudWatch source reads it
 * from the stack outputs (stacks/automation/verify/cloudwatch-source.ts parses the same shape;
 * the automation never imports components, so the shape is the contract).
 */
export type CloudWatchTarget =
    | {
          readonly kind: "alb";
          /** The load balancer's ARN suffix (`app/<name>/<id>`), the `LoadBalancer` dimension. */
          readonly loadBalancer: string;
          /** The target group's ARN suffix (`targetgroup/<name>/<id>`), the `TargetGroup` dimension. */
          readonly targetGroup: string;
      }
    | {
          readonly kind: "lambda";
          readonly functionName: string;
          /** The alias users invoke; with weighted routing, CloudWatch splits it by `ExecutedVersion`. */
          readonly alias: string;
          /** The published version this track runs. */
          readonly version: string;
      };

/** A track on AWS: the contract's status plus where its metrics are. */
export interface AwsTrackStatus extends TrackStatus {
    readonly cloudwatch: CloudWatchTarget;
}
