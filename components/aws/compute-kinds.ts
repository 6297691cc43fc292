/** How an AWS service runs (no SDK import here: the stack's config schema reads it at every start). */
export const AWS_COMPUTE_KINDS = ["ecs", "ecsNative", "lambda"] as const;
export type AwsComputeKind = (typeof AWS_COMPUTE_KINDS)[number];
