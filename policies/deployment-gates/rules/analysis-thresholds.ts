import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { violation } from "../lib/messages";
import { serviceComponent, serviceKey, serviceSubject } from "../lib/resources";

export const NAME = "analysis-thresholds";

/** The protocol's numbers: roll back above 5% errors or 50% above the baseline, P95 above 2x, 3 failed checks; bake 5 min, watch 15 min. */
const Config = z
    .object({
        maxErrorRate: z.number().min(0).max(1).default(0.05),
        maxErrorRateIncrease: z.number().min(0).default(0.5),
        maxLatencyFactor: z.number().gt(1).default(2),
        maxConsecutiveFailures: z.number().int().min(1).default(3),
        minBakeSeconds: z.number().int().min(0).default(300),
        minWatchSeconds: z.number().int().min(0).default(900),
    })
    .strict();

type Limits = z.output<typeof Config>;

interface Check {
    readonly field: string;
    readonly read: (release: Record<string, any>) => unknown;
    readonly ok: (value: number, limits: Limits) => boolean;
    readonly what: (value: number) => string;
    readonly want: (limits: Limits) => string;
    readonly strategies?: readonly string[];
}

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

const CHECKS: readonly Check[] = [
    {
        field: "analysis.errorRate.max",
        read: (r) => r.analysis?.errorRate?.max,
        ok: (v, l) => v <= l.maxErrorRate,
        what: (v) => `the error-rate threshold is ${pct(v)}`,
        want: (l) => `${l.maxErrorRate} (${pct(l.maxErrorRate)}) or less`,
    },
    {
        field: "analysis.errorRate.maxIncreaseOverBaseline",
        read: (r) => r.analysis?.errorRate?.maxIncreaseOverBaseline,
        ok: (v, l) => v <= l.maxErrorRateIncrease,
        what: (v) => `the error rate may rise ${pct(v)} above the stable baseline`,
        want: (l) => `${l.maxErrorRateIncrease} (${pct(l.maxErrorRateIncrease)}) or less`,
    },
    {
        field: "analysis.latency.p95MaxFactor",
        read: (r) => r.analysis?.latency?.p95MaxFactor,
        ok: (v, l) => v <= l.maxLatencyFactor,
        what: (v) => `P95 latency may reach ${v}x the baseline`,
        want: (l) => `${l.maxLatencyFactor} or less`,
    },
    {
        field: "analysis.health.consecutiveFailures",
        read: (r) => r.analysis?.health?.consecutiveFailures,
        ok: (v, l) => v <= l.maxConsecutiveFailures,
        what: (v) => `a rollback waits for ${v} consecutive failed health checks`,
        want: (l) => `${l.maxConsecutiveFailures} or less`,
    },
    {
        field: "bakeSeconds",
        read: (r) => r.bakeSeconds,
        ok: (v, l) => v >= l.minBakeSeconds,
        what: (v) => `each step is watched for ${v} s`,
        want: (l) => `${l.minBakeSeconds} or more`,
    },
    {
        field: "watchSeconds",
        read: (r) => r.watchSeconds,
        ok: (v, l) => v >= l.minWatchSeconds,
        what: (v) => `the 100% step is watched for ${v} s`,
        want: (l) => `${l.minWatchSeconds} or more`,
        strategies: ["canary"],
    },
];

/**
 * In production a release declares the analysis that judges it: error-rate and latency
 * thresholds no looser than the protocol's, and long enough bake and watch periods. Without them
 * a canary is promoted on hope.
 */
export function analysisThresholds(deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description:
            "In production every release declares its analysis thresholds, no looser than the protocol: error rate ≤ 5% and ≤ 50% above the baseline, P95 ≤ 2x the baseline, rollback after ≤ 3 failed health checks, 5 min bake per step, 15 min watch at 100%.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Declare shipgate:services.<name>.release.analysis (errorRate.max, errorRate.maxIncreaseOverBaseline, latency.p95MaxFactor, health.consecutiveFailures) and bakeSeconds/watchSeconds within the limits; the defaults are the protocol's and pass.",
        configSchema: configSchemaOf(Config),
        validateResource: (args, report) => {
            const svc = serviceComponent(args.type, args.name, args.props);
            if (!svc) return;
            const { environment } = deps.facts();
            if (environment !== "production") {
                args.notApplicable(`applies in production; this stack is ${environment}`);
            }
            const limits = readConfig(NAME, Config, args);
            const release = svc.service.release;
            if (!release || typeof release.analysis !== "object" || release.analysis === null) {
                report(
                    violation(
                        serviceSubject(svc),
                        "declares no analysis thresholds (error rate, latency), so nothing decides whether a step may proceed",
                        `declare ${serviceKey(svc, "release.analysis")} (the defaults are the protocol's)`,
                    ),
                );
                return;
            }
            for (const check of CHECKS) {
                if (check.strategies && !check.strategies.includes(release.strategy)) continue;
                const value = check.read(release);
                if (typeof value !== "number") {
                    report(violation(serviceSubject(svc), `declares no ${check.field}`, `set ${serviceKey(svc, `release.${check.field}`)} to ${check.want(limits)}`));
                } else if (!check.ok(value, limits)) {
                    report(
                        violation(
                            serviceSubject(svc),
                            `${check.what(value)}, looser than production allows`,
                            `set ${serviceKey(svc, `release.${check.field}`)} to ${check.want(limits)}`,
                        ),
                    );
                }
            }
        },
    };
}
