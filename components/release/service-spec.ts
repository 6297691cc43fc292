import { z } from "zod";
import { ReleaseStateSchema } from "./release-state";

/** Kubernetes-style quantities, which every platform maps onto its own sizes. */
const CpuSchema = z.string().regex(/^([0-9]+m|[0-9]+(\.[0-9]+)?)$/, {
    error: 'cpu is a Kubernetes quantity such as "250m" or "1"',
});
const MemorySchema = z.string().regex(/^[0-9]+(Ki|Mi|Gi|K|M|G)?$/, {
    error: 'memory is a Kubernetes quantity such as "256Mi" or "1Gi"',
});

export const ResourcesSchema = z
    .object({
        requests: z
            .object({ cpu: CpuSchema.default("100m"), memory: MemorySchema.default("128Mi") })
            .strict()
            .prefault({}),
        limits: z
            .object({ cpu: CpuSchema.default("500m"), memory: MemorySchema.default("256Mi") })
            .strict()
            .prefault({}),
    })
    .strict();

export type Resources = z.output<typeof ResourcesSchema>;

const EnvNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: "environment variable names are letters, digits and '_', not starting with a digit",
});

/** A value taken from a platform secret instead of being written into the container spec. */
export const SecretRefSchema = z
    .object({
        /** The platform secret's name (a Kubernetes Secret, a Key Vault secret, …). */
        secretName: z.string().min(1),
        key: z.string().min(1),
    })
    .strict();

/**
 * What every platform component needs to run one service, whatever the strategy. The release
 * state (`release`) is the part a promotion changes; the rest is the service's shape.
 */
export const ServiceSpecSchema = z
    .object({
        /** Image repository; a track runs `image:version` unless its artifact names an image. */
        image: z.string().trim().min(1, { error: "image is missing: set the image repository, e.g. \"ghcr.io/acme/backend\"" }),
        port: z.number().int().min(1).max(65535, { error: "port must be between 1 and 65535" }).default(8080),
        /** Replicas per track or color at full capacity. */
        replicas: z.number().int().min(1, { error: "replicas must be at least 1" }).max(1000).default(2),
        healthPath: z
            .string()
            .startsWith("/", { error: "healthPath must start with '/', e.g. \"/health\"" })
            .default("/health"),
        resources: ResourcesSchema.prefault({}),
        env: z.record(EnvNameSchema, z.string()).default({}),
        secretEnv: z.record(EnvNameSchema, SecretRefSchema).default({}),
        /** Services this one is deployed after (the protocol: backend before frontend). */
        dependsOn: z.array(z.string().min(1)).default([]),
        /**
         * Environment variables that carry another service's endpoint on whatever platform runs
         * the stack, e.g. {BACKEND_URL: backend}. A link is also a dependency.
         */
        links: z.record(EnvNameSchema, z.string().min(1)).default({}),
        release: ReleaseStateSchema,
    })
    .strict();

export type ServiceSpec = z.output<typeof ServiceSpecSchema>;
export type ServiceSpecInput = z.input<typeof ServiceSpecSchema>;
