import { GateRefusal } from "../errors";
import { GateResult, PromotionRecord } from "../records/promotion-record";
import { closeInterrupted, interruptedRuns, recoveryGate } from "./crash-recovery";
import { manualRollback } from "./manual-rollback";
import type { PromoteRequest, PromotionEnvironment } from "./promote";

/**
 * A promotion's first act once it holds its stages' locks: a run the log shows unfinished on
 * those stages was interrupted (its runner is gone, or the lock would not be ours). Its stage in
 * flight goes back to the last good release, by a rollback with its own record, before this run
 * plans anything from the stack files. A stage this run does not lock is left, and said.
 */
export async function recoverInterrupted(request: PromoteRequest, env: PromotionEnvironment, record: PromotionRecord, gate: (g: GateResult) => void): Promise<void> {
    const history = (await env.history?.()) ?? [];
    for (const run of interruptedRuns(history, request.stages, record.id)) {
        const stage = run.inFlight?.stage;
        if (!stage) {
            if (!request.dryRun) await closeInterrupted(run, record.id, env, "nothing had changed");
            gate(recoveryGate(run, "nothing had changed; its record is closed"));
            continue;
        }
        if (!request.stages.includes(stage)) {
            gate(recoveryGate(run, `${stage} is not in this run: put it back with \`shipgate rollback --stack ${stage}\``));
            continue;
        }
        if (request.dryRun) {
            gate(recoveryGate(run, `a real run would first put ${stage} back on its last good release`));
            continue;
        }
        const outcome = await manualRollback({ stack: stage, history, deployer: request.deployer, lockHeld: true }, env);
        if (outcome.error) {
            if (outcome.record.result === "rollback-failed") throw outcome.error;
            throw new GateRefusal("recovery", `promotion ${run.id} was interrupted in ${stage}, and putting it back did not run: ${outcome.error.message}`, `run \`shipgate rollback --stack ${stage}\` and see its report`);
        }
        gate(recoveryGate(run, `rollback ${outcome.record.id} put ${stage} back on its last good release`));
    }
}
