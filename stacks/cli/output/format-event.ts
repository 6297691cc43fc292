import type { PromotionEvent } from "../../automation/promotion/promotion-events";
import { describeTrafficRestore } from "../../automation/records/traffic-restore";
import { Check, eValue, ms, percent, whole } from "../../automation/verify";

const traffic = (split: Readonly<Record<string, number>>) =>
    Object.entries(split)
        .map(([track, weight]) => `${track} ${weight}%`)
        .join(" / ");

/** The sequential judge's evidence, one short line per test: the e-value next to its bound, whole requests. */
function evidenceLine(c: Check, baseline: string): string | undefined {
    const ev = c.evidence;
    if (!ev) return undefined;
    const what =
        c.name === "error-rate" ? `error rate vs ${c.threshold === undefined ? "ceiling" : `${percent(c.threshold)} ceiling`}` : c.name === "error-rate-vs-baseline" ? `error rate vs ${baseline}` : `slow requests vs ${baseline}`;
    const crossed = ev.value >= ev.bound ? (c.outcome === "fail" ? " — crossed" : " — crossed, below the protocol's floor") : "";
    return `      ${what}: e = ${eValue(ev.value)} of ${whole(ev.bound)}${crossed}, ${whole(ev.requests)} requests`;
}

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
                const v = e.round.verdict;
                const head = `  [${Math.round(e.round.elapsedMs / 1000)}s] ${v.outcome.toUpperCase()}: candidate ${c ? `${whole(c.requests)} req, errors ${rate(c)}, p95 ${c.p95Ms === undefined ? "n/a" : ms(c.p95Ms)}` : e.round.candidateError ?? "no data"}${b ? ` | ${e.round.baselineLabel ?? "baseline"} ${whole(b.requests)} req, errors ${rate(b)}, p95 ${b.p95Ms === undefined ? "n/a" : ms(b.p95Ms)}` : ""}`;
                const evidence = v.checks.map((check) => evidenceLine(check, e.round.baselineLabel ?? "baseline")).filter((l): l is string => l !== undefined);
                if (!evidence.length) {
                    // The thresholds judge: one line per check, the figure next to its threshold.
                    const checks = v.checks.filter((check) => (check.outcome === "pass" || check.outcome === "fail") && check.name !== "traffic");
                    if (v.outcome === "inconclusive" || !checks.length) return `${head} — ${v.summary}`;
                    // Skipped relative checks share their reason: said once.
                    const skipped = v.checks.find((check) => check.outcome === "skipped" && check.detail.startsWith("skipped"));
                    return [
                        head,
                        ...checks.map((check) => `      ${check.outcome === "fail" ? "✘ " : ""}${check.detail}`),
                        ...(skipped ? [`      relative checks ${skipped.detail}`] : []),
                    ].join("\n");
                }
                // Sequential: the window's figures, then the step's evidence; the summary only when it says more (a failure, a wait).
                return [v.outcome === "pass" ? head : `${head} — ${v.summary}`, ...evidence].join("\n");
            }
            if (e.type === "health" && e.round.color !== "GREEN") {
                return `  health ${e.round.color} (${e.round.consecutiveFailures}/${e.round.limit}): ${e.round.results.map((r) => `${r.url} ${r.reason ?? r.color}`).join("; ")}`;
            }
            // Why a step that has baked does not move on yet (inconclusive, YELLOW, RED under its limit).
            if (e.type === "extended") return `  ${e.reason}`;
            if (e.type === "started") return `  analysing ${e.candidateTrack}${e.baselineLabel ? ` against ${e.baselineLabel}` : ""} for ${e.bakeSeconds}s (judge: ${e.judge})`;
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
