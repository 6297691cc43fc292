import type { AnalysisConfig } from "../../../components/release/analysis";
import type { BaselineSpec } from "./analysis-types";
import { JudgeLabels, Verdict, judge } from "./judge";
import type { Measurement, MetricSource } from "./metric-source";
import { SequentialJudge } from "./sequential/sequential-judge";

/**
 * What judges one step's measurements, round after round. The thresholds judge looks at each
 * window alone; the sequential judge keeps the step's evidence, so it is created per step run
 * (explicit state, never shared between steps or services).
 */
export interface StepJudge {
    readonly kind: AnalysisConfig["judge"];
    /** One line for the live view and the report: which judge, and any fallback with why. */
    readonly description: string;
    /** The sequential judge needs each round to cover the time since the last one (no overlap, no gap). */
    readonly needsIncrements: boolean;
    /** It reads latency histograms: the run asks the source for them. */
    readonly wantsBuckets: boolean;
    judge(candidate: Measurement, baseline: Measurement | undefined, labels?: JudgeLabels): Verdict;
}

export class ThresholdsJudge implements StepJudge {
    readonly kind = "thresholds" as const;
    readonly needsIncrements = false;
    readonly wantsBuckets = false;
    constructor(
        private readonly analysis: AnalysisConfig,
        readonly description = "thresholds: each window against the fixed thresholds",
    ) {}
    judge(candidate: Measurement, baseline: Measurement | undefined, labels?: JudgeLabels): Verdict {
        return judge(candidate, baseline, this.analysis, labels);
    }
}

/**
 * The judge the analysis asks for, or the thresholds with the reason when the sequential one
 * cannot run here: it compares live tracks measured in the same windows, so a baseline given as
 * fixed figures (a blue-green color measured before the switch) falls back, visibly.
 */
export function createStepJudge(analysis: AnalysisConfig, context: { source?: MetricSource; baseline?: BaselineSpec } = {}): StepJudge {
    if (analysis.judge === "thresholds") {
        return new ThresholdsJudge(analysis);
    }
    if (context.baseline && "measurement" in context.baseline) {
        return new ThresholdsJudge(
            analysis,
            `thresholds, not sequential: the baseline "${context.baseline.label}" is fixed figures, and the sequential judge compares live tracks in the same windows`,
        );
    }
    const sequential = new SequentialJudge(analysis, context.source?.noBuckets);
    return { kind: "sequential", description: sequential.description, needsIncrements: true, wantsBuckets: !context.source?.noBuckets, judge: (c, b, l) => sequential.judge(c, b, l) };
}
