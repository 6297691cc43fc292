import { z } from "zod";
import { InvalidInputError, StackModelSchema, deployOrder, parseUnderConfigKeys, shipgateKeys } from "../../components/release";
import { clusterSpecProblems } from "../../components/kubernetes/cluster-checks";
import { AwsPlatformSchema } from "./platforms/aws-config";
import { AzurePlatformSchema } from "./platforms/azure-config";
import { KubernetesPlatformSchema } from "./platforms/kubernetes-config";
import { LocalPlatformSchema } from "./platforms/local-config";

/** Everything the program reads, one field per `shipgate:*` config key. */
export const StackConfigSchema = StackModelSchema.extend({
    kubernetes: KubernetesPlatformSchema.optional(),
    local: LocalPlatformSchema.optional(),
    aws: AwsPlatformSchema.optional(),
    azure: AzurePlatformSchema.optional(),
});

export type StackConfig = z.output<typeof StackConfigSchema>;
export type StackConfigInput = z.input<typeof StackConfigSchema>;

/** The config key each field of StackConfig is read from, for messages a user can act on. */
export const CONFIG_KEYS: Record<keyof StackConfigInput, string> = {
    environment: "shipgate:environment",
    platform: "shipgate:platform",
    services: "shipgate:services",
    kubernetes: "shipgate:kubernetes",
    local: "shipgate:local",
    aws: "shipgate:aws",
    azure: "shipgate:azure",
};

/**
 * Validates the raw `shipgate:*` values and returns the typed config plus the deploy order.
 * Every problem is reported at once, each under the config key a user edits.
 */
export function validateStackConfig(raw: Record<string, unknown>): { config: StackConfig; order: string[] } {
    const config = parseUnderConfigKeys(StackConfigSchema, raw);
    if (config.platform === "kubernetes" && !config.kubernetes) {
        throw new InvalidInputError("stack config", [
            {
                path: CONFIG_KEYS.kubernetes,
                message: "missing while shipgate:platform is kubernetes: set at least {namespace: <name>} (see README, \"Point the stacks at a cluster\")",
            },
        ]);
    }
    if (config.platform === "kubernetes") {
        // What the API server would refuse half-way through an `up`, named by config key at preview.
        const problems = Object.entries(config.services).flatMap(([name, spec]) =>
            clusterSpecProblems(spec).map((p) => ({ ...p, path: `${CONFIG_KEYS.services}.${name}.${p.path}` })),
        );
        if (problems.length) {
            throw new InvalidInputError("stack config", problems);
        }
    }
    if (config.platform === "aws" || config.platform === "azure") {
        cloudProblems(config, config.platform);
    }
    if (config.platform === "local") {
        if (!config.local) {
            throw new InvalidInputError("stack config", [
                {
                    path: CONFIG_KEYS.local,
                    message: "missing while shipgate:platform is local: set routerStatsPort, prometheusPort and a port and run command per service (see Pulumi.staging.yaml)",
                },
            ]);
        }
        const missing = Object.keys(config.services).filter((name) => !(name in config.local!.services));
        const extra = Object.keys(config.local.services).filter((name) => !(name in config.services));
        if (missing.length || extra.length) {
            throw new InvalidInputError("stack config", [
                ...missing.map((name) => ({
                    path: `${CONFIG_KEYS.local}.services.${name}`,
                    message: `service ${name} has no local settings: add {port, run: {args: [<script>]}}`,
                })),
                ...extra.map((name) => ({
                    path: `${CONFIG_KEYS.local}.services.${name}`,
                    message: `there is no service ${name} in shipgate:services: remove it or declare the service`,
                })),
            ]);
        }
    }
    const order = deployOrder(config.services, CONFIG_KEYS.services);
    return { config, order };
}

/** A cloud platform needs its block, and its per-service settings must name services of the stack. */
function cloudProblems(config: StackConfig, platform: "aws" | "azure"): void {
    const block = config[platform];
    const key = CONFIG_KEYS[platform];
    if (!block) {
        throw new InvalidInputError("stack config", [
            {
                path: key,
                message: `missing while shipgate:platform is ${platform}: set at least ${platform === "aws" ? "region, network and loadBalancer" : "location, resourceGroupName and containerAppsEnvironmentId"} (see examples/stacks/Pulumi.${platform}-production.yaml)`,
            },
        ]);
    }
    const extra = Object.keys(block.services).filter((name) => !(name in config.services));
    if (extra.length) {
        throw new InvalidInputError(
            "stack config",
            extra.map((name) => ({ path: `${key}.services.${name}`, message: `there is no service ${name} in shipgate:services: remove it or declare the service` })),
        );
    }
}

/** The same validation from a stack file's `config:` as it is written (`shipgate:services`, …). */
export function validatePulumiConfig(config: Readonly<Record<string, unknown>>): { config: StackConfig; order: string[] } {
    return validateStackConfig(shipgateKeys(config));
}
