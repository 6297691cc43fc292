import { z } from "zod";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { dependenciesOf } from "../../../components/release";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { violation } from "../lib/messages";
import { SERVICE_COMPONENT_TYPE } from "../lib/resources";

export const NAME = "deploy-order";

const Config = z
    .object({
        /** Services that must be deployed before others whenever both are in a stack (protocol: backend before frontend). */
        order: z
            .array(z.object({ first: z.string().min(1), then: z.string().min(1) }).strict())
            .default([{ first: "backend", then: "frontend" }]),
    })
    .strict();

/** Whether `resource` is `ancestor` or sits under it. */
function within(resource: PolicyResource, ancestor: PolicyResource): boolean {
    for (let r: PolicyResource | undefined = resource; r; r = r.parent) {
        if (r === ancestor) return true;
    }
    return false;
}

/**
 * Whether the engine orders `dependent` after `dependency`: the dependent component, or anything
 * under it, depends (directly or through other resources) on the dependency or anything under it.
 * Depending on a component makes the engine wait for all of its children, which is how its
 * dependencies show up in the graph.
 */
export function ordersAfter(resources: readonly PolicyResource[], dependent: PolicyResource, dependency: PolicyResource): boolean {
    const start = resources.filter((r) => within(r, dependent));
    const seen = new Set<PolicyResource>(start);
    const queue = [...start];
    while (queue.length) {
        const r = queue.shift()!;
        for (const d of r.dependencies) {
            if (within(d, dependency)) return true;
            if (!seen.has(d)) {
                seen.add(d);
                queue.push(d);
            }
        }
    }
    return false;
}

/**
 * Services deploy in dependency order, backend before frontend: the engine must apply every
 * service after the ones it depends on (its `dependsOn` and `links` in the stack config) and after
 * the services the configured order puts first. Reads only the resource graph (names, parents,
 * dependencies) and stack config, all known at preview.
 */
export function deployOrder(deps: PolicyDeps = ENGINE_DEPS): StackValidationPolicy {
    return {
        name: NAME,
        description:
            "Services deploy in dependency order (backend before frontend): each service component is ordered after the services it depends on or links to, and after the services the configured order puts first.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Declare the dependency in the stack config: shipgate:services.<frontend>.dependsOn: [<backend>] (or a link, which is also a dependency). A program that builds components itself passes dependsOn: [<backend component>] in the frontend's options.",
        configSchema: configSchemaOf(Config),
        validateStack: (args, report) => {
            const { order } = readConfig(NAME, Config, args);
            const components = new Map<string, PolicyResource>();
            for (const r of args.resources) {
                if (SERVICE_COMPONENT_TYPE.test(r.type)) components.set(r.name, r);
            }
            if (components.size < 2) {
                args.notApplicable("fewer than two service components in this stack");
            }
            const required = new Map<string, { dependency: string; why: string }[]>();
            const need = (dependent: string, dependency: string, why: string) => {
                if (!components.has(dependent) || !components.has(dependency) || dependent === dependency) return;
                const list = required.get(dependent) ?? [];
                if (!list.some((x) => x.dependency === dependency)) list.push({ dependency, why });
                required.set(dependent, list);
            };
            for (const [name, spec] of Object.entries(deps.facts().services ?? {})) {
                for (const dep of dependenciesOf(spec)) need(name, dep, `shipgate:services.${name} depends on or links to ${dep}`);
            }
            for (const { first, then } of order) need(then, first, `the deploy order puts ${first} before ${then}`);
            for (const [dependent, list] of required) {
                const component = components.get(dependent)!;
                for (const { dependency, why } of list) {
                    if (ordersAfter(args.resources, component, components.get(dependency)!)) continue;
                    report(
                        violation(
                            `service "${dependent}" (${component.type})`,
                            `is not ordered after service "${dependency}" (${why}), so the engine may update both at once and ${dependent} can go out against the old ${dependency}`,
                            `add ${dependency} to shipgate:services.${dependent}.dependsOn (or pass dependsOn: [${dependency}'s component] where the program creates ${dependent})`,
                        ),
                        component.urn,
                    );
                }
            }
        },
    };
}
