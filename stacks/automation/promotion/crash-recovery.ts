import { settledArtifact, settledAt } from "../../../components/release";
import { secondUtc } from "../records/format-time";
import { GateResult, PromotionRecord } from "../records/promotion-record";
import type { PromotionEnvironment } from "./promote";
import type { RollbackTarget } from "./rollback-stage";

/**
 * A run that never finished: its runner was killed (SIGKILL, a CI runner that vanished) between
 * its first progress line and its last. Found by the next run on its stack once that run holds
 * the stack's lock, which proves the old holder is gone. Its stage in flight is put back on the
 * last good release (traffic first, by the rollback) and its record closed as interrupted.
 */

/** The unfinished runs touching these stages, oldest first, other than the run asking. */
export function interruptedRuns(history: readonly PromotionRecord[], stages: readonly string[], self?: string): PromotionRecord[] {
    return history.filter((r) => r.result === "running" && r.id !== self && r.stages.some((s) => stages.includes(s)));
}

/** Where an interrupted run stopped, for a person: "production/backend step 2 (send 50% …)". */
export function whereItStopped(run: PromotionRecord): string {
    const last = run.steps[run.steps.length - 1];
    if (!run.inFlight) return "before it changed anything";
    const step = last && last.stage === run.inFlight.stage ? ` step ${last.index} (${last.summary})` : "";
    return `at ${run.inFlight.stage}/${last?.service ?? Object.keys(run.inFlight.states).join(", ")}${step}`;
}

/** The services an interrupted run had touched in its stage in flight, with what they ran and their last good release. */
export function interruptedTargets(run: PromotionRecord, healthPath: (service: string) => string): RollbackTarget[] {
    if (!run.inFlight) return [];
    const { stage, states } = run.inFlight;
    return Object.entries(states).map(([service, current]) => {
        const versions = run.versions.find((v) => v.stage === stage && v.service === service);
        return { service, current, lastGood: versions?.lastGood ?? settledAt(current, versions ? { version: versions.from } : settledArtifact(current)), healthPath: healthPath(service) };
    });
}

/** Appends the interrupted run's closing line: its result, when it was found, and by which run. */
export async function closeInterrupted(run: PromotionRecord, by: string, env: Pick<PromotionEnvironment, "saveRecord" | "now">, restored: string): Promise<void> {
    const last = run.steps[run.steps.length - 1];
    const lastSeen = last?.startedAt ?? run.startedAt;
    await env.saveRecord({
        ...run,
        result: "interrupted",
        closedBy: by,
        finishedAt: env.now().toISOString(),
        error: `the run stopped ${whereItStopped(run)} (last written ${secondUtc(lastSeen)}) and never finished; ${restored}`,
    });
}

/** The gate line a run adds when it found an interrupted run. */
export function recoveryGate(run: PromotionRecord, detail: string): GateResult {
    return { stage: run.inFlight?.stage, gate: "recovery", outcome: "warn", detail: `promotion ${run.id} of ${run.version} was interrupted ${whereItStopped(run)}: ${detail}` };
}
