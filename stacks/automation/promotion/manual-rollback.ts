import { summariseEngineError } from "../engine-error";
import {
    Artifact,
    InvalidInputError,
    ReleaseState,
    VersionSchema,
    describeState,
    isSettled,
    liveArtifact,
    readStackModel,
    sameState,
    settledAt,
} from "../../../components/release";
import { GateRefusal, RollbackFailed } from "../errors";
import { GateResult, PromotionRecord, startRecord } from "../records/promotion-record";
import { checkWriteBack, newPromotionId, PromotionEnvironment, PromotionOutcome, stageFiles, writeBack } from "./promote";
import { PromotionSettingsSchema } from "./promotion-settings";
import { RollbackTarget, rollbackStage } from "./rollback-stage";
import { closeInterrupted, interruptedRuns, interruptedTargets, recoveryGate, whereItStopped } from "./crash-recovery";

export interface RollbackRequest {
    readonly stack: string;
    /** Default: every service of the stack, last deployed first. */
    readonly services?: readonly string[];
    /** A named earlier version; default: the last good release. */
    readonly to?: string;
    readonly reason?: string;
    readonly deployer?: string;
    /** Earlier runs, newest last, to find a settled service's previous good version (env.history wins). */
    readonly history: readonly PromotionRecord[];
    /** The caller holds the stack's lock already (a promotion recovering an interrupted run first). */
    readonly lockHeld?: boolean;
}

/**
 * The last good release of a service, from the deployment log. The log's successful runs give
 * the sequence of good versions (a promotion pushes its version, a rollback returns to an
 * earlier one). A settled service running the newest good version goes back to the one before
 * it; a service left mid-way (a killed run, a failed rollback) goes back to the newest good one.
 * A canary with no history falls back to its stable track.
 */
export function lastGoodRelease(stack: string, service: string, current: ReleaseState, history: readonly PromotionRecord[]): ReleaseState | undefined {
    const good: string[] = [];
    for (const record of history) {
        if (record.result !== "succeeded") continue;
        for (const v of record.versions) {
            if (v.stage !== stack || v.service !== service || v.final === undefined) continue;
            if (record.kind === "promote") {
                if (!good.length) good.push(v.from);
                if (good[good.length - 1] !== v.to) good.push(v.to);
            } else {
                while (good.length && good[good.length - 1] !== v.to) good.pop();
                if (!good.length) good.push(v.to);
            }
        }
    }
    const live = liveArtifact(current).version;
    const newest = good[good.length - 1];
    if (!isSettled(current)) {
        if (newest) return settledAt(current, { version: newest });
        return current.strategy === "canary" ? settledAt(current, current.stable) : undefined;
    }
    const previous = newest === live ? good[good.length - 2] : newest;
    return previous && previous !== live ? settledAt(current, { version: previous }) : undefined;
}

/**
 * The services a rollback without --service puts back: what the last promotion on the stack
 * changed there. A service whose own last release succeeded and that the last run did not
 * touch stays where it is; a stack no promotion has touched yet means all of them.
 */
export function lastChanged(stack: string, order: readonly string[], history: readonly PromotionRecord[]): readonly string[] {
    const last = [...history].reverse().find((r) => r.kind === "promote" && r.steps.some((s) => s.stage === stack));
    if (!last) return order;
    const touched = new Set(last.steps.filter((s) => s.stage === stack).map((s) => s.service));
    return order.filter((s) => touched.has(s));
}

/** `shipgate rollback`: put a stack (or some of its services) back on its last good release or a named one. */
export async function manualRollback(request: RollbackRequest, env: PromotionEnvironment): Promise<PromotionOutcome> {
    const started = env.now();
    const record = startRecord({
        id: newPromotionId(started),
        kind: "rollback",
        version: request.to ?? "last good",
        stages: [request.stack],
        deployer: request.deployer,
        startedAt: started.toISOString(),
    });
    let lock: { release(): Promise<void> } | undefined;
    let error: Error | undefined;
    let interrupted: PromotionRecord | undefined;
    const gate = (g: GateResult) => {
        record.gates.push(g);
        env.listener({ type: "gate", gate: g });
    };
    try {
        if (request.to !== undefined) {
            const v = VersionSchema.safeParse(request.to);
            if (!v.success) throw new InvalidInputError("rollback", [{ path: "--to", message: v.error.issues[0].message }]);
        }
        const driver = await env.openStack(request.stack);
        const { model: config, order } = readStackModel(driver.config());
        const unknown = (request.services ?? []).filter((s) => !(s in config.services));
        if (unknown.length) {
            throw new InvalidInputError("rollback", unknown.map((s) => ({ path: "--service", message: `no service "${s}" in stack ${request.stack}: use one of ${order.join(", ")}` })));
        }
        // The lock first: holding it proves that a run the log shows unfinished has no runner left.
        if (!request.lockHeld) {
            const taken = await env.lock([request.stack], record.id);
            lock = taken;
            gate({ stage: request.stack, gate: "lock", outcome: "pass", detail: `no other run on ${request.stack}${taken.broken?.length ? `; ${taken.broken.join("; ")}` : ""}` });
        }
        const history = (await env.history?.()) ?? request.history;
        const found = interruptedRuns(history, [request.stack], record.id);
        for (const run of found.filter((r) => !r.inFlight)) {
            await closeInterrupted(run, record.id, env, "nothing had changed");
            gate(recoveryGate(run, "nothing had changed; its record is closed"));
        }
        interrupted = request.to || request.services?.length ? undefined : found.filter((r) => r.inFlight?.stage === request.stack).pop();
        const targets: RollbackTarget[] = [];
        if (interrupted) {
            for (const t of interruptedTargets(interrupted, (s) => config.services[s]?.healthPath ?? "/health")) {
                const current = t.current!;
                // From the version the interrupted run was releasing: what a person knows it by.
                const releasing = interrupted.versions.find((v) => v.stage === request.stack && v.service === t.service)?.to ?? liveArtifact(current).version;
                record.versions.push({ stage: request.stack, service: t.service, strategy: current.strategy, from: releasing, to: liveArtifact(t.lastGood).version });
                if (!sameState(current, t.lastGood) || !sameState(driver.release(t.service), t.lastGood)) targets.push(t);
            }
        } else {
            const wanted = request.services?.length ? request.services : request.to ? order : lastChanged(request.stack, order, history);
            for (const service of order.filter((s) => wanted.includes(s))) {
                const current = config.services[service].release;
                const target: ReleaseState | undefined = request.to ? settledAt(current, { version: request.to } satisfies Artifact) : lastGoodRelease(request.stack, service, current, history);
                if (!target) {
                    throw new InvalidInputError("rollback", [
                        { path: "--to", message: `no earlier good release of ${service} on ${request.stack} is known from the deployment log: name one with --to <version>` },
                    ]);
                }
                record.versions.push({ stage: request.stack, service, strategy: current.strategy, from: liveArtifact(current).version, to: liveArtifact(target).version });
                if (!sameState(current, target)) targets.push({ service, lastGood: target, healthPath: config.services[service].healthPath });
            }
        }
        record.services = targets.map((t) => t.service);
        if (!targets.length) {
            record.result = "succeeded";
            gate({ stage: request.stack, gate: "rollback", outcome: "pass", detail: "every service already runs its target release: nothing to do" });
            if (interrupted) await closeInterrupted(interrupted, record.id, env, "its stage already ran its last good release");
            return { record };
        }
        await checkWriteBack(env, stageFiles([{ stage: request.stack, environment: config.environment, driver }]), (g) => gate({ stage: request.stack, ...g }), {
            // The interrupted run's own write of the stack file is what is not committed.
            recovering: Boolean(interrupted),
        });
        const settings = PromotionSettingsSchema.parse(driver.config()["shipgate:promotion"] ?? {});
        const reason =
            request.reason ??
            (interrupted
                ? `promotion ${interrupted.id} of ${interrupted.version} was interrupted ${whereItStopped(interrupted)}: putting ${request.stack} back on its last good release`
                : `manual rollback to ${targets.map((t) => `${t.service} ${describeState(t.lastGood)}`).join("; ")}`);
        if (interrupted) gate(recoveryGate(interrupted, "this rollback puts its stage back on the last good release"));
        const rollback = await rollbackStage({
            stage: request.stack,
            environment: config.environment,
            driver,
            targets,
            reason,
            failedAt: env.now(),
            verifier: env.verifier,
            hooks: await env.hooks(request.stack, settings, driver),
            hookContext: { promotionId: record.id, stage: request.stack, environment: config.environment, version: record.version, reason },
            routerFor: env.routerFor,
            listener: env.listener,
            now: () => env.now(),
            record,
        });
        record.rollback = rollback.record;
        for (const v of record.versions) v.final = rollback.record.result === "succeeded" ? v.to : undefined;
        if (interrupted) {
            await closeInterrupted(interrupted, record.id, env, rollback.record.result === "succeeded" ? `rollback ${record.id} put ${request.stack} back on its last good release` : `rollback ${record.id} FAILED to restore ${request.stack}`);
        }
        if (rollback.record.result !== "succeeded") {
            record.result = "rollback-failed";
            error = new RollbackFailed(
                `the rollback of ${request.stack} failed: ${rollback.record.error}`,
                `set shipgate:services.<service>.release in Pulumi.${request.stack}.yaml to the release you want and run \`pulumi up -s ${request.stack}\`, then check health`,
            );
            record.error = error.message;
        } else {
            record.result = "succeeded";
        }
    } catch (err) {
        record.result = err instanceof GateRefusal || err instanceof InvalidInputError ? "refused" : "failed";
        error = summariseEngineError(err) as Error;
        record.error = error.message;
    } finally {
        // A recovery also commits the stages the interrupted run finished: they run its release.
        error = await writeBack(env, record, error, interrupted ? [...new Set([...interrupted.stages, request.stack])] : record.stages);
        await lock?.release();
        const finished = env.now();
        record.finishedAt = finished.toISOString();
        record.durationMs = finished.getTime() - started.getTime();
        await env.saveRecord(record);
        env.listener({ type: "finished", record });
    }
    return { record, error, interrupted };
}
