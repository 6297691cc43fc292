import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { violation } from "../lib/messages";
import { parseQuantity } from "../lib/quantity";
import { containers, owningServiceComponent, serviceComponent, serviceKey, serviceSubject, workload } from "../lib/resources";

export const NAME = "resource-limits";

const Config = z.object({}).strict();

const FIELDS = [
    ["requests", "cpu"],
    ["requests", "memory"],
    ["limits", "cpu"],
    ["limits", "memory"],
] as const;

const EXAMPLE: Readonly<Record<string, string>> = { cpu: '"250m"', memory: '"256Mi"' };

/** The missing fields and the requests above their limits, as phrases. */
export function resourceProblems(resources: Record<string, any> | undefined): { missing: string[]; inverted: string[] } {
    const missing: string[] = [];
    const inverted: string[] = [];
    for (const [kind, resource] of FIELDS) {
        const v = resources?.[kind]?.[resource];
        if (v === undefined || v === null || v === "") missing.push(`${kind}.${resource}`);
    }
    for (const resource of ["cpu", "memory"] as const) {
        const request = parseQuantity(resources?.requests?.[resource]);
        const limit = parseQuantity(resources?.limits?.[resource]);
        if (request !== undefined && limit !== undefined && request > limit) {
            inverted.push(`the ${resource} request ${resources!.requests[resource]} is above its limit ${resources!.limits[resource]}`);
        }
    }
    return { missing, inverted };
}

/**
 * CPU and memory requests and limits everywhere: requests let the scheduler place pods where they
 * fit, limits keep a leaking canary from starving its neighbours (and the stable track).
 */
export function resourceLimits(_deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description:
            "Every container declares CPU and memory requests and limits, with requests no higher than limits; on a shipgate service, its resources block.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "On a shipgate service set resources.requests and resources.limits (cpu, memory) in shipgate:services.<name>.resources. On a Kubernetes workload set resources.requests and resources.limits on every container, requests ≤ limits.",
        configSchema: configSchemaOf(Config),
        validateResource: (args, report) => {
            readConfig(NAME, Config, args);
            const svc = serviceComponent(args.type, args.name, args.props);
            if (svc) {
                const { missing, inverted } = resourceProblems(svc.service.resources);
                if (missing.length) {
                    report(
                        violation(
                            serviceSubject(svc),
                            `declares no ${missing.join(", ")}`,
                            `set ${missing.map((m) => `${serviceKey(svc, `resources.${m}`)} (e.g. ${EXAMPLE[m.split(".")[1]]})`).join(", ")}`,
                        ),
                    );
                }
                for (const p of inverted) {
                    report(violation(serviceSubject(svc), p, `raise the limit or lower the request in ${serviceKey(svc, "resources")}`));
                }
                return;
            }
            // A workload a shipgate service rendered takes its resources from the service, checked above.
            if (owningServiceComponent(args.urn)) return;
            const w = workload(args.type, args.name, args.props);
            if (!w) return;
            for (const c of containers(w)) {
                const { missing, inverted } = resourceProblems(c.spec.resources);
                if (missing.length) {
                    report(
                        violation(
                            c.subject,
                            `sets no ${missing.map((m) => `resources.${m}`).join(", ")}`,
                            `set ${missing.map((m) => `resources.${m} (e.g. ${EXAMPLE[m.split(".")[1]]})`).join(", ")} on the container`,
                        ),
                    );
                }
                for (const p of inverted) {
                    report(violation(c.subject, p, "raise the limit or lower the request"));
                }
            }
        },
    };
}
