import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { AWS, AZURE, LAMBDA_COMPONENT } from "../lib/cloud";
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

/** A hand-written AWS or Azure resource that runs a number of instances, and how to read it. */
interface CloudScaled {
    readonly subject: string;
    readonly what: string;
    /** The instance count; undefined: not a serving count (a daemon, a consumption plan). */
    readonly count: () => number | undefined;
    readonly fix: (minimum: number) => string;
}

function cloudScaled(type: string, name: string, props: Record<string, any>): CloudScaled | undefined {
    if (type === AWS.ecsService) {
        return {
            subject: `ECS service "${name}"`,
            what: "task",
            // A daemon service runs one task per instance; an absent desiredCount is 0.
            count: () => (props.schedulingStrategy === "DAEMON" ? undefined : (props.desiredCount ?? 0)),
            fix: (m) => `set desiredCount to ${m} or more`,
        };
    }
    if (type === AZURE.containerApp) {
        return {
            subject: `Container App "${name}"`,
            what: "replica",
            // Without a scale rule Container Apps scale to zero (minReplicas 0).
            count: () => props.template?.scale?.minReplicas ?? 0,
            fix: (m) => `set template.scale.minReplicas to ${m} or more`,
        };
    }
    if (type === AZURE.appServicePlan) {
        return {
            subject: `App Service plan "${name}"`,
            what: "instance",
            // Consumption (Dynamic) plans have no instance count of their own.
            count: () => (props.sku?.tier === "Dynamic" || /^Y\d/.test(String(props.sku?.name ?? "")) ? undefined : (props.sku?.capacity ?? 1)),
            fix: (m) => `set sku.capacity to ${m} or more`,
        };
    }
    return undefined;
}

/**
 * Production runs at least two replicas: one pod lost to a node drain, a crash or a rollout must
 * not take the service down. On a shipgate service it is the service's replicas per track or
 * color (canary tracks and idle colors are sized by the release, not by this rule); the AWS and
 * Azure components size the primary track's ECS service, the Container App's minReplicas and
 * the App Service plan's capacity from it. A Lambda service runs per request: it has no replicas.
 * Hand-written ECS services, Container Apps and App Service plans are checked themselves.
 */
export function productionReplicas(deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description:
            "In production every service runs at least 2 replicas (configurable), so losing one pod never takes it down: Kubernetes workloads, ECS services (desiredCount), Container Apps (minReplicas) and App Service plans (capacity); Lambda is exempt.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Set shipgate:services.<name>.replicas to 2 or more in the production stack; on a hand-written Deployment or StatefulSet set spec.replicas, on an ECS service desiredCount, on a Container App template.scale.minReplicas, on an App Service plan sku.capacity to 2 or more.",
        configSchema: configSchemaOf(Config),
        validateResource: (args, report) => {
            const svc = serviceComponent(args.type, args.name, args.props);
            // Lambda scales per request: a replica count means nothing there.
            if (svc?.type === LAMBDA_COMPONENT) return;
            const owned = !svc && owningServiceComponent(args.urn) !== undefined;
            const w = svc || owned ? undefined : workload(args.type, args.name, args.props);
            const cloud = svc || owned ? undefined : cloudScaled(args.type, args.name, args.props);
            if (!svc && !w?.scalable && !cloud) return;
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
            if (cloud) {
                const read = readKnown(cloud.count);
                if (read === UNKNOWN_AT_PREVIEW || typeof read !== "number") return;
                if (read < minimum) report(violation(cloud.subject, `runs ${plural(read, cloud.what)} in production, fewer than ${minimum}`, cloud.fix(minimum)));
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
