// Records of the release engine: the deployment log, the DORA metrics from it, a report per run, the human log entry.
export { appendRecord, defaultLogPath, describeProblems, InvalidRecordError, queryRecords, readLog } from "./deployment-log";
export type { AppendOptions, LogContents, LogProblem, RecordQuery } from "./deployment-log";
export { historyEntry, historyMarkdown } from "./deployment-log-markdown";
export { doraFigures, doraMetrics, DoraTargetsSchema, quantile, stageOutcome } from "./dora";
export type { DoraFigure, DoraMetrics, DoraOptions, DoraTargets, DoraTargetsInput, TargetStatus } from "./dora";
export { doraMarkdown } from "./dora-markdown";
export { between, duration, minuteUtc, secondUtc } from "./format-time";
export * from "./promotion-record";
export { buildReport, reportFileBase, reportJson, reportMarkdown, writeReports } from "./report";
export type { WriteReportsOptions, WrittenReports } from "./report";
export { COLOR_EMOJI, UNKNOWN_COLOR, worstColor } from "./report-model";
export type { Color, Incident, RunReport, ServiceStatus, StepReport } from "./report-model";
