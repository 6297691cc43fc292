import { z } from "zod";

/** The stages of the protocol: a laptop, pre-production, production (staging is never skipped). */
export const ENVIRONMENT_NAMES = ["development", "staging", "production"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export const EnvironmentNameSchema = z.enum(ENVIRONMENT_NAMES, {
    error: (issue) => `unknown environment ${JSON.stringify(issue.input)}: use development, staging or production`,
});

/** Stacks named after a stage default to it; any other stack is a development stack. */
export function environmentOfStack(stack: string): EnvironmentName {
    return stack === "staging" || stack === "production" ? stack : "development";
}
