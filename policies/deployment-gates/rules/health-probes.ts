import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { violation } from "../lib/messages";
import { containers, serviceComponent, serviceKey, serviceSubject, workload } from "../lib/resources";

export const NAME = "health-probes";

const Config = z.object({}).strict();

const HANDLERS = ["httpGet", "tcpSocket", "exec", "grpc"] as const;

function hasHandler(probe: unknown): boolean {
    return !!probe && typeof probe === "object" && HANDLERS.some((h) => (probe as Record<string, unknown>)[h] !== undefined);
}

/**
 * Readiness and liveness probes on every serving container (the protocol: every service answers
 * /health, and 3 failed checks take it out). On a shipgate service it is the declared health
 * endpoint the components turn into probes; on Kubernetes workloads it is the probes themselves,
 * including the ones shipgate's components render.
 */
export function healthProbes(_deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description:
            "Every serving container has a readiness and a liveness probe, and every shipgate service declares its health endpoint: without them a broken pod keeps its traffic and a canary cannot be judged.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "On a shipgate service set healthPath (e.g. \"/health\"; the components derive startup, readiness and liveness probes from it). On a hand-written Kubernetes workload add readinessProbe and livenessProbe (httpGet on the health endpoint) to every container.",
        configSchema: configSchemaOf(Config),
        validateResource: (args, report) => {
            readConfig(NAME, Config, args);
            const svc = serviceComponent(args.type, args.name, args.props);
            if (svc) {
                const path = svc.service.healthPath;
                if (typeof path !== "string" || !path.startsWith("/")) {
                    report(
                        violation(
                            serviceSubject(svc),
                            "declares no health endpoint, so its pods get no readiness or liveness probe and health checks have nothing to call",
                            `set ${serviceKey(svc, "healthPath")} to the path that returns the health JSON, e.g. "/health"`,
                        ),
                    );
                }
                return;
            }
            const w = workload(args.type, args.name, args.props);
            if (!w || !w.serving) return;
            for (const c of containers(w)) {
                if (c.init) continue;
                const missing = (["readinessProbe", "livenessProbe"] as const).filter((p) => !hasHandler(c.spec[p]));
                if (missing.length) {
                    report(
                        violation(
                            c.subject,
                            `has no ${missing.join(" and no ")}: ${missing.includes("readinessProbe") ? "it takes traffic before it can serve and keeps it while failing" : "a hung process is never restarted"}`,
                            `add ${missing.join(" and ")} (httpGet on the health endpoint, e.g. path "/health") to the container`,
                        ),
                    );
                }
            }
        },
    };
}
