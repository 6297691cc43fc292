import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaOf, readConfig } from "../lib/config";
import { AWS, AWS_DEFAULT_SSL_POLICY, AZURE, sslPolicyMinTls } from "../lib/cloud";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { ifKnown, readKnown } from "../lib/known";
import { violation } from "../lib/messages";
import { objectSubject, owningServiceComponent } from "../lib/resources";

export const NAME = "tls-public-endpoints";

const Config = z
    .object({
        /** Gateway listener names that terminate TLS; an HTTPRoute must attach to one of them. */
        httpsListeners: z.array(z.string().min(1)).default(["https"]),
        /** Ports that carry TLS (a route attached by port, a LoadBalancer Service's ports). */
        httpsPorts: z.array(z.number().int().min(1).max(65535)).default([443]),
        /** The oldest TLS version a public endpoint may accept (ALB security policies, App Service minTlsVersion). */
        minTlsVersion: z.enum(["1.2", "1.3"]).default("1.2"),
    })
    .strict();

const INGRESS = new Set(["kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:networking.k8s.io/v1beta1:Ingress", "kubernetes:extensions/v1beta1:Ingress"]);
const HTTP_ROUTE = new Set(["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "kubernetes:gateway.networking.k8s.io/v1beta1:HTTPRoute"]);
const GATEWAY = new Set(["kubernetes:gateway.networking.k8s.io/v1:Gateway", "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway"]);
const SERVICE = "kubernetes:core/v1:Service";
const AWS_LISTENER = AWS.listener;
const AZURE_CONTAINER_APP = AZURE.containerApp;
const AZURE_WEB_APP = AZURE.webApp;

/** Whether a TLS host entry covers a host (exact, or one label under a wildcard). */
export function hostCovered(host: string, tlsHosts: readonly string[]): boolean {
    return tlsHosts.some((t) => {
        if (t === host) return true;
        if (!t.startsWith("*.")) return false;
        const suffix = t.slice(1); // ".example.com"
        const label = host.endsWith(suffix) ? host.slice(0, host.length - suffix.length) : "";
        return label !== "" && !label.includes(".");
    });
}

function list(value: unknown): any[] {
    return Array.isArray(value) ? [...value] : [];
}

/** The hosts of an Ingress served without TLS ("*" for rules without a host, or a default backend only). */
export function ingressHostsWithoutTls(spec: Record<string, any> | undefined): string[] {
    const tls = list(spec?.tls).filter((t) => typeof t?.secretName === "string" && t.secretName !== "");
    const rules = list(spec?.rules);
    const hosts = rules.length ? rules.map((r) => (typeof r?.host === "string" && r.host ? r.host : "*")) : ["*"];
    return [...new Set(hosts)].filter((host) => {
        if (host === "*") return tls.length === 0;
        return !tls.some((t) => (list(t.hosts).length === 0 ? true : hostCovered(host, list(t.hosts))));
    });
}

/**
 * Public endpoints speak TLS: every Ingress host has a TLS certificate, every HTTPRoute attaches
 * only to the Gateway's HTTPS listeners, every HTTPS listener of a Gateway has a certificate, and
 * no LoadBalancer Service exposes a plain-text port. The local platform binds loopback only.
 * On AWS, ALB listeners speak HTTPS with a certificate and a security policy that refuses TLS
 * below 1.2 (plain HTTP only redirects); on Azure, Web Apps and slots are httpsOnly with
 * minTlsVersion 1.2 or above, and external Container App ingress refuses plain HTTP.
 */
export function tlsPublicEndpoints(_deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description:
            "Public endpoints use TLS: Ingress hosts are covered by spec.tls, HTTPRoutes attach only to HTTPS listeners, HTTPS listeners have certificates, LoadBalancer Services expose only TLS ports; on AWS, ALB listeners are HTTPS (plain HTTP only redirects) with a TLS 1.2+ security policy; on Azure, Web Apps are httpsOnly with minTlsVersion 1.2+ and Container Apps refuse insecure ingress.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "ingress-nginx: set router.tlsSecretName (shipgate:kubernetes.router) or spec.tls on the Ingress. Gateway API: attach routes to the HTTPS listener (router.gateway.sectionName: \"https\", i.e. parentRefs[].sectionName) and give that listener tls.certificateRefs. Put Services behind the router instead of type LoadBalancer. AWS: loadBalancer.protocol \"HTTPS\" with a certificate and a TLS 1.2+ sslPolicy (e.g. ELBSecurityPolicy-TLS13-1-2-2021-06). Azure: httpsOnly: true, siteConfig.minTlsVersion \"1.2\", ingress.allowInsecure: false.",
        configSchema: configSchemaOf(Config),
        validateResource: (args, report) => {
            const isIngress = INGRESS.has(args.type);
            const isRoute = HTTP_ROUTE.has(args.type);
            const isGateway = GATEWAY.has(args.type);
            const isListener = AWS_LISTENER.has(args.type);
            const isContainerApp = args.type === AZURE_CONTAINER_APP;
            const isWebApp = AZURE_WEB_APP.has(args.type);
            if (!isIngress && !isRoute && !isGateway && !isListener && !isContainerApp && !isWebApp && args.type !== SERVICE) return;
            const config = readConfig(NAME, Config, args);
            const owned = owningServiceComponent(args.urn) !== undefined;
            const props = args.props;
            if (isIngress) {
                const subject = objectSubject("Ingress", args.name, props);
                for (const host of ingressHostsWithoutTls(props.spec)) {
                    report(
                        violation(
                            subject,
                            host === "*" ? "serves every host over plain HTTP (no spec.tls)" : `serves host ${host} over plain HTTP (no spec.tls entry covers it)`,
                            owned
                                ? "set router.tlsSecretName in shipgate:kubernetes.router to a TLS Secret in the service's namespace"
                                : `add spec.tls: [{hosts: [${host === "*" ? "<host>" : JSON.stringify(host)}], secretName: <a TLS Secret>}]`,
                        ),
                    );
                }
                return;
            }
            if (isRoute) {
                const subject = objectSubject("HTTPRoute", args.name, props);
                for (const ref of list(props.spec?.parentRefs)) {
                    const kind = ref?.kind ?? "Gateway";
                    if (kind !== "Gateway") continue;
                    const section = ifKnown(() => ref.sectionName);
                    const port = ifKnown(() => ref.port);
                    if ((typeof section === "string" && config.httpsListeners.includes(section)) || (typeof port === "number" && config.httpsPorts.includes(port))) continue;
                    const gateway = `${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
                    report(
                        violation(
                            subject,
                            typeof section === "string"
                                ? `attaches to listener "${section}" of Gateway ${gateway}, which is not an HTTPS listener (${config.httpsListeners.join(", ")})`
                                : `attaches to every listener of Gateway ${gateway}, plain HTTP ones included`,
                            owned
                                ? `set router.gateway.sectionName in shipgate:kubernetes.router to the Gateway's HTTPS listener, e.g. "${config.httpsListeners[0]}"`
                                : `set parentRefs[].sectionName to the Gateway's HTTPS listener, e.g. "${config.httpsListeners[0]}"`,
                        ),
                    );
                }
                return;
            }
            if (isGateway) {
                const subject = objectSubject("Gateway", args.name, props);
                for (const l of list(props.spec?.listeners)) {
                    if (l?.protocol !== "HTTPS" && l?.protocol !== "TLS") continue;
                    const passthrough = l.tls?.mode === "Passthrough";
                    if (!passthrough && list(l.tls?.certificateRefs).length === 0) {
                        report(violation(subject, `listener "${l.name}" is ${l.protocol} but has no certificate`, `set tls.certificateRefs on listener "${l.name}" to a TLS Secret`));
                    }
                }
                return;
            }
            if (isListener) {
                const subject = `ALB listener "${args.name}"`;
                const protocol = props.protocol;
                if (protocol === "HTTP") {
                    // Port 80 answering only a redirect to HTTPS is how an HTTPS load balancer greets plain HTTP.
                    const actions = list(props.defaultActions);
                    const redirectsToHttps = actions.length > 0 && actions.every((a) => a?.type === "redirect" && a.redirect?.protocol === "HTTPS");
                    if (!redirectsToHttps) {
                        report(
                            violation(
                                subject,
                                `serves plain HTTP on port ${ifKnown(() => props.port) ?? "?"}`,
                                owned
                                    ? 'set loadBalancer.protocol to "HTTPS" with a certificate (plain port 80 then only redirects)'
                                    : 'use protocol "HTTPS" with a certificateArn, or make the HTTP listener\'s only action a redirect to HTTPS',
                            ),
                        );
                    }
                } else if (protocol === "HTTPS") {
                    if ([undefined, ""].includes(readKnown(() => props.certificateArn) as string | undefined)) {
                        // A certificate ARN from another resource is unknown at preview: present, then.
                        report(violation(subject, "is HTTPS but has no certificate", "set certificateArn to an ACM certificate for the service's hostname"));
                    }
                    const named = props.sslPolicy;
                    const policy = typeof named === "string" && named ? named : AWS_DEFAULT_SSL_POLICY;
                    const accepts = sslPolicyMinTls(policy);
                    if (accepts !== undefined && accepts < config.minTlsVersion) {
                        report(
                            violation(
                                subject,
                                `${policy === named ? `uses the security policy ${policy}, which` : `names no security policy, so AWS applies ${policy}, which`} accepts TLS ${accepts}, below ${config.minTlsVersion}`,
                                owned
                                    ? "set loadBalancer.sslPolicy to a TLS 1.2+ policy, e.g. \"ELBSecurityPolicy-TLS13-1-2-2021-06\" (the default)"
                                    : 'set sslPolicy to a TLS 1.2+ policy, e.g. "ELBSecurityPolicy-TLS13-1-2-2021-06"',
                            ),
                        );
                    }
                }
                return;
            }
            if (isContainerApp) {
                const ingress = props.configuration?.ingress;
                if (ingress && ingress.external === true && ingress.allowInsecure === true) {
                    report(violation(`Container App "${args.name}"`, "accepts plain HTTP on its external ingress (allowInsecure: true)", "set configuration.ingress.allowInsecure to false"));
                }
                return;
            }
            if (isWebApp) {
                if (props.httpsOnly !== true) {
                    report(violation(`Web App "${args.name}"`, "answers plain HTTP (httpsOnly is not set)", "set httpsOnly: true so HTTP requests are redirected to HTTPS"));
                }
                // Absent, App Service applies 1.2.
                const minTls = props.siteConfig?.minTlsVersion;
                if (typeof minTls === "string" && minTls < config.minTlsVersion) {
                    report(violation(`Web App "${args.name}"`, `accepts TLS ${minTls} (siteConfig.minTlsVersion), below ${config.minTlsVersion}`, `set siteConfig.minTlsVersion to "${config.minTlsVersion}"`));
                }
                return;
            }
            // A Service of type LoadBalancer is a public endpoint of its own, past the router.
            if (props.spec?.type !== "LoadBalancer") return;
            const subject = objectSubject("Service", args.name, props);
            const plain = list(props.spec?.ports).filter((p) => !config.httpsPorts.includes(Number(p?.port)) && p?.name !== "https");
            if (plain.length) {
                report(
                    violation(
                        subject,
                        `is a LoadBalancer exposing port${plain.length === 1 ? "" : "s"} ${plain.map((p) => p.port).join(", ")} without TLS`,
                        "put the service behind the router (Gateway or Ingress with TLS) as a ClusterIP Service, or expose only the TLS port 443",
                    ),
                );
            }
        },
    };
}
