import * as pulumi from "@pulumi/pulumi";
import { InvalidInputError, environmentOfStack } from "../../components/release";
import { StackSecrets } from "./define-stack";
import { StackConfig, validateStackConfig } from "./stack-config";

/**
 * Reads and validates every `shipgate:*` key before the program registers a single resource.
 * A bad value stops the program with a RunError (no stack trace), naming the key and the fix.
 */
export function readStackConfig(): { config: StackConfig; order: string[]; secrets: StackSecrets } {
    const cfg = new pulumi.Config("shipgate");
    try {
        const raw = {
            environment: cfg.get("environment") ?? environmentOfStack(pulumi.getStack()),
            platform: cfg.get("platform") ?? "local",
            services: cfg.getObject("services"),
            kubernetes: cfg.getObject("kubernetes"),
            aws: cfg.getObject("aws"),
            azure: cfg.getObject("azure"),
            local: cfg.getObject("local"),
        };
        const { config, order } = validateStackConfig(raw);
        return {
            config,
            order,
            secrets: {
                kubeconfig: cfg.getSecret("kubeconfig"),
                localSecrets: cfg.getSecretObject<Record<string, Record<string, string>>>("localSecrets"),
            },
        };
    } catch (err) {
        if (err instanceof InvalidInputError) {
            throw new pulumi.RunError(`${err.message}\nFix the value with \`pulumi config set --path <key> <value>\` or edit Pulumi.${pulumi.getStack()}.yaml.`);
        }
        if (err instanceof Error && /unable to parse|JSON/i.test(err.message)) {
            throw new pulumi.RunError(`a shipgate:* config value is not valid YAML/JSON: ${err.message}`);
        }
        throw err;
    }
}
