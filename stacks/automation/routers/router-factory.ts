import { RouterDescriptor } from "../../../components/release";
import { HaproxyRouter } from "./haproxy-router";
import { Router, RouterContext } from "./router";

/**
 * The router for a service's descriptor (its `router` output). Cloud and cluster clients load
 * only for stacks that need them: their SDKs cost seconds at every start otherwise.
 */
export function createRouter(descriptor: RouterDescriptor, context: RouterContext): Router {
    switch (descriptor.kind) {
        case "haproxy":
            return new HaproxyRouter(descriptor);
        default:
            void context;
            throw new Error(`router kind ${descriptor.kind} is not wired yet`);
    }
}
