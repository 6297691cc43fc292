import { appendFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PromotionRecord, PromotionRecordInput, PromotionRecordSchema } from "./promotion-record";
import { reportJson } from "./report-json";
import { reportMarkdown } from "./report-markdown";
import { buildReport } from "./report-model";

/**
 * Writing a run's report where people and machines look for it: a Markdown file and a JSON file
 * per run, and the GitHub Actions run page (its step summary) when running there.
 */

export { buildReport } from "./report-model";
export type { RunReport } from "./report-model";
export { reportJson } from "./report-json";
export { reportMarkdown } from "./report-markdown";

export interface WriteReportsOptions {
    /** Where GITHUB_STEP_SUMMARY is read from; default process.env. */
    readonly env?: NodeJS.ProcessEnv;
}

export interface WrittenReports {
    readonly markdownPath: string;
    readonly jsonPath: string;
    /** The step summary file the Markdown was appended to, when GITHUB_STEP_SUMMARY was set. */
    readonly stepSummaryPath?: string;
}

/** GitHub refuses a step summary over 1 MiB; a longer report is cut there, with a pointer to the file. */
const STEP_SUMMARY_LIMIT = 1024 * 1024 - 1024;

/** A record id as a file name: no path separators, nothing a shell or Windows would trip on. */
export function reportFileBase(id: string): string {
    return id.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_") || "report";
}

function writeAtomically(file: string, text: string): void {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
}

/**
 * Writes `<dir>/<id>.md` and `<dir>/<id>.json`, and appends the Markdown to the file named by
 * $GITHUB_STEP_SUMMARY when it is set (so a GitHub Actions run shows the report on its page).
 */
export function writeReports(record: PromotionRecordInput | PromotionRecord, dir: string, options: WriteReportsOptions = {}): WrittenReports {
    const report = buildReport(record);
    const parsed = PromotionRecordSchema.parse(record);
    const markdown = reportMarkdown(report);
    mkdirSync(dir, { recursive: true });
    const base = path.join(dir, reportFileBase(report.id));
    const markdownPath = `${base}.md`;
    const jsonPath = `${base}.json`;
    writeAtomically(markdownPath, markdown);
    writeAtomically(jsonPath, reportJson(report, parsed));
    const summary = (options.env ?? process.env).GITHUB_STEP_SUMMARY;
    if (summary) {
        const bytes = Buffer.byteLength(markdown, "utf8");
        const text =
            bytes <= STEP_SUMMARY_LIMIT
                ? markdown
                : `${Buffer.from(markdown, "utf8").subarray(0, STEP_SUMMARY_LIMIT).toString("utf8").replace(/\uFFFD$/, "")}\n\n… cut at GitHub's 1 MiB step summary limit; the whole report is ${path.basename(markdownPath)}.\n`;
        appendFileSync(summary, `${text}\n`);
    }
    return { markdownPath, jsonPath, stepSummaryPath: summary || undefined };
}
