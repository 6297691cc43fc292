import { z } from "zod";

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
    /** Weights read back from the router, where the platform reports them. */
    routerWeights: z.record(z.string(), z.number()).optional(),
    /** A blue-green switch the engine performs through the cloud's API (components/contract.ts SwitchAction). */
    switchAction: z
        .object({ kind: z.literal("azureSlotSwap"), resourceGroup: z.string(), app: z.string(), slot: z.string(), subscriptionId: z.string().optional() })
        .optional(),
});

/** The stack outputs the automation reads (stacks/program/index.ts exports them). */
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
export type SwitchAction = NonNullable<z.output<typeof ServiceOutputSchema>["switchAction"]>;
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
