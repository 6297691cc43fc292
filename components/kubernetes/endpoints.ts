import * as pulumi from "@pulumi/pulumi";
import { KubernetesRouter } from "./router-spec";

/** The in-cluster URL of a Service: `http://<svc>.<ns>.svc.cluster.local:<port>`. */
export function serviceEndpoint(serviceName: string, namespace: string, port: number): string {
    return `http://${serviceName}.${namespace}.svc.cluster.local:${port}`;
}

export function serviceEndpointOutput(serviceName: string, namespace: pulumi.Input<string>, port: number): pulumi.Output<string> {
    return pulumi.output(namespace).apply((ns) => serviceEndpoint(serviceName, ns, port));
}

/**
 * The public URL of a router: the route's first hostname (wildcards are not addresses), HTTPS
 * when ingress-nginx terminates TLS. Undefined when the router has no hostname of its own.
 */
export function routerEndpoint(router: KubernetesRouter): string | undefined {
    switch (router.kind) {
        case "gatewayApi": {
            const host = router.hostnames?.find((h) => !h.startsWith("*."));
            return host ? `http://${host}` : undefined;
        }
        case "ingressNginx":
            return `${router.tlsSecretName ? "https" : "http"}://${router.host}`;
        case "none":
            return undefined;
    }
}
