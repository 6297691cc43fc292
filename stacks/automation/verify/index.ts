// Verification for the release engine: health checks, metric sources, the judge, one step's analysis run.
export { runAnalysis } from "./analysis-run";
export { systemClock, systemSleep } from "./analysis-types";
export type {
    AnalysisEvent,
    AnalysisResult,
    AnalysisRunOptions,
    BaselineSpec,
    Clock,
    FailureCause,
    HealthRound,
    MeasurementRound,
    Sleep,
} from "./analysis-types";
export { count, eValue, ms, percent, points, seconds, whole } from "./format";
export { HealthCheckSchema, HealthChecksSchema, checkHealth, classifyHealth, healthProblems } from "./health-check";
export type { CheckHealthOptions, HealthCheck, HealthClassification, HealthColor, HealthResult, HealthStatus } from "./health-check";
export { HealthMonitor, describeHealthTrip, worstHealth } from "./health-monitor";
export { proceeds } from "./analysis-decision";
export { httpHealthProbe } from "./health-probe";
export type { HealthProbe, TrackReach } from "./health-probe";
export type { HealthMonitorState } from "./health-monitor";
export { HttpJsonAnswerSchema, HttpJsonSource, HttpJsonSourceSchema } from "./http-json-source";
export type { HttpJsonSourceConfig, HttpJsonSourceInput } from "./http-json-source";
export { inconclusiveVerdict, judge } from "./judge";
export type { Check, CheckName, CheckOutcome, Evidence, JudgeLabels, Verdict, VerdictOutcome } from "./judge";
export { SequentialJudge } from "./sequential/sequential-judge";
export { ThresholdsJudge, createStepJudge } from "./step-judge";
export type { StepJudge } from "./step-judge";
export { MetricSourceError, errorRate } from "./metric-source";
export { createMetricSource } from "./metric-source-factory";
export type { LatencyBucket, Measurement, MetricQuery, MetricSource } from "./metric-source";
export { PrometheusSource, PrometheusSourceSchema, parsePromValue, prometheusQueries, promString } from "./prometheus-source";
export type { PrometheusQueries, PrometheusSourceConfig, PrometheusSourceInput } from "./prometheus-source";
