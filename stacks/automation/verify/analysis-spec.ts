import { z } from "zod";
import type { AnalysisConfig } from "../../../components/release/analysis";
import { InvalidInputError, problemsFromZod } from "../../../components/release/errors";
import type { AnalysisRunOptions, BaselineSpec } from "./analysis-types";

const MeasurementSchema = z
    .object({ requests: z.number().nonnegative(), errors: z.number().nonnegative(), p95Ms: z.number().nonnegative().optional() })
    .strict();

const RunSpecSchema = z.object({
    service: z.string().min(1, { error: "service is required" }),
    candidateTrack: z.string().min(1, { error: "candidateTrack is required" }),
    bakeSeconds: z.number().int().min(0).max(86_400),
    windowSeconds: z.number().int().min(1).max(86_400).optional(),
    healthUrls: z.array(z.url({ protocol: /^https?$/, error: "health URLs are http(s) URLs, e.g. http://127.0.0.1:8080/health" })).default([]),
    baseline: z
        .union([
            z.object({ track: z.string().min(1) }).strict(),
            z.object({ measurement: MeasurementSchema, label: z.string().min(1) }).strict(),
        ])
        .optional(),
});

/** What one run verifies, checked and with its defaults filled in. */
export interface RunSpec {
    readonly service: string;
    readonly candidateTrack: string;
    readonly bakeSeconds: number;
    /** The window each measurement covers: the option, else the measurement interval. */
    readonly windowSeconds: number;
    readonly healthUrls: readonly string[];
    readonly baseline?: BaselineSpec;
    /** The baseline's track, or the label of its fixed figures. */
    readonly baselineLabel?: string;
}

/** Checks a run's options before anything is measured; throws InvalidInputError naming every problem. */
export function parseRunSpec(options: AnalysisRunOptions, analysis: AnalysisConfig): RunSpec {
    const parsed = RunSpecSchema.safeParse({
        service: options.service,
        candidateTrack: options.candidateTrack,
        bakeSeconds: options.bakeSeconds,
        windowSeconds: options.windowSeconds,
        healthUrls: options.healthUrls ? [...options.healthUrls] : undefined,
        baseline: options.baseline,
    });
    if (!parsed.success) {
        throw new InvalidInputError("analysis run", problemsFromZod(parsed.error));
    }
    const spec = parsed.data;
    if (!options.source && spec.healthUrls.length === 0 && !options.healthProbes?.length) {
        throw new InvalidInputError("analysis run", [{ path: "", message: "nothing to verify: give a metric source, health URLs, or both" }]);
    }
    if (spec.baseline && "track" in spec.baseline && spec.baseline.track === spec.candidateTrack) {
        throw new InvalidInputError("analysis run", [
            { path: "baseline.track", message: `the baseline is the candidate's own track ${spec.candidateTrack}: compare with the stable track` },
        ]);
    }
    return {
        ...spec,
        windowSeconds: spec.windowSeconds ?? analysis.intervalSeconds,
        baselineLabel: spec.baseline ? ("track" in spec.baseline ? spec.baseline.track : spec.baseline.label) : undefined,
    };
}
