import { RouterDescriptor } from "../../../components/release";
import { HaproxyRouter } from "./haproxy-router";
import { Router, RouterContext } from "./router";

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The router for a service's descriptor (its `router` output). Cloud and cluster clients load
 * only for stacks that need them: their SDKs cost seconds at every start otherwise, so each
 * router's module is required here, when its kind is asked for.
 */
export function createRouter(descriptor: RouterDescriptor, context: RouterContext): Router {
    switch (descriptor.kind) {
        case "haproxy":
            return new HaproxyRouter(descriptor);
        case "gatewayApi": {
            const { GatewayApiRouter } = require("./gateway-api-router") as typeof import("./gateway-api-router");
            return new GatewayApiRouter(descriptor, context);
        }
        case "ingressNginx": {
            const { IngressNginxRouter } = require("./ingress-nginx-router") as typeof import("./ingress-nginx-router");
            return new IngressNginxRouter(descriptor, context);
        }
        case "kubernetesReplicas": {
            const { KubernetesReplicasRouter } = require("./kubernetes-replicas-router") as typeof import("./kubernetes-replicas-router");
            return new KubernetesReplicasRouter(descriptor, context);
        }
        case "alb": {
            const { AlbRouter } = require("./alb-router") as typeof import("./alb-router");
            return new AlbRouter(descriptor, context);
        }
        case "lambdaAlias": {
            const { LambdaAliasRouter } = require("./lambda-alias-router") as typeof import("./lambda-alias-router");
            return new LambdaAliasRouter(descriptor, context);
        }
        case "containerApp": {
            const { ContainerAppRouter } = require("./container-app-router") as typeof import("./container-app-router");
            return new ContainerAppRouter(descriptor, context);
        }
        case "appService": {
            const { AppServiceRouter } = require("./app-service-router") as typeof import("./app-service-router");
            return new AppServiceRouter(descriptor, context);
        }
    }
}
