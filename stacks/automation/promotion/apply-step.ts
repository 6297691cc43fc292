import { PlannedStep, RouterDescriptor, trafficSplit } from "../../../components/release";
import { StepRecord } from "../records/promotion-record";
import { RouterMismatch, readBackWeights } from "../routers/read-back";
import { Router } from "../routers/router";
import { StackDriver } from "../stack-driver";
import { StackOutputs } from "../stack-outputs";

/** Builds the live router of a stack's service from its descriptor (credentials from the stack's config). */
export type RouterFor = (driver: StackDriver, descriptor: RouterDescriptor) => Promise<Router>;

export interface ApplyStepArgs {
    readonly driver: StackDriver;
    readonly service: string;
    readonly step: PlannedStep;
    readonly record: StepRecord;
    readonly routerFor: RouterFor;
    readonly message: string;
    /** The stack's outputs before the step, when known (saves a read). */
    readonly outputs?: StackOutputs;
    readonly signal?: AbortSignal;
    /** How long a router may take to show the change. */
    readonly settleMs?: number;
}

/**
 * One step, the same for a promotion and a rollback: where moving traffic is an action (a slot
 * swap) the engine performs it first; then one `up` of the step's release state; then the
 * router's weights are read back and must be the step's split (as Argo Rollouts' VerifyWeight).
 * A router that cannot read back is recorded as such in the step, never skipped in silence.
 */
export async function applyStep(args: ApplyStepArgs): Promise<StackOutputs> {
    const { driver, service, step, record } = args;
    const expected = trafficSplit(step.state);
    const before = args.outputs ?? (await driver.outputs().catch(() => undefined));
    const descriptorBefore = before?.services[service]?.router;
    if (descriptorBefore) {
        const router = await args.routerFor(driver, descriptorBefore);
        if (router.switchesByAction) {
            const live = await router.readWeights(args.signal);
            if (!live.supported || Object.entries(expected).some(([track, w]) => (live.weights[track] ?? 0) !== w)) {
                await router.setWeights(expected, args.signal);
                record.switchedByAction = `${router.name} set to ${describe(expected)} before the up`;
            }
        }
    }
    const applied = await driver.apply(service, step.state, { signal: args.signal, message: args.message });
    record.engineMs = applied.engineMs;
    const descriptor = applied.outputs.services[service]?.router;
    if (!descriptor) {
        record.readBackUnsupported = `read-back unsupported: the stack's outputs name no router for ${service} (deployed by an older shipgate program? a plain \`pulumi up\` exports it)`;
        return applied.outputs;
    }
    const router = await args.routerFor(driver, descriptor);
    record.router = router.name;
    try {
        const readBack = await readBackWeights(router, expected, { signal: args.signal, settleMs: args.settleMs });
        if (readBack.weights) record.routerWeights = { ...readBack.weights };
        if (readBack.unsupported) record.readBackUnsupported = readBack.unsupported;
    } catch (err) {
        // The step's record keeps what the router said, also when it was not the step's split.
        if (err instanceof RouterMismatch && err.readBack.weights) record.routerWeights = { ...err.readBack.weights };
        throw err;
    }
    return applied.outputs;
}

const describe = (weights: Readonly<Record<string, number>>) =>
    Object.entries(weights)
        .map(([track, w]) => `${track} ${w}%`)
        .join(", ");
