import { RouterDescriptor } from "../../../components/release";
import { HaproxyRouter } from "./haproxy-router";
import { Router, RouterContext } from "./router";

/* eslint-disable @typescript-eslint/no-require-imports */
const kubernetes = () => ({
    gatewayApi: require("./gateway-api-router") as typeof import("./gateway-api-router"),
    ingressNginx: require("./ingress-nginx-router") as typeof import("./ingress-nginx-router"),
    replicas: require("./kubernetes-replicas-router") as typeof import("./kubernetes-replicas-router"),
});

/**
 * The router for a service's descriptor (its `router` output). Cloud and cluster clients load
 * only for stacks that need them: their SDKs cost seconds at every start otherwise.
 */
export function createRouter(descriptor: RouterDescriptor, context: RouterContext): Router {
    switch (descriptor.kind) {
        case "haproxy":
            return new HaproxyRouter(descriptor);
        case "gatewayApi":
            return new (kubernetes().gatewayApi.GatewayApiRouter)(descriptor, context);
        case "ingressNginx":
            return new (kubernetes().ingressNginx.IngressNginxRouter)(descriptor, context);
        case "kubernetesReplicas":
            return new (kubernetes().replicas.KubernetesReplicasRouter)(descriptor, context);
        default:
            throw new Error(`router kind ${descriptor.kind} is not wired yet`);
    }
}
