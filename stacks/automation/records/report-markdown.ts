import { duration, secondUtc } from "./format-time";
import { rollbackTrafficRestore } from "./traffic-restore";
import { COLOR_EMOJI, Color, RunReport, ServiceStatus, StepReport, UNKNOWN_COLOR, outcomeIcon } from "./report-model";

/**
 * The report as Markdown: for a person (a PR reviewer, the person on call, the GitHub Actions run
 * page). Tables for what is compared across rows, lists for what is read once. Every value that
 * came from outside (errors, hook output, reasons) is escaped so it cannot break the tables.
 */

/** A table cell: no pipe, no newline. */
function cell(text: string | undefined): string {
    if (text === undefined || text === "") return "—";
    return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function colorLabel(color: Color | undefined): string {
    return color ? `${COLOR_EMOJI[color]} ${color}` : `${UNKNOWN_COLOR} not checked`;
}

function check(value: boolean | undefined): string {
    return value === undefined ? "—" : value ? "✅" : "❌";
}

function versionText(s: ServiceStatus): string {
    if (s.from === undefined && s.to === undefined) return "—";
    const move = s.from === s.to ? `${s.to}` : `${s.from} → ${s.to}`;
    return s.final !== undefined && s.final !== s.to ? `${move} (serving ${s.final})` : move;
}

function statusSection(r: RunReport): string[] {
    if (r.services.length === 0) return [];
    const out = [
        "## Status",
        "",
        "| stage | service | status | version | database | WebSocket | memory | integrations |",
        "|---|---|---|---|---|---|---|---|",
    ];
    for (const s of r.services) {
        const integrations = s.integrations.map((i) => `${i.name} ${check(i.ok)}`).join(", ");
        out.push(
            `| ${cell(s.stage)} | ${cell(s.service)} | ${colorLabel(s.color)} | ${cell(versionText(s))} | ${check(s.database)} | ${check(s.websocket)} | ${check(s.memory)} | ${cell(integrations)} |`,
        );
    }
    const notes = r.services.filter((s) => s.errors.length > 0 || s.reason);
    if (notes.length) {
        out.push("");
        for (const s of notes) {
            const parts = [s.reason, ...s.errors.map((e) => `error: ${e}`)].filter(Boolean);
            out.push(`- ${s.stage}/${s.service}: ${parts.join("; ")}`);
        }
    }
    out.push("");
    return out;
}

function gatesSection(r: RunReport): string[] {
    if (r.gates.length === 0) return ["## Gates", "", "No gate results were recorded.", ""];
    return [
        "## Gates",
        "",
        "| stage | gate | outcome | detail |",
        "|---|---|---|---|",
        ...r.gates.map((g) => `| ${cell(g.stage)} | ${cell(g.gate)} | ${outcomeIcon(g.outcome)} ${g.outcome} | ${cell(g.detail)} |`),
        "",
    ];
}

function stepTitle(s: StepReport): string {
    return `${s.stage} / ${s.service}, step ${s.index + 1}: ${s.summary}`;
}

function stepsTable(steps: readonly StepReport[]): string[] {
    return [
        "| # | stage | service | step | result | traffic | router weights | verification | engine | overhead | bake |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        ...steps.map(
            (s) =>
                `| ${s.index + 1} | ${cell(s.stage)} | ${cell(s.service)} | ${cell(s.summary)} | ${outcomeIcon(s.result === "succeeded" ? "pass" : s.result === "aborted" ? "aborted" : "fail")} ${s.result} | ${cell(s.traffic)} | ${cell(s.routerWeights)}${s.routerMismatch ? " ⚠️" : ""} | ${s.verification ? `${outcomeIcon(s.verification.outcome)} ${s.verification.outcome}` : "—"} | ${duration(s.engineMs)} | ${duration(s.overheadMs)} | ${duration(s.bakeMs)} |`,
        ),
    ];
}

function stepDetails(s: StepReport): string[] {
    const out = [`### ${stepTitle(s)}`, ""];
    out.push(`- traffic: ${s.traffic}`);
    if (s.routerWeights) {
        out.push(`- router weights read back: ${s.routerWeights}${s.routerMismatch ? " ⚠️ not the planned split" : ""}`);
    }
    const v = s.verification;
    if (v) {
        const color = v.healthColor ? `, health ${colorLabel(v.healthColor)}` : "";
        out.push(`- verification (${v.kind}${color}): ${outcomeIcon(v.outcome)} ${v.outcome}: ${v.reason}`);
        if (v.candidate) out.push(`- ${v.candidate}`);
        if (v.baseline) out.push(`- ${v.baseline}`);
        if (v.judge && v.kind === "analysis") out.push(`- judge: ${v.judge}`);
        if (v.measurements || v.healthChecks) out.push(`- ${v.measurements} measurement${v.measurements === 1 ? "" : "s"}, ${v.healthChecks} health check${v.healthChecks === 1 ? "" : "s"}`);
        for (const f of v.figures) out.push(`  - ${outcomeIcon(f.outcome)} ${f.text}`);
    }
    out.push(`- time: ${duration(s.totalMs)} (engine ${duration(s.engineMs)}, automation ${duration(s.overheadMs)}, bake ${duration(s.bakeMs)})`);
    if (s.error) out.push(`- error: ${s.error.split("\n")[0]}`);
    out.push("");
    return out;
}

function stepsSection(r: RunReport): string[] {
    if (r.steps.length === 0) return [];
    return ["## Steps", "", ...stepsTable(r.steps), "", ...r.steps.flatMap(stepDetails)];
}

function timingsSection(r: RunReport): string[] {
    const t = r.timings;
    const rows: [string, string][] = [
        ["total", duration(t.totalMs)],
        ["engine (`pulumi up`)", duration(t.engineMs)],
        ["automation overhead", duration(t.overheadMs)],
        ["bake and verification", duration(t.bakeMs)],
        ["hooks", duration(t.hooksMs)],
    ];
    if (t.rollbackMs !== undefined) rows.push(["rollback", duration(t.rollbackMs)]);
    return ["## Timings", "", "| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`), ""];
}

function hooksSection(r: RunReport): string[] {
    if (r.hooks.length === 0) return [];
    const out = ["## Hooks", "", "| point | hook | stage | service | outcome | time | detail |", "|---|---|---|---|---|---|---|"];
    for (const h of r.hooks) {
        const first = h.detail.split("\n")[0];
        out.push(`| ${h.point} | ${cell(h.name)} | ${cell(h.stage)} | ${cell(h.service)} | ${outcomeIcon(h.outcome)} ${h.outcome} | ${duration(h.durationMs)} | ${cell(first)} |`);
    }
    const withOutput = r.hooks.filter((h) => h.outcome === "fail" && h.detail.includes("\n"));
    for (const h of withOutput) {
        out.push("", `Output of ${h.point}/${h.name}:`, "", "```", h.detail.split("\n").slice(1).join("\n").replace(/```/g, "ʼʼʼ"), "```");
    }
    out.push("");
    return out;
}

function rollbackSection(r: RunReport): string[] {
    const rb = r.rollback;
    if (!rb) return [];
    const out = [
        "## Rollback",
        "",
        `- stage: ${rb.stage}`,
        `- reason: ${rb.reason}`,
        `- check failed: ${secondUtc(rb.failedAt)}`,
        `- started: ${secondUtc(rb.startedAt)}`,
        `- traffic restored: ${secondUtc(rb.trafficRestoredAt)}${rollbackTrafficRestore(rb) ? ` (${rollbackTrafficRestore(rb)})` : ""}`,
        ...(rb.directRoute ?? []).map(
            (d) =>
                `  - ${d.service}: ${
                    d.outcome === "routed"
                        ? `${d.router} set and read back: ${tracks(d.weights)}${d.reason ? ` (${d.reason})` : ""}`
                        : d.outcome === "already"
                          ? `traffic was already on the last good release`
                          : d.outcome === "up-only"
                            ? `not at the router: ${d.reason}`
                            : `the router call failed${d.router ? ` (${d.router})` : ""}: ${d.reason}`
                }`,
        ),
        `- stack converged: ${secondUtc(rb.convergedAt)}`,
        `- finished: ${secondUtc(rb.finishedAt)}`,
        `- result: ${rb.result === "succeeded" ? "✅ succeeded" : "❌ FAILED"}${rb.error ? `: ${rb.error.split("\n")[0]}` : ""}`,
        "",
    ];
    if (rb.stepsReport.length) out.push(...stepsTable(rb.stepsReport), "");
    return out;
}

const tracks = (weights: Readonly<Record<string, number>> | undefined) =>
    Object.entries(weights ?? {})
        .map(([t, w]) => `${t} ${w}%`)
        .join(", ");

function incidentSection(r: RunReport): string[] {
    const i = r.incident;
    if (!i) return [];
    const restored =
        i.timeToRestoreMs !== undefined
            ? `${secondUtc(i.trafficRestoredAt)}, ${duration(i.timeToRestoreMs)} after the failed check (target < 10 min: ${i.timeToRestoreMs < 600_000 ? "✅ met" : "❌ not met"})`
            : i.rollbackResult === "failed"
              ? "❌ NOT restored: the rollback failed"
              : "not recorded";
    return [
        "## Incident",
        "",
        `- **What failed**: ${i.whatFailed}`,
        `- **Why**: ${i.why}`,
        `- **Detected**: ${secondUtc(i.detectedAt)}`,
        `- **Traffic restored**: ${restored}`,
        `- **Rollback**: ${i.rollbackResult === "succeeded" ? "✅ succeeded" : `❌ FAILED${i.rollbackError ? `: ${i.rollbackError.split("\n")[0]}` : ""}`}`,
        `- **Now serving in ${i.stage}**: ${i.nowServing.length ? i.nowServing.join(", ") : "not recorded"}`,
        `- **Database**: ${i.database}`,
        `- **Why it was not caught earlier**: ${i.caughtInStaging}`,
        `- **Logs**: kept in this record, the CI log and the JSON report`,
        "",
        "### What to do next",
        "",
        ...i.nextSteps.map((s, n) => `${n + 1}. ${s}`),
        "",
    ];
}

function refusalSection(r: RunReport): string[] {
    if (!r.refusal) return [];
    const out = ["## Refused", "", "Nothing was changed: no stack was updated and no traffic moved.", ""];
    for (const g of r.refusal.failedGates) out.push(`- ❌ ${g.stage ? `${g.stage}: ` : ""}${g.gate}: ${g.detail}`);
    if (r.refusal.error) out.push("", "```", r.refusal.error.replace(/```/g, "ʼʼʼ"), "```");
    out.push("");
    return out;
}

function summaryTable(r: RunReport): string[] {
    const rows: [string, string][] = [
        ["result", r.result],
        ["version", r.version],
        ["stages", r.stages.join(" → ") || "—"],
        ["services", r.services.length ? [...new Set(r.services.map((s) => s.service))].join(", ") : "—"],
        ["approved by", r.approvers.length ? r.approvers.join(", ") : "no approver recorded"],
    ];
    if (r.deployer) rows.push(["deployer", r.deployer]);
    rows.push(["commit", r.gitCommit ? `${r.gitCommit}${r.committedAt ? ` (committed ${secondUtc(r.committedAt)})` : ""}` : "not recorded"]);
    if (r.changes) rows.push(["changes", r.changes]);
    if (r.hotfixReason) rows.push(["hotfix", `${r.hotfixReason} (expedited path: review due within 24 h)`]);
    rows.push(["started", secondUtc(r.timings.startedAt)], ["finished", secondUtc(r.timings.finishedAt)], ["duration", duration(r.timings.totalMs)]);
    if (r.writeBack) rows.push(["repository", `${r.writeBack.outcome === "out-of-step" ? "❌ " : ""}${r.writeBack.detail}`]);
    if (r.error && r.result !== "refused") rows.push(["error", r.error.split("\n")[0]]);
    return ["| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`), ""];
}

/** A repository that does not say what runs is an incident of its own: the next `pulumi up` would undo the run. */
function outOfStepSection(r: RunReport): string[] {
    const w = r.writeBack;
    if (w?.outcome !== "out-of-step") return [];
    return [
        "## Repository out of step",
        "",
        `${w.detail}. Until it is fixed, a \`pulumi up\` from the repository would change what runs.`,
        "",
        "```sh",
        ...(w.commands ?? []).map((c) => c.replace(/```/g, "ʼʼʼ")),
        "```",
        "",
    ];
}

export function reportMarkdown(r: RunReport): string {
    const title = `# shipgate ${r.kind} ${r.version}: ${colorLabel(r.color)}`;
    const lines = [
        title,
        "",
        `> ${r.headline.replace(/\n/g, " ")}`,
        "",
        `Run \`${r.id}\`.`,
        "",
        ...summaryTable(r),
        ...refusalSection(r),
        ...outOfStepSection(r),
        ...incidentSection(r),
        ...statusSection(r),
        ...gatesSection(r),
        ...stepsSection(r),
        ...rollbackSection(r),
        ...hooksSection(r),
        ...timingsSection(r),
    ];
    return `${lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}
