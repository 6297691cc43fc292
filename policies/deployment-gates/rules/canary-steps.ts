import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { violation } from "../lib/messages";
import { serviceComponent, serviceKey, serviceSubject } from "../lib/resources";

export const NAME = "canary-steps";

const Config = z
    .object({
        /** The largest share of traffic the first step may give the canary (protocol: 25%). */
        maxFirstStep: z.number().int().min(1).max(100).default(25),
    })
    .strict();

/** Every problem with a list of canary steps, as phrases. */
export function stepProblems(steps: unknown, maxFirstStep: number): string[] {
    if (!Array.isArray(steps) || steps.length === 0) return ["declares no traffic steps"];
    const list = [...steps] as unknown[];
    const problems: string[] = [];
    const bad = list.filter((s) => typeof s !== "number" || !Number.isInteger(s) || s < 1 || s > 100);
    if (bad.length) problems.push(`steps ${JSON.stringify(bad)} are not whole percentages between 1 and 100`);
    const nums = list.filter((s): s is number => typeof s === "number");
    for (let i = 1; i < nums.length; i++) {
        if (nums[i] <= nums[i - 1]) {
            problems.push(`the steps [${nums.join(", ")}] are not strictly increasing (${nums[i]} follows ${nums[i - 1]})`);
            break;
        }
    }
    if (nums[nums.length - 1] !== 100) problems.push(`the steps [${nums.join(", ")}] end at ${nums[nums.length - 1]}, not 100, so the release never finishes`);
    if (nums[0] > maxFirstStep) problems.push(`the first step sends ${nums[0]}% of traffic to the canary, more than the ${maxFirstStep}% limit`);
    return problems;
}

/**
 * Canary steps walk traffic up in strictly increasing steps, end at 100 (or the release never
 * finishes) and start small (at most 25% by default), so a bad canary reaches few users.
 */
export function canarySteps(_deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description:
            "A canary's traffic steps are strictly increasing whole percentages ending at 100, and the first step is no larger than the configured limit (25% by default).",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Set shipgate:services.<name>.release.steps to e.g. [25, 50, 100] or [10, 50, 100]: each percentage once, smallest first, the last one 100, the first no larger than the limit.",
        configSchema: configSchemaOf(Config),
        validateResource: (args, report) => {
            const svc = serviceComponent(args.type, args.name, args.props);
            if (!svc || svc.service.release?.strategy !== "canary") return;
            const { maxFirstStep } = readConfig(NAME, Config, args);
            for (const problem of stepProblems(svc.service.release.steps, maxFirstStep)) {
                report(
                    violation(
                        serviceSubject(svc),
                        problem,
                        `set ${serviceKey(svc, "release.steps")} to strictly increasing percentages ending at 100 with a first step of at most ${maxFirstStep}, e.g. [${Math.min(25, maxFirstStep)}, 50, 100]`,
                    ),
                );
            }
        },
    };
}
