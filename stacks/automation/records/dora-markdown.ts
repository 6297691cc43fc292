import { DoraMetrics, TargetStatus, doraFigures } from "./dora";

/** What `shipgate metrics` prints and a report can embed: one table, each figure against its target. */

const MARK: Record<TargetStatus, string> = { met: "✅ met", "not met": "❌ not met", "n/a": "➖ n/a" };

export function doraMarkdown(m: DoraMetrics): string {
    const lines = [
        `### DORA metrics: ${m.stage}, last ${m.window.days} days`,
        "",
        `${m.window.from.slice(0, 10)} → ${m.window.to.slice(0, 10)} (UTC)`,
        "",
        "| metric | value | target | status | from |",
        "|---|---|---|---|---|",
        ...doraFigures(m).map((f) => `| ${f.label} | ${f.display} | ${f.target} | ${MARK[f.status]} | ${f.basis} |`),
    ];
    const met = doraFigures(m).filter((f) => f.status === "met").length;
    const known = doraFigures(m).filter((f) => f.status !== "n/a").length;
    lines.push("", known === 0 ? "No data yet: the deployment log has no promotion for this stage in the window." : `${met} of ${known} targets met.`);
    return `${lines.join("\n")}\n`;
}
