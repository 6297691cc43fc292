import { z } from "zod";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { AWS, ECS_NATIVE_STRATEGIES, list } from "../lib/cloud";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { ifKnown } from "../lib/known";
import { violation } from "../lib/messages";

export const NAME = "ecs-native-ignore-changes";

const Config = z.object({}).strict();

/** Whether a resource's ignoreChanges covers its `actions` (the whole list, an entry, or a field inside). */
export function ignoresActions(ignoreChanges: readonly string[] | undefined): boolean {
    return (ignoreChanges ?? []).some((path) => path === "*" || path === "actions" || path.startsWith("actions[") || path.startsWith("actions."));
}

/** The ECS strategy a service deploys with when ECS moves its traffic itself, else undefined. */
function nativeStrategy(service: PolicyResource): string | undefined {
    const strategy = ifKnown(() => service.props.deploymentConfiguration?.strategy);
    if (typeof strategy === "string" && ECS_NATIVE_STRATEGIES.has(strategy)) return strategy;
    // Listener rules handed to ECS (advancedConfiguration) are ECS's to rewrite whatever the strategy says.
    const advanced = ifKnown(() => list(service.props.loadBalancers).some((lb) => ifKnown(() => lb?.advancedConfiguration) !== undefined));
    return advanced ? (typeof strategy === "string" ? strategy : "native") : undefined;
}

/**
 * An ECS service that deploys with ECS's own BLUE_GREEN, CANARY or LINEAR strategy rewrites the
 * weights of its production and test listener rules during every deployment. If Pulumi still
 * manages those rules' `actions`, the next `up` (or a refresh) puts the declared weights back in
 * the middle of ECS's deployment, or reports drift forever: the IaC and the rollout controller
 * fight. The rules must list `actions` in `ignoreChanges`. The engine hands a policy each
 * resource's options (ignoreChanges included) in a preview as well as in an update, so this is
 * decided before anything moves. The listener rules are the ones the ECS service depends on
 * through its `loadBalancers` (advancedConfiguration.productionListenerRule / testListenerRule).
 */
export function ecsNativeIgnoreChanges(_deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return {
        name: NAME,
        description:
            "An ECS service deploying with ECS's native BLUE_GREEN, CANARY or LINEAR strategy owns the weights of its listener rules: those rules list actions in ignoreChanges, so Pulumi never undoes ECS's traffic shift mid-deployment or reports it as drift.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Add ignoreChanges: [\"actions\"] to the resource options of every ListenerRule named in the ECS service's loadBalancers[].advancedConfiguration (productionListenerRule, testListenerRule). shipgate's EcsNativeService does this itself.",
        configSchema: configSchemaOf(Config),
        validateStack: (args, report) => {
            readConfig(NAME, Config, args);
            const natives = args.resources
                .filter((r) => r.type === AWS.ecsService)
                .map((service) => ({ service, strategy: nativeStrategy(service) }))
                .filter((n): n is { service: PolicyResource; strategy: string } => n.strategy !== undefined);
            if (!natives.length) {
                args.notApplicable("no ECS service with a native BLUE_GREEN, CANARY or LINEAR deployment in this stack");
            }
            const reported = new Set<string>();
            for (const { service, strategy } of natives) {
                // The rules the service references in loadBalancers; the engine's dependency list when that is all there is.
                const viaLoadBalancers = service.propertyDependencies?.loadBalancers;
                const referenced = viaLoadBalancers && viaLoadBalancers.length ? viaLoadBalancers : service.dependencies;
                for (const rule of referenced.filter((r) => AWS.listenerRule.has(r.type))) {
                    if (ignoresActions(rule.opts?.ignoreChanges) || reported.has(rule.urn)) continue;
                    reported.add(rule.urn);
                    report(
                        violation(
                            `listener rule "${rule.name}"`,
                            `has its traffic shifted by ECS service "${service.name}" (${strategy} deployment), but Pulumi still manages its actions: the next up puts the old weights back in the middle of a deployment, and every refresh shows drift`,
                            'add ignoreChanges: ["actions"] to the listener rule\'s resource options',
                        ),
                        rule.urn,
                    );
                }
            }
        },
    };
}
