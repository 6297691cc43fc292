import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { violation } from "../lib/messages";
import { serviceComponent, serviceKey, serviceSubject } from "../lib/resources";

export const NAME = "blue-green-rollback-ready";

const Config = z
    .object({
        /** Seconds the previous color must stay up after a switch (Argo Rollouts' default: 30). */
        minScaleDownDelaySeconds: z.number().int().min(0).default(30),
    })
    .strict();

/**
 * A blue-green service keeps its previous color running for its scale-down delay after a switch,
 * so a rollback is one selector flip back to pods that are still warm, not a cold start.
 */
export function blueGreenRollbackReady(_deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description:
            "A blue-green service keeps the idle (previous) color running for at least its scale-down delay (30 s by default) after a switch, so a rollback switches back to running pods.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Set shipgate:services.<name>.release.scaleDownDelaySeconds to the minimum or more, and let the automation scale the idle color down (idleScaledDown) only after the delay has passed.",
        configSchema: configSchemaOf(Config),
        validateResource: (args, report) => {
            const svc = serviceComponent(args.type, args.name, args.props);
            if (!svc || svc.service.release?.strategy !== "blueGreen") return;
            const { minScaleDownDelaySeconds: min } = readConfig(NAME, Config, args);
            const release = svc.service.release;
            const delay = release.scaleDownDelaySeconds;
            if (typeof delay !== "number" || delay < min) {
                report(
                    violation(
                        serviceSubject(svc),
                        `scales the previous color down ${typeof delay === "number" ? `after ${delay} s` : "with no stated delay"}, less than ${min} s: a rollback would wait for a cold start instead of switching back`,
                        `set ${serviceKey(svc, "release.scaleDownDelaySeconds")} to ${min} or more`,
                    ),
                );
            }
        },
    };
}
