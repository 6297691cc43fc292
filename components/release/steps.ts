import { z } from "zod";

export const DEFAULT_CANARY_STEPS: readonly number[] = [25, 50, 100];

/**
 * Canary traffic steps in percent: strictly increasing, each in 1-100, ending at 100
 * (a canary that never reaches 100 never finishes).
 */
export const StepsSchema = z
    .array(
        z
            .number({ error: "each step is a whole percentage between 1 and 100" })
            .int({ error: "each step is a whole percentage between 1 and 100" })
            .min(1, { error: "each step is a whole percentage between 1 and 100 (0 is not a step: it is where a canary starts)" })
            .max(100, { error: "each step is a whole percentage between 1 and 100" }),
        { error: "steps must be a list of percentages, e.g. [25, 50, 100]" },
    )
    .min(1, { error: "steps is empty: list the traffic percentages to walk through, e.g. [25, 50, 100]" })
    .max(20, { error: "at most 20 steps: each step costs a bake period" })
    .superRefine((steps, ctx) => {
        for (let i = 1; i < steps.length; i++) {
            if (steps[i] <= steps[i - 1]) {
                ctx.addIssue({
                    code: "custom",
                    path: [i],
                    message: `steps must be strictly increasing, but ${steps[i]} follows ${steps[i - 1]} (got [${steps.join(", ")}]): list each percentage once, smallest first, e.g. [25, 50, 100]`,
                });
                return;
            }
        }
        if (steps[steps.length - 1] !== 100) {
            ctx.addIssue({
                code: "custom",
                path: [steps.length - 1],
                message: `the last step must be 100 so the release finishes, but it is ${steps[steps.length - 1]}: append 100, e.g. [${[...steps, 100].join(", ")}]`,
            });
        }
    });
