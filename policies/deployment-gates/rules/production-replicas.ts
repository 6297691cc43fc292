import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { UNKNOWN_AT_PREVIEW, readKnown } from "../lib/known";
import { plural, violation } from "../lib/messages";
import { owningServiceComponent, serviceComponent, serviceKey, serviceSubject, workload } from "../lib/resources";

export const NAME = "production-replicas";

const Config = z
    .object({
        /** Replicas a production service (and a hand-written production workload) runs at least. */
        minimum: z.number().int().min(1).default(2),
    })
    .strict();

/**
 * Production runs at least two replicas: one pod lost to a node drain, a crash or a rollout must
 * not take the service down. On a shipgate service it is the service's replicas per track or
 * color (canary tracks and idle colors are sized by the release, not by this rule).
 */
export function productionReplicas(deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description: "In production every service runs at least 2 replicas (configurable), so losing one pod never takes it down.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Set shipgate:services.<name>.replicas to 2 or more in the production stack; on a hand-written Deployment or StatefulSet set spec.replicas to 2 or more.",
        configSchema: configSchemaOf(Config),
        validateResource: (args, report) => {
            const svc = serviceComponent(args.type, args.name, args.props);
            const w = svc || owningServiceComponent(args.urn) ? undefined : workload(args.type, args.name, args.props);
            if (!svc && !w?.scalable) return;
            const { environment } = deps.facts();
            if (environment !== "production") {
                args.notApplicable(`applies in production; this stack is ${environment}`);
            }
            const { minimum } = readConfig(NAME, Config, args);
            if (svc) {
                const replicas = svc.service.replicas;
                if (typeof replicas !== "number" || replicas < minimum) {
                    report(
                        violation(
                            serviceSubject(svc),
                            `runs ${typeof replicas === "number" ? plural(replicas, "replica") : "an unstated number of replicas"} in production, fewer than ${minimum}`,
                            `set ${serviceKey(svc, "replicas")} to ${minimum} or more`,
                        ),
                    );
                }
                return;
            }
            if (!w) return;
            // An absent replicas means 1; a value unknown at preview is checked at `up`.
            const read = readKnown(() => w.props.spec?.replicas);
            if (read === UNKNOWN_AT_PREVIEW) return;
            const replicas = read ?? 1;
            if (typeof replicas === "number" && replicas < minimum) {
                report(violation(w.subject, `runs ${plural(replicas, "replica")} in production, fewer than ${minimum}`, `set spec.replicas to ${minimum} or more`));
            }
        },
    };
}
