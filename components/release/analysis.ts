import { z } from "zod";

/**
 * The thresholds a step is judged by. Defaults are the deployment protocol's numbers
 * (DESIGN.md): roll back on 3 consecutive failed health checks, an error rate above 5% or
 * more than 50% above the stable baseline, or a P95 latency above 2x the baseline.
 */
export const AnalysisSchema = z
    .object({
        /**
         * How a measurement is judged. `thresholds`: each window against the fixed thresholds
         * below (Flagger's way). `sequential`: the canary against the stable track with
         * anytime-valid sequential tests over the whole step (stacks/automation/verify/sequential):
         * it may look at every interval and still hold its false failures at `alpha`.
         */
        judge: z.enum(["thresholds", "sequential"]).default("sequential"),
        /**
         * The sequential judge's false-failure probability per step, over every look and every
         * test (it fails when the evidence crosses 1/alpha). Unused by `thresholds`.
         */
        alpha: z
            .number()
            .gt(0, { error: "alpha is a probability: 0.01 means 1 false failure in 100 healthy steps" })
            .max(0.2, { error: "alpha above 0.2 is not a safeguard: use 0.01 (the default) or 0.05" })
            .default(0.01),
        /** Seconds between two measurements while a step bakes. */
        intervalSeconds: z.number().int().min(1).max(3600).default(30),
        health: z
            .object({
                /** Consecutive failed health checks that fail the step (protocol: 3). */
                consecutiveFailures: z.number().int().min(1).max(100).default(3),
                /**
                 * Also fail once health has been RED for this long without a break ("failing for
                 * more than N minutes", seed 003), whichever comes first; unset: the count alone.
                 */
                failingForSeconds: z.number().int().min(1).max(3600).optional(),
                intervalSeconds: z.number().int().min(1).max(600).default(10),
                timeoutSeconds: z.number().int().min(1).max(120).default(5),
                /**
                 * The protocol proceeds on GREEN only (seed 000: every check GREEN): a step whose
                 * health is still YELLOW when its bake ends does not proceed. `true` lets YELLOW
                 * ("warning but operational") pass a step; RED never does.
                 */
                allowYellow: z.boolean().default(false),
            })
            .strict()
            .prefault({}),
        errorRate: z
            .object({
                /** Absolute ceiling, as a fraction: 0.05 = 5%. */
                max: z
                    .number()
                    .min(0, { error: "errorRate.max is a fraction between 0 and 1: 0.05 means 5%" })
                    .max(1, { error: "errorRate.max is a fraction between 0 and 1: 0.05 means 5%" })
                    .default(0.05),
                /** Relative ceiling over the stable baseline: 0.5 = 50% above it. */
                maxIncreaseOverBaseline: z.number().min(0).max(100).default(0.5),
                /**
                 * The relative rule only fires when the canary is also this much (absolute) above the
                 * baseline, so 0.1% vs 0.2% on a few hundred requests does not roll a release back.
                 */
                minAbsoluteIncrease: z.number().min(0).max(1).default(0.01),
            })
            .strict()
            .prefault({}),
        latency: z
            .object({
                /** P95 of the candidate may be at most this multiple of the baseline's P95. */
                p95MaxFactor: z
                    .number()
                    .gt(1, { error: "latency.p95MaxFactor must be above 1 (2 means twice the baseline)" })
                    .default(2),
                /**
                 * The relative rule only fires when the candidate is also this much slower than the
                 * baseline: at a few milliseconds, "twice the baseline" is scheduling noise.
                 */
                minAbsoluteIncreaseMs: z.number().min(0).max(60_000).default(25),
                /**
                 * Sequential judge: once its test shows the candidate slower than the baseline (more
                 * requests above the baseline's P95 than the baseline's ~5%), the step fails only if
                 * the candidate's share of them is at least this multiple of the baseline's, and its
                 * P95 at least `minAbsoluteIncreaseMs` above. A stochastic-order test with a tolerance:
                 * finer than "P95 above 2x".
                 */
                slowShareMaxFactor: z.number().gt(1, { error: "latency.slowShareMaxFactor must be above 1 (1.5 means 50% more slow requests)" }).default(1.5),
                /** Optional absolute ceiling in milliseconds (the quality gate's 200 ms, say). */
                p95MaxMs: z.number().positive().optional(),
            })
            .strict()
            .prefault({}),
        /** Fewer requests than this in a window makes the measurement inconclusive, not a pass. */
        minRequests: z.number().int().min(1).default(20),
        /** Consecutive inconclusive measurements that fail the step (as Argo's consecutiveErrorLimit). */
        inconclusiveLimit: z.number().int().min(1).max(100).default(4),
    })
    .strict();

export type AnalysisConfig = z.output<typeof AnalysisSchema>;
export type AnalysisInput = z.input<typeof AnalysisSchema>;

export const DEFAULT_ANALYSIS: AnalysisConfig = AnalysisSchema.parse({});
