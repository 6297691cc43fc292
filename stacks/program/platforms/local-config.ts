import { z } from "zod";
import { HeaderMatchSchema, LocalRunSchema } from "../../../components/local";

const PortSchema = z
    .number({ error: "a port is a number from 1024 to 65535" })
    .int()
    .min(1024, { error: "use a port from 1024 to 65535 (no root needed)" })
    .max(65535, { error: "use a port from 1024 to 65535" });

/**
 * The local platform: each service's router port and how to start its process. Every
 * port is a loopback port of this machine; two stacks need different ports.
 */
export const LocalPlatformSchema = z
    .object({
        /** HAProxy's stats page (`/`) and Prometheus exporter (`/metrics`). */
        routerStatsPort: PortSchema,
        prometheusPort: PortSchema,
        /**
         * Where the processes, HAProxy and Prometheus keep their state: default
         * `.shipgate/local/<stack>` in the checkout that runs `up`. Relative paths are from the
         * project. The stack's resources are named after it, so every checkout that shares the
         * stack on this machine (a second clone, the next CI run in another folder) sets the same
         * absolute path, or its preview would replace them.
         */
        stateDir: z.string().min(1).optional(),
        /** How often Prometheus scrapes (short on a laptop, so a demo's bake sees data quickly). */
        scrapeIntervalSeconds: z.number().int().min(1).max(60).default(2),
        canaryHeader: HeaderMatchSchema.prefault({}),
        services: z.record(
            z.string(),
            z
                .object({
                    /** Users' traffic enters here; the preview port (idle color, canary) is `port + 1` unless set. */
                    port: PortSchema,
                    previewPort: PortSchema.optional(),
                    run: LocalRunSchema,
                })
                .strict(),
        ),
    })
    .strict()
    .superRefine((local, ctx) => {
        const seen = new Map<number, string>();
        const claim = (port: number, owner: string, at: (string | number)[]) => {
            const other = seen.get(port);
            if (other) {
                ctx.addIssue({ code: "custom", path: at, message: `port ${port} is already used by ${other}: give each a port of its own` });
            }
            seen.set(port, owner);
        };
        claim(local.routerStatsPort, "routerStatsPort", ["routerStatsPort"]);
        claim(local.prometheusPort, "prometheusPort", ["prometheusPort"]);
        for (const [name, svc] of Object.entries(local.services)) {
            claim(svc.port, `services.${name}.port`, ["services", name, "port"]);
            claim(svc.previewPort ?? svc.port + 1, `services.${name} preview`, ["services", name, svc.previewPort ? "previewPort" : "port"]);
        }
    });

export type LocalPlatformConfig = z.output<typeof LocalPlatformSchema>;
