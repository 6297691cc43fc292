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
import { PromotionRecord, startRecord } from "../records/promotion-record";
import { newPromotionId, PromotionEnvironment, PromotionOutcome } from "./promote";
import { PromotionSettingsSchema } from "./promotion-settings";
import { RollbackTarget, rollbackStage } from "./rollback-stage";

export interface RollbackRequest {
    readonly stack: string;
    /** Default: every service of the stack, last deployed first. */
    readonly services?: readonly string[];
    /** A named earlier version; default: the last good release. */
    readonly to?: string;
    readonly reason?: string;
    readonly deployer?: string;
    /** Earlier runs, newest last, to find a settled service's previous good version. */
    readonly history: readonly PromotionRecord[];
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
    try {
        if (request.to !== undefined) {
            const v = VersionSchema.safeParse(request.to);
            if (!v.success) throw new InvalidInputError("rollback", [{ path: "--to", message: v.error.issues[0].message }]);
        }
        const driver = await env.openStack(request.stack);
        const raw = driver.config();
        const { model: config, order } = readStackModel(raw);
        const wanted = request.services?.length ? request.services : order;
        const unknown = wanted.filter((s) => !(s in config.services));
        if (unknown.length) {
            throw new InvalidInputError("rollback", unknown.map((s) => ({ path: "--service", message: `no service "${s}" in stack ${request.stack}: use one of ${order.join(", ")}` })));
        }
        const targets: RollbackTarget[] = [];
        for (const service of order.filter((s) => wanted.includes(s))) {
            const current = config.services[service].release;
            const target: ReleaseState | undefined = request.to
                ? settledAt(current, { version: request.to } satisfies Artifact)
                : lastGoodRelease(request.stack, service, current, request.history);
            if (!target) {
                throw new InvalidInputError("rollback", [
                    { path: "--to", message: `no earlier good release of ${service} on ${request.stack} is known from the deployment log: name one with --to <version>` },
                ]);
            }
            record.versions.push({ stage: request.stack, service, strategy: current.strategy, from: liveArtifact(current).version, to: liveArtifact(target).version });
            if (!sameState(current, target)) targets.push({ service, lastGood: target, healthPath: config.services[service].healthPath });
        }
        record.services = targets.map((t) => t.service);
        if (!targets.length) {
            record.result = "succeeded";
            record.gates.push({ stage: request.stack, gate: "rollback", outcome: "pass", detail: "every service already runs its target release: nothing to do" });
            return { record };
        }
        lock = await env.lock([request.stack], record.id);
        const settings = PromotionSettingsSchema.parse(raw["shipgate:promotion"] ?? {});
        const reason = request.reason ?? `manual rollback to ${targets.map((t) => `${t.service} ${describeState(t.lastGood)}`).join("; ")}`;
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
        if (rollback.record.result !== "succeeded") {
            record.result = "rollback-failed";
            const error = new RollbackFailed(
                `the rollback of ${request.stack} failed: ${rollback.record.error}`,
                `set shipgate:services.<service>.release in Pulumi.${request.stack}.yaml to the release you want and run \`pulumi up -s ${request.stack}\`, then check health`,
            );
            record.error = error.message;
            return { record, error };
        }
        record.result = "succeeded";
        return { record };
    } catch (err) {
        record.result = err instanceof GateRefusal || err instanceof InvalidInputError ? "refused" : "failed";
        record.error = (err as Error).message;
        return { record, error: err as Error };
    } finally {
        await lock?.release();
        const finished = env.now();
        record.finishedAt = finished.toISOString();
        record.durationMs = finished.getTime() - started.getTime();
        await env.saveRecord(record);
        env.listener({ type: "finished", record });
    }
}
