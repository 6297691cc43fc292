import type * as pulumi from "@pulumi/pulumi";
import { sharesOf } from "../../../clients/haproxy-runtime-api";
import { RouteSpec, haproxyWeights } from "../haproxy-config";
import { HaproxyMaster, haproxyPaths } from "../haproxy-control";
import { LiveRoute, applyRoute, readRoute, removeRoute } from "../haproxy-route";

/** A service's frontend and weighted servers in the stack's router. */
export interface HaproxyRouteInputs {
    readonly dir: string;
    readonly master: HaproxyMaster;
    readonly spec: RouteSpec;
}

export interface HaproxyRouteOutputs extends HaproxyRouteInputs {
    /** Weights and ports as HAProxy reports them, read back after each change and on refresh. */
    readonly live: LiveRoute;
}

function desiredWeights(spec: RouteSpec): Record<string, number> {
    return sharesOf(haproxyWeights(spec.servers));
}

/** Weights by server, in whatever order HAProxy and the spec list the servers. */
function sameWeights(a: Readonly<Record<string, number>> | undefined, b: Readonly<Record<string, number>>): boolean {
    if (!a) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => a[k] === b[k]);
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async diff(_id, olds: HaproxyRouteOutputs, news: HaproxyRouteInputs) {
        if (typeof news.spec !== "object" || typeof news.master !== "object") {
            // A preview where the ports of new processes are not known yet: an update, surely.
            return { changes: true, replaces: [], deleteBeforeReplace: true };
        }
        const replaces = olds.spec.service !== news.spec.service || olds.dir !== news.dir ? ["spec.service"] : [];
        const drifted = !sameWeights(olds.live?.weights, desiredWeights(news.spec));
        const changed =
            JSON.stringify(olds.spec) !== JSON.stringify(news.spec) || JSON.stringify(olds.master) !== JSON.stringify(news.master) || drifted;
        return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: true };
    },

    async create(inputs: HaproxyRouteInputs) {
        const live = await applyRoute(haproxyPaths(inputs.dir), inputs.master, inputs.spec);
        return { id: `${inputs.master.id}/${inputs.spec.service}`, outs: { ...inputs, live } };
    },

    async update(_id, olds: HaproxyRouteOutputs, news: HaproxyRouteInputs) {
        const live = await applyRoute(haproxyPaths(news.dir), news.master, news.spec, olds.spec);
        return { outs: { ...news, live } };
    },

    async read(id, props: HaproxyRouteOutputs) {
        const live = await readRoute(haproxyPaths(props.dir), props.spec.service).catch(() => ({ weights: {}, ports: {} }));
        return { id, props: { ...props, live } };
    },

    async delete(_id, props: HaproxyRouteOutputs) {
        await removeRoute(haproxyPaths(props.dir), props.master, props.spec.service);
    },
};
