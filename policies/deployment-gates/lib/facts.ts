import { EnvironmentName, EnvironmentNameSchema, ServiceSpec, ServiceSpecSchema, environmentOfStack } from "../../../components/release";

/** What the gates know about the stack under preview, from its name and its config (known at preview). */
export interface StackFacts {
    readonly stack: string;
    /** `shipgate:environment`, else the stack's name (staging, production), else development. */
    readonly environment: EnvironmentName;
    /** The services of `shipgate:services`, with defaults filled in; undefined when absent or invalid. */
    readonly services?: Readonly<Record<string, ServiceSpec>>;
}

/** What the rules depend on beyond their arguments: the stack's facts and the wall clock. Tests pass their own. */
export interface PolicyDeps {
    readonly facts: () => StackFacts;
    readonly now: () => Date;
}

/** Facts from raw config values, as the engine hands them to the pack (and as tests write them). */
export function factsFromConfig(stack: string, environment: unknown, services: unknown): StackFacts {
    const env = EnvironmentNameSchema.safeParse(environment ?? environmentOfStack(stack));
    let parsed: Record<string, ServiceSpec> | undefined;
    if (services && typeof services === "object") {
        parsed = {};
        for (const [name, spec] of Object.entries(services as Record<string, unknown>)) {
            const result = ServiceSpecSchema.safeParse(spec);
            if (!result.success) {
                // The program rejects the same config with the field and the fix; gates then go without.
                parsed = undefined;
                break;
            }
            parsed[name] = result.data;
        }
    }
    return {
        stack,
        environment: env.success ? env.data : environmentOfStack(stack),
        ...(parsed ? { services: parsed } : {}),
    };
}

let cached: StackFacts | undefined;

/**
 * The facts of the stack the engine runs the pack for: the engine passes the stack's name and its
 * config (PULUMI_NODEJS_STACK, PULUMI_CONFIG) when it starts the pack. Read once per process.
 */
export function engineFacts(): StackFacts {
    if (!cached) {
        // Loaded on first use, so importing a rule (in a test, a benchmark) does not load the SDK.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
        const config = new pulumi.Config("shipgate");
        let services: unknown;
        try {
            services = config.getObject("services");
        } catch {
            services = undefined;
        }
        cached = factsFromConfig(pulumi.getStack(), config.get("environment"), services);
    }
    return cached;
}

export const ENGINE_DEPS: PolicyDeps = { facts: engineFacts, now: () => new Date() };
