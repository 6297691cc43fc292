import type { PromotionEvent } from "../../automation/promotion/promotion-events";
import { describeTrafficRestore } from "../../automation/records/traffic-restore";
import { ms, percent } from "../../automation/verify";

const traffic = (split: Readonly<Record<string, number>>) =>
    Object.entries(split)
        .map(([track, weight]) => `${track} ${weight}%`)
        .join(" / ");

/** One line per event, the same words in the live view, in CI and in the log. */
export function formatEvent(event: PromotionEvent): string | undefined {
    switch (event.type) {
        case "plan":
            return [
                `promotion ${event.id}: release ${event.version}`,
                ...event.stages.flatMap((s) => [
                    `  ${s.stage}:`,
                    ...s.services.map((svc) => `    ${svc.service} ${svc.from} → ${event.version}: ${svc.steps.length ? svc.steps.map((st) => st.kind).join(", ") : "already live"}`),
                ]),
            ].join("\n");
        case "gate":
            return `  gate ${event.gate.stage ? `${event.gate.stage}/` : ""}${event.gate.gate}: ${event.gate.outcome.toUpperCase()} ${event.gate.detail}`;
        case "stage-start":
            return `\n== ${event.stage} ==`;
        case "step-start":
            return `${event.stage}/${event.service} step ${event.index}/${event.total}: ${event.summary}`;
        case "waiting":
            return `  waiting ${event.seconds}s (${event.why})`;
        case "step-applied":
            return `  applied in ${ms(event.engineMs)}: ${traffic(event.traffic)}${event.routerWeights ? ` (router reads back ${traffic(event.routerWeights)})` : ""}`;
        case "analysis": {
            const e = event.event;
            if (e.type === "measurement") {
                const c = e.round.candidate;
                const b = e.round.baseline;
                const rate = (m?: { requests: number; errors: number }) => (m && m.requests ? percent(m.errors / m.requests) : "n/a");
                return `  [${Math.round(e.round.elapsedMs / 1000)}s] ${e.round.verdict.outcome.toUpperCase()}: candidate ${c ? `${c.requests} req, errors ${rate(c)}, p95 ${c.p95Ms === undefined ? "n/a" : ms(c.p95Ms)}` : e.round.candidateError ?? "no data"}${b ? ` | ${e.round.baselineLabel ?? "baseline"} ${b.requests} req, errors ${rate(b)}, p95 ${b.p95Ms === undefined ? "n/a" : ms(b.p95Ms)}` : ""} — ${e.round.verdict.summary}`;
            }
            if (e.type === "health" && e.round.color !== "GREEN") {
                return `  health ${e.round.color} (${e.round.consecutiveFailures}/${e.round.limit}): ${e.round.results.map((r) => `${r.url} ${r.reason ?? r.color}`).join("; ")}`;
            }
            if (e.type === "started") return `  analysing ${e.candidateTrack}${e.baselineLabel ? ` against ${e.baselineLabel}` : ""} for ${e.bakeSeconds}s`;
            return undefined;
        }
        case "step-done":
            return `  ${event.verification.outcome === "pass" || event.verification.outcome === "skipped" ? "✔" : "✘"} ${event.verification.reason}`;
        case "hook":
            return `  hook ${event.point}/${event.name}: ${event.outcome} ${event.detail}`;
        case "rollback-start":
            return `\n!! rolling ${event.stage} back: ${event.reason}`;
        case "rollback-step":
            return `  restored ${event.service} in ${ms(event.engineMs)}: ${event.summary}`;
        case "traffic-restored":
            return `  traffic back on the last good release ${describeTrafficRestore(event.afterMs, event.path, event.slowPath)}`;
        case "write-back": {
            const w = event.writeBack;
            const mark = w.outcome === "out-of-step" ? "!!" : w.outcome === "skipped" ? "  (repository)" : "  repository:";
            return [`${mark} ${w.detail}`, ...(w.commands ?? []).map((c) => `     ${c}`)].join("\n");
        }
        case "finished":
            return undefined;
    }
}
