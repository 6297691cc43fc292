import { z } from "zod";
import { deployOrder } from "./deploy-order";
import { EnvironmentNameSchema } from "./environment";
import { InputProblem, InvalidInputError, problemsFromZod } from "./errors";
import { ServiceSpecSchema } from "./service-spec";

/**
 * The platform-free part of a stack's config: its stage, which platform runs it, and its
 * services with their release states. The release engine reads stacks through this alone;
 * the program adds each platform's own block (stacks/program/stack-config.ts).
 */
export const PLATFORM_NAMES = ["local", "kubernetes", "aws", "azure"] as const;
export type PlatformName = (typeof PLATFORM_NAMES)[number];

export const PlatformNameSchema = z.enum(PLATFORM_NAMES, {
    error: (issue) => `unknown platform ${JSON.stringify(issue.input)}: use local, kubernetes, aws or azure`,
});

/** Service names become Kubernetes object names with suffixes (`-canary`, `-preview`), so keep room. */
const ServiceNameSchema = z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, {
    error: "a service name is 1-40 lower-case letters, digits and '-', starting with a letter (it becomes part of resource names)",
});

export const ServicesSchema = z.record(ServiceNameSchema, ServiceSpecSchema).refine((services) => Object.keys(services).length > 0, {
    error: "no services: declare at least one under shipgate:services",
});

export const StackModelSchema = z.object({
    environment: EnvironmentNameSchema,
    platform: PlatformNameSchema,
    services: ServicesSchema,
});

export type StackModel = z.output<typeof StackModelSchema>;

/** Parses `raw` (keys without the `shipgate:` prefix) and reports every problem under the config key a user edits. */
export function parseUnderConfigKeys<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.output<S> {
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    const problems: InputProblem[] = [];
    for (const issue of result.error.issues) {
        const [field, ...rest] = issue.path;
        problems.push(...problemsFromZod(new z.ZodError([{ ...issue, path: rest }]), `shipgate:${String(field)}`));
    }
    throw new InvalidInputError("stack config", problems);
}

/** The `shipgate:*` values of a stack file's `config:`, without the prefix. */
export function shipgateKeys(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(config)
            .filter(([key]) => key.startsWith("shipgate:"))
            .map(([key, value]) => [key.slice("shipgate:".length), value]),
    );
}

/**
 * A stack file's `config:` as the release engine reads it: the platform-free model and the
 * deploy order (backend before frontend). The platform's block is the program's to judge.
 */
export function readStackModel(config: Readonly<Record<string, unknown>>): { model: StackModel; order: string[] } {
    const model = parseUnderConfigKeys(StackModelSchema, shipgateKeys(config));
    return { model, order: deployOrder(model.services, "shipgate:services") };
}
