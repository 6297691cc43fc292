import { z } from "zod";
import { RouterDescriptorSchema } from "../../components/release";

/** One track or color, as the program exports it (components/contract.ts TrackStatus). */
export const TrackOutputSchema = z.object({
    version: z.string(),
    image: z.string(),
    replicas: z.number(),
    weight: z.number(),
    endpoint: z.string(),
});

export const ServiceOutputSchema = z.object({
    strategy: z.enum(["canary", "blueGreen", "rolling"]),
    version: z.string(),
    tracks: z.record(z.string(), TrackOutputSchema),
    endpoint: z.string(),
    previewEndpoint: z.string().nullable(),
    /** What routes the service's traffic and how to reach it (components/release/router-descriptor.ts). */
    router: RouterDescriptorSchema.optional(),
});

/** The stack outputs the automation reads (the stack program exports them). */
export const StackOutputsSchema = z.object({
    environment: z.string(),
    platform: z.string(),
    deployOrder: z.array(z.string()),
    services: z.record(z.string(), ServiceOutputSchema),
    metrics: z
        .object({
            prometheusUrl: z.string().optional(),
            routerStatsUrl: z.string().optional(),
            /** AWS stacks: region and each track's CloudWatch dimensions (verify/cloudwatch-source.ts). */
            cloudwatch: z.unknown().optional(),
            /** Azure stacks: the metrics endpoint, Log Analytics workspace and each track's resource (verify/azure-monitor-source.ts). */
            azureMonitor: z.unknown().optional(),
        })
        .default({}),
});

export type TrackOutput = z.output<typeof TrackOutputSchema>;
export type ServiceOutput = z.output<typeof ServiceOutputSchema>;
export type StackOutputs = z.output<typeof StackOutputsSchema>;

/** Parses `stack.outputs()` (values wrapped as {value, secret}). */
export function parseStackOutputs(raw: Record<string, { value: unknown }>): StackOutputs {
    const plain = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
    const result = StackOutputsSchema.safeParse(plain);
    if (!result.success) {
        throw new Error(`the stack's outputs are not what shipgate's program exports (was it deployed with another program?): ${z.prettifyError(result.error)}`);
    }
    return result.data;
}
