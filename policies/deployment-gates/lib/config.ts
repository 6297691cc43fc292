import { z } from "zod";
import type { PolicyConfigSchema } from "@pulumi/policy";

/**
 * The JSON Schema the engine validates a policy's config against (`--policy-pack-config`), made
 * from the same zod schema the rule parses it with, so the two never drift apart.
 */
export function configSchemaOf(schema: z.ZodObject): PolicyConfigSchema {
    const json = z.toJSONSchema(schema, { target: "draft-7", io: "input", unrepresentable: "any" }) as {
        properties?: PolicyConfigSchema["properties"];
        required?: string[];
    };
    return { properties: json.properties ?? {}, ...(json.required?.length ? { required: json.required } : {}) };
}

const cache = new Map<string, unknown>();

/**
 * A policy's config with defaults filled in. A bad value is a mistake in the policy config file,
 * not a violation: it throws, so the preview fails loudly instead of a gate passing unconfigured.
 */
export function readConfig<S extends z.ZodObject>(policy: string, schema: S, args: { getConfig<T extends object>(): T }): z.output<S> {
    const raw = args.getConfig<Record<string, unknown>>() ?? {};
    const key = `${policy}\u0000${JSON.stringify(raw)}`;
    if (cache.has(key)) {
        return cache.get(key) as z.output<S>;
    }
    const result = schema.safeParse(raw);
    if (!result.success) {
        const problems = result.error.issues.map((i) => `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
        throw new Error(`the policy config of "${policy}" is invalid: ${problems}. Fix the "${policy}" entry of the --policy-pack-config file`);
    }
    if (cache.size > 1000) cache.clear();
    cache.set(key, result.data);
    return result.data;
}

/** The `checklist` property of a checklist-reading policy's config (validated by the gate itself). */
export const ChecklistProperty = z.record(z.string(), z.unknown()).optional().describe(
    "The deployment checklist CI hands to the pack for this release (components/release/checklist.ts; policies/deployment-gates/checklist.schema.json)",
);
