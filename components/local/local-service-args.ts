import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DEFAULT_CANARY_HEADER, InputProblem, InvalidInputError, ReleaseState, ServiceSpec, ServiceSpecInput, ServiceSpecSchema, problemsFromZod } from "../release";
import { environmentProblems } from "../release/spec-problems";
import type { LocalPlatform } from "./local-platform";

/** How one process of a service is started on this machine (the local platform's "image"). */
export const LocalRunSchema = z
    .object({
        /** The executable; `node` means the Node.js running the engine. */
        command: z.string().min(1).default("node"),
        args: z.array(z.string()).min(1, { error: 'args is empty: give the script to run, e.g. ["examples/shop/backend.ts"]' }),
        /** Working directory, relative to the project. */
        cwd: z.string().default("."),
    })
    .strict();

export type LocalRun = z.output<typeof LocalRunSchema>;

export const HeaderMatchSchema = z
    .object({ name: z.string().min(1).default(DEFAULT_CANARY_HEADER.name), value: z.string().min(1).default(DEFAULT_CANARY_HEADER.value) })
    .strict();

export interface LocalServiceArgs {
    readonly platform: LocalPlatform;
    readonly service: ServiceSpecInput;
    readonly run: z.input<typeof LocalRunSchema>;
    /** The router's loopback port for this service (users' traffic). */
    readonly port: number;
    /** A second loopback port that always reaches the candidate; `port + 1` when omitted. */
    readonly previewPort?: number;
    /** Environment variables filled with other services' endpoints, e.g. {BACKEND_URL: backend.endpoint}. */
    readonly links?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Values for `service.secretEnv`, by secret name then key (from secret stack config). */
    readonly secrets?: pulumi.Input<Record<string, Record<string, string>>>;
    readonly canaryHeader?: z.input<typeof HeaderMatchSchema>;
    /** The project folder, which `run.cwd` is relative to. */
    readonly projectRoot: string;
}

export interface ResolvedLocalArgs<S extends ReleaseState> {
    readonly service: ServiceSpec & { readonly release: S };
    readonly run: LocalRun;
    readonly port: number;
    readonly previewPort: number;
    readonly canaryHeader: z.output<typeof HeaderMatchSchema>;
}

const PortSchema = z.number().int().min(1024, { error: "use a port from 1024 to 65535" }).max(65535, { error: "use a port from 1024 to 65535" });

/** Validates the args of a local service component, reporting every problem with its field. */
export function resolveLocalArgs<S extends ReleaseState>(component: string, name: string, args: LocalServiceArgs, strategy: S["strategy"]): ResolvedLocalArgs<S> {
    const problems: InputProblem[] = [];
    const service = ServiceSpecSchema.safeParse(args.service);
    if (!service.success) problems.push(...problemsFromZod(service.error, "service"));
    else {
        if (service.data.release.strategy !== strategy) {
            problems.push({
                path: "service.release.strategy",
                message: `${component} runs the "${strategy}" strategy but the release is "${service.data.release.strategy}": use createLocalService, which picks the component from the strategy`,
            });
        }
        problems.push(...environmentProblems(service.data, args.links ?? {}));
    }
    const run = LocalRunSchema.safeParse(args.run);
    if (!run.success) problems.push(...problemsFromZod(run.error, "run"));
    const port = PortSchema.safeParse(args.port);
    if (!port.success) problems.push(...problemsFromZod(port.error, "port"));
    const previewPort = PortSchema.safeParse(args.previewPort ?? args.port + 1);
    if (!previewPort.success) problems.push(...problemsFromZod(previewPort.error, "previewPort"));
    const header = HeaderMatchSchema.safeParse(args.canaryHeader ?? {});
    if (!header.success) problems.push(...problemsFromZod(header.error, "canaryHeader"));
    if (problems.length || !service.success || !run.success || !header.success) {
        throw new InvalidInputError(`${component} "${name}"`, problems);
    }
    return {
        service: service.data as ServiceSpec & { release: S },
        run: run.data,
        port: args.port,
        previewPort: args.previewPort ?? args.port + 1,
        canaryHeader: header.data,
    };
}
