import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { AWS, AZURE, isHealthPath, list, ownedByService, ownedServiceKey } from "../lib/cloud";
import { UNKNOWN_AT_PREVIEW, readKnown } from "../lib/known";
import { violation } from "../lib/messages";
import { containers, serviceComponent, serviceKey, serviceSubject, workload } from "../lib/resources";

export const NAME = "health-probes";

const Config = z.object({}).strict();

const HANDLERS = ["httpGet", "tcpSocket", "exec", "grpc"] as const;

function hasHandler(probe: unknown): boolean {
    return !!probe && typeof probe === "object" && HANDLERS.some((h) => (probe as Record<string, unknown>)[h] !== undefined);
}

/** Target group protocols whose health check calls an HTTP path. */
const HTTP_PROTOCOLS = new Set(["HTTP", "HTTPS"]);

/** Why a target group's health check does not watch the health endpoint, or undefined. */
export function targetGroupHealthProblem(props: Record<string, any>): string | undefined {
    // A Lambda target is judged by its invocations; its health check is optional and off by default.
    if (props.targetType === "lambda") return undefined;
    const protocol = props.protocol ?? "HTTP";
    if (protocol === "GENEVE") return undefined;
    const check = props.healthCheck;
    if (check?.enabled === false) return "has its health check disabled: the load balancer keeps sending traffic to targets that fail";
    if (HTTP_PROTOCOLS.has(protocol) && !isHealthPath(check?.path)) {
        return "has no health check path, so the load balancer calls \"/\" instead of the health endpoint";
    }
    return undefined;
}

/** The probe types a Container App container lacks as httpGet probes (Readiness, Liveness). */
export function missingContainerAppProbes(container: Record<string, any>): string[] {
    const probes = list(container.probes);
    return ["Readiness", "Liveness"].filter(
        (type) => !probes.some((p) => typeof p?.type === "string" && p.type.toLowerCase() === type.toLowerCase() && isHealthPath(p.httpGet?.path)),
    );
}

/**
 * Readiness and liveness probes on every serving container (the protocol: every service answers
 * /health, and 3 failed checks take it out). On a shipgate service it is the declared health
 * endpoint the components turn into probes; on Kubernetes workloads it is the probes themselves,
 * including the ones shipgate's components render. On AWS and Azure it is the platform's own
 * health check on the health endpoint: target groups (enabled, with a path), Container Apps
 * (Readiness and Liveness httpGet probes; the platform's implicit TCP probes only see an open
 * port), App Service sites and slots (`siteConfig.healthCheckPath`).
 */
export function healthProbes(_deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description:
            "Every serving container has a readiness and a liveness probe, and every shipgate service declares its health endpoint: without them a broken pod keeps its traffic and a canary cannot be judged. On AWS and Azure: target groups health-check a path, Container Apps have Readiness and Liveness httpGet probes, App Service sites set healthCheckPath.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "On a shipgate service set healthPath (e.g. \"/health\"; the components derive startup, readiness and liveness probes from it). On a hand-written Kubernetes workload add readinessProbe and livenessProbe (httpGet on the health endpoint) to every container. A hand-written ALB target group: healthCheck {enabled: true, path: \"/health\"}; a Container App: template.containers[].probes of type Readiness and Liveness with httpGet on the health path; a Web App or slot: siteConfig.healthCheckPath.",
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
            if (AWS.targetGroup.has(args.type)) {
                const problem = targetGroupHealthProblem(args.props);
                if (problem) {
                    report(
                        violation(
                            `target group "${args.name}"`,
                            problem,
                            ownedByService(args.urn)
                                ? `set ${ownedServiceKey(args.props, "healthPath")} to the health endpoint, e.g. "/health" (the component health-checks it)`
                                : 'set healthCheck: {enabled: true, path: "/health", matcher: "200"} on the target group',
                        ),
                    );
                }
                return;
            }
            if (args.type === AZURE.containerApp) {
                const owned = ownedByService(args.urn);
                // A component's template waits for its revision ledger, unknown in some previews:
                // the component's healthPath (checked above) is what decides its probes.
                const read = () => list(args.props.template?.containers);
                const appContainers = owned ? readKnown(read) : read();
                if (appContainers === UNKNOWN_AT_PREVIEW) return;
                appContainers.forEach((c: Record<string, any>, i: number) => {
                    const missing = missingContainerAppProbes(c);
                    if (!missing.length) return;
                    const shown = typeof c?.name === "string" && c.name ? c.name : `#${i}`;
                    report(
                        violation(
                            `Container App "${args.name}", container "${shown}"`,
                            `has no ${missing.join(" and no ")} probe calling the health endpoint (the platform's default probes only see an open port)`,
                            owned
                                ? `set ${ownedServiceKey(args.props, "healthPath")} to the health endpoint, e.g. "/health"`
                                : `add probes [${missing.map((t) => `{type: "${t}", httpGet: {path: "/health", port: <target port>}}`).join(", ")}] to the container`,
                        ),
                    );
                });
                return;
            }
            if (AZURE.webApp.has(args.type)) {
                if (!isHealthPath(args.props.siteConfig?.healthCheckPath)) {
                    report(
                        violation(
                            `Web App "${args.name}"`,
                            "sets no siteConfig.healthCheckPath: App Service keeps routing to an instance whose app is failing",
                            ownedByService(args.urn)
                                ? `set ${ownedServiceKey(args.props, "healthPath")} to the health endpoint, e.g. "/health"`
                                : 'set siteConfig.healthCheckPath to the health endpoint, e.g. "/health"',
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
