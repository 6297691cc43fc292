import { PlannedStep, ReleaseState, RouterDescriptor, planRollback } from "../../../components/release";
import { HookContext, Hooks } from "../hooks/hook-types";
import { PromotionRecord, RollbackRecord, healthKey, startStepRecord } from "../records/promotion-record";
import { StackDriver } from "../stack-driver";
import { StackOutputs } from "../stack-outputs";
import { RouterFor, applyStep } from "./apply-step";
import { routeTrafficDirectly } from "./emergency-route";
import { PromotionListener } from "./promotion-events";
import { StepVerifier } from "./step-verifier";

/** A service the run changed in the failing stage, and what it ran before. */
export interface RollbackTarget {
    readonly service: string;
    readonly lastGood: ReleaseState;
    readonly healthPath: string;
    /** Its router as the run's last `up` of it exported (the emergency path needs no read of the outputs then). */
    router?: RouterDescriptor;
    /**
     * What it runs, when the stack file does not say (a run that was killed: a fresh clone's
     * file says the last good release while the stack runs the step it was killed at).
     */
    readonly current?: ReleaseState;
}

export interface RollbackStageArgs {
    readonly stage: string;
    readonly environment: string;
    readonly driver: StackDriver;
    readonly targets: readonly RollbackTarget[];
    readonly reason: string;
    readonly failedAt: Date;
    readonly verifier: StepVerifier;
    readonly hooks: Hooks;
    readonly hookContext: HookContext;
    readonly listener: PromotionListener;
    /** The live router of a service (the router seam): traffic is read back after every restore step. */
    readonly routerFor: RouterFor;
    now(): Date;
    /** Where hook outcomes and the services' final health go. */
    readonly record: Pick<PromotionRecord, "hooks" | "health" | "healthDetails">;
}

/**
 * Puts a stage back on its last good release. Traffic first: every service's router is told
 * directly to send all traffic to the last good release where it already runs (the emergency
 * path, in about a router call); then, for every service (last deployed first), the `up` of the
 * state that moves traffic onto an artifact that is already running (it declares what the
 * router was set to, or moves the traffic itself where the router could not be set); then the
 * states that clean up; then the live endpoints must be healthy; then the onRollback hooks (a
 * down migration). Runs to the end even if the promotion was interrupted: an interruption is
 * what it answers. Any failure here is reported, never hidden.
 */
export async function rollbackStage(args: RollbackStageArgs): Promise<{ record: RollbackRecord }> {
    const record: RollbackRecord = {
        stage: args.stage,
        reason: args.reason,
        failedAt: args.failedAt.toISOString(),
        startedAt: args.now().toISOString(),
        steps: [],
        result: "failed",
    };
    args.listener({ type: "rollback-start", stage: args.stage, reason: args.reason });
    const targets = [...args.targets].reverse();
    try {
        const currentOf = (t: RollbackTarget) => t.current ?? args.driver.release(t.service);
        const plans = targets.map((t) => ({ target: t, states: planRollback(currentOf(t), t.lastGood) }));
        let outputs: StackOutputs | undefined;
        const apply = async (service: string, step: PlannedStep) => {
            const stepRecord = startStepRecord(args.stage, service, step, args.now());
            record.steps.push(stepRecord);
            outputs = await applyStep({
                driver: args.driver,
                service,
                step,
                record: stepRecord,
                routerFor: args.routerFor,
                message: `shipgate rollback: ${service} ${step.summary}`,
                outputs,
            });
            stepRecord.result = "succeeded";
            stepRecord.finishedAt = args.now().toISOString();
            args.listener({ type: "rollback-step", stage: args.stage, service, summary: step.summary, engineMs: stepRecord.engineMs ?? 0 });
        };
        // Traffic first: at the routers, for every service at once; then by the `up`s.
        const direct = await routeTrafficDirectly({
            driver: args.driver,
            targets: plans.map(({ target, states }) => ({
                service: target.service,
                current: currentOf(target),
                restore: states.map((s) => s.state),
                router: target.router,
            })),
            routerFor: args.routerFor,
            now: args.now,
        });
        record.directRoute = direct.services;
        const restored = (at: Date, path: "router" | "up") => {
            record.trafficRestoredAt = at.toISOString();
            record.trafficPath = path;
            args.listener({ type: "traffic-restored", stage: args.stage, afterMs: at.getTime() - args.failedAt.getTime(), path, ...(direct.slowPath ? { slowPath: direct.slowPath } : {}) });
        };
        if (direct.restoredAt) restored(direct.restoredAt, "router");
        else record.slowPath = direct.slowPath;
        for (const { target, states } of plans) {
            if (states.length) await apply(target.service, states[0]);
        }
        if (!direct.restoredAt) restored(args.now(), "up");
        for (const { target, states } of plans) {
            for (const step of states.slice(1)) await apply(target.service, step);
        }
        record.convergedAt = args.now().toISOString();
        outputs ??= await args.driver.outputs();
        for (const target of targets) {
            const verification = await args.verifier.verify({
                stage: args.stage,
                service: target.service,
                step: { index: 0, kind: "restore", summary: "the last good release is healthy", state: target.lastGood, verify: "health", bakeSeconds: 0, waitSeconds: 0, promotes: false },
                healthPath: target.healthPath,
                outputs,
            });
            if (verification.healthColor) args.record.health[healthKey(args.stage, target.service)] = verification.healthColor;
            if (verification.healthDetail) args.record.healthDetails[healthKey(args.stage, target.service)] = verification.healthDetail;
            if (verification.outcome !== "pass") {
                throw new Error(`${target.service} is back on its last good release but not healthy: ${verification.reason}`);
            }
        }
        const outcomes = await args.hooks.run("onRollback", args.hookContext);
        args.record.hooks.push(...outcomes);
        record.result = "succeeded";
    } catch (err) {
        record.error = (err as Error).message.split("\n")[0];
    } finally {
        record.finishedAt = args.now().toISOString();
    }
    return { record };
}
