import { ReleaseState, RouterDescriptor, directRoute } from "../../../components/release";
import { DirectRouteRecord } from "../records/promotion-record";
import { readBackWeights } from "../routers/read-back";
import { StackDriver } from "../stack-driver";
import { RouterFor } from "./apply-step";

/** One service of a rollback, as the emergency path sees it. */
export interface EmergencyTarget {
    readonly service: string;
    /** The release state the stack holds now (the failed step's). */
    readonly current: ReleaseState;
    /** The rollback's states (planRollback), the last one the last good release. */
    readonly restore: readonly ReleaseState[];
    /** The service's router as the last `up` exported it; read from the stack's outputs when absent. */
    readonly router?: RouterDescriptor;
}

export interface EmergencyRouteArgs {
    readonly driver: StackDriver;
    readonly targets: readonly EmergencyTarget[];
    readonly routerFor: RouterFor;
    now(): Date;
    /** How long one service's router may take to be set and read back before the `up` takes over. */
    readonly timeoutMs?: number;
    /** How long a router may take to show the change once set. */
    readonly settleMs?: number;
}

export interface EmergencyRouteOutcome {
    readonly services: DirectRouteRecord[];
    /** When every service's traffic was on its last good release, if the routers got it there. */
    readonly restoredAt?: Date;
    /** Why the `up` has to move (some of) the traffic instead. */
    readonly slowPath?: string;
}

/**
 * The rollback's first move: every service's router told directly to send all traffic to the
 * last good release (through the router seam), all services at once, each read back. Only where
 * nothing has to be deployed for it (directRoute); the `up` that follows declares the same
 * state, so it changes no traffic and a preview afterwards shows nothing. A router that fails or
 * does not answer in time is recorded, and the `up` moves that service's traffic instead.
 */
export async function routeTrafficDirectly(args: EmergencyRouteArgs): Promise<EmergencyRouteOutcome> {
    let outputs: Promise<Record<string, { router?: RouterDescriptor }>> | undefined;
    const routerOf = async (t: EmergencyTarget): Promise<RouterDescriptor | undefined> => {
        if (t.router) return t.router;
        outputs ??= args.driver.outputs().then((o) => o.services);
        return (await outputs)[t.service]?.router;
    };
    const services = await Promise.all(
        args.targets.map(async (t): Promise<DirectRouteRecord> => {
            const route = directRoute(t.current, t.restore);
            if (route.kind === "up-only") return { service: t.service, outcome: "up-only", reason: route.reason };
            if (route.kind === "already") return { service: t.service, outcome: "already", weights: { ...route.split }, at: args.now().toISOString() };
            const signal = AbortSignal.timeout(args.timeoutMs ?? 10_000);
            let name: string | undefined;
            try {
                const descriptor = await routerOf(t);
                if (!descriptor) return { service: t.service, outcome: "failed", reason: "the stack's outputs name no router for it" };
                const router = await args.routerFor(args.driver, descriptor);
                name = router.name;
                await router.setWeights(route.split, signal);
                const readBack = await readBackWeights(router, route.split, { signal, settleMs: args.settleMs ?? 2_000, pollMs: 50 });
                return {
                    service: t.service,
                    outcome: "routed",
                    router: router.name,
                    weights: { ...(readBack.weights ?? route.split) },
                    at: args.now().toISOString(),
                    ...(readBack.unsupported ? { reason: readBack.unsupported } : {}),
                };
            } catch (err) {
                const message = signal.aborted ? `no answer within ${Math.round((args.timeoutMs ?? 10_000) / 1000)} s` : (err as Error).message.split("\n")[0];
                return { service: t.service, outcome: "failed", ...(name ? { router: name } : {}), reason: message };
            }
        }),
    );
    const slow = services.filter((s) => s.outcome === "up-only" || s.outcome === "failed");
    if (slow.length) return { services, slowPath: slow.map((s) => `${s.service}: ${s.reason}`).join("; ") };
    // Nothing touched yet (a hook failed before the first step): traffic never left.
    if (!services.length) return { services, restoredAt: args.now() };
    return { services, restoredAt: new Date(Math.max(...services.map((s) => Date.parse(s.at!)))) };
}
