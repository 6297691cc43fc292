import { describeState, liveArtifact } from "../../../components/release";
import { PromotionRolledBack, RollbackFailed } from "../errors";
import { PromotionRecord } from "../records/promotion-record";
import { describeTrafficRestore } from "../records/traffic-restore";
import type { PromoteRequest, PromotionEnvironment } from "./promote";
import type { StagePlan } from "./preflight";
import { RollbackTarget, rollbackStage } from "./rollback-stage";
import { StageFailure } from "./run-stage";

/** Rolls the changing stage back and turns the outcome into the run's result and error. */
export async function recover(plan: StagePlan, touched: RollbackTarget[], err: unknown, request: PromoteRequest, env: PromotionEnvironment, record: PromotionRecord): Promise<Error> {
    const failure = err instanceof StageFailure ? err : new StageFailure((err as Error).message, env.now(), err);
    record.error = failure.message;
    const rollback = await rollbackStage({
        stage: plan.stage,
        environment: plan.environment,
        driver: plan.driver,
        targets: touched,
        reason: failure.message,
        failedAt: failure.failedAt,
        verifier: env.verifier,
        hooks: plan.hooks,
        hookContext: { promotionId: record.id, stage: plan.stage, environment: plan.environment, version: request.version, reason: failure.message },
        routerFor: env.routerFor,
        listener: env.listener,
        now: () => env.now(),
        record,
    });
    record.rollback = rollback.record;
    for (const t of touched) {
        const version = record.versions.find((v) => v.stage === plan.stage && v.service === t.service);
        if (version) version.final = rollback.record.result === "succeeded" ? liveArtifact(t.lastGood).version : undefined;
    }
    if (rollback.record.result === "succeeded") {
        record.result = "rolled-back";
        return new PromotionRolledBack(
            `${failure.message}\n${plan.stage} is back on its last good release (${touched.map((t) => `${t.service}: ${describeState(t.lastGood)}`).join("; ")}); traffic was restored ${describeTrafficRestore(Date.parse(rollback.record.trafficRestoredAt ?? rollback.record.startedAt) - failure.failedAt.getTime(), rollback.record.trafficPath, rollback.record.slowPath)}`,
            failure,
        );
    }
    record.result = "rollback-failed";
    return new RollbackFailed(
        `${failure.message}\nTHE AUTOMATIC ROLLBACK OF ${plan.stage.toUpperCase()} FAILED: ${rollback.record.error}`,
        `restore it by hand: \`shipgate rollback --stack ${plan.stage}\` (or set shipgate:services.<service>.release in Pulumi.${plan.stage}.yaml back to ${touched.map((t) => `${t.service}: ${describeState(t.lastGood)}`).join("; ")} and run \`pulumi up -s ${plan.stage}\`), then check the service's health`,
        failure,
    );
}

