import { AnalysisConfig, PlannedStep, planTraffic, trafficSplit } from "../../../components/release";
import { HealthDetail, VerificationSummary } from "../records/promotion-record";
import { StackOutputs } from "../stack-outputs";
import {
    AnalysisEvent,
    AnalysisResult,
    Clock,
    HealthMonitor,
    describeHealthTrip,
    HealthProbe,
    HealthResult,
    Measurement,
    MetricSource,
    checkHealth,
    errorRate,
    httpHealthProbe,
    proceeds,
    runAnalysis,
    TrackReach,
    worstHealth,
} from "../verify";

export interface VerifyStepContext {
    readonly stage: string;
    readonly service: string;
    readonly step: PlannedStep;
    readonly healthPath: string;
    readonly outputs: StackOutputs;
    /** For a blue-green switch or a rolling update: the live version's figures measured just before it. */
    readonly baseline?: { readonly label: string; readonly measurement: Measurement };
    readonly signal?: AbortSignal;
    readonly onEvent?: (event: AnalysisEvent) => void;
}

/** Checks one applied step; the runner fails the step on anything but "pass". */
export interface StepVerifier {
    verify(context: VerifyStepContext): Promise<VerificationSummary>;
    /**
     * Measures the track that serves traffic now, as the baseline of a step that will replace
     * it (a blue-green switch, a rolling update); undefined when there is no source or no answer.
     */
    measureBaseline(
        stage: string,
        service: string,
        track: string,
        analysis: AnalysisConfig,
        outputs: StackOutputs,
        signal?: AbortSignal,
    ): Promise<{ label: string; measurement: Measurement } | undefined>;
    /** The name of the metric source a stage's analysis reads ("prometheus http://…"), or undefined when it has none. */
    metricSource(stage: string, outputs: StackOutputs | undefined): string | undefined;
}

export interface EngineVerifierOptions {
    /**
     * The platform's own health signal of a service's tracks, where its endpoints cannot be
     * reached from the engine (Kubernetes: pod readiness from the API server); undefined = the URLs.
     */
    readonly trackProbes?: (stage: string, service: string, tracks: readonly string[], outputs: StackOutputs, reach: TrackReach) => Promise<HealthProbe[] | undefined>;
    /** The metric source of a stage (its Prometheus, from its settings or outputs); undefined = health only. */
    readonly sourceFor: (stage: string, outputs: StackOutputs) => MetricSource | undefined;
    /** How long a health wait may take after an up before the step fails, per stage. */
    readonly healthTimeoutSeconds: (stage: string) => number;
    readonly checkHealth?: typeof checkHealth;
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    /** Injected for tests, with `sleep`; the system's monotonic clock otherwise. */
    readonly clock?: Clock;
}

const healthUrl = (endpoint: string, path: string) => `${endpoint.replace(/\/$/, "")}${path}`;

// The header's route does not depend on the replica count, only on the state.
const reachOf = (context: VerifyStepContext): TrackReach => ({ healthPath: context.healthPath, headerTrack: planTraffic(context.step.state, 1).header?.track });

/**
 * The verification the release engine runs after each `up`, per the step's kind: the full
 * analysis (health + metrics against the baseline, for the bake time), health of the idle
 * color through the preview endpoint, or health of the live endpoint until GREEN.
 */
export class EngineStepVerifier implements StepVerifier {
    constructor(private readonly options: EngineVerifierOptions) {}

    async verify(context: VerifyStepContext): Promise<VerificationSummary> {
        const { step, outputs, service, healthPath } = context;
        const svc = outputs.services[service];
        if (!svc) {
            return fail("none", `the stack's outputs have no service ${service}`, 0);
        }
        const state = step.state;
        switch (step.verify) {
            case "none":
                return { kind: "none", outcome: "skipped", reason: "nothing to verify for this step", checks: [], measurements: 0, healthChecks: 0, durationMs: 0 };
            case "preview": {
                const urls = [svc.previewEndpoint, step.candidateTrack ? svc.tracks[step.candidateTrack]?.endpoint : undefined]
                    .filter((u): u is string => Boolean(u))
                    .map((u) => healthUrl(u, healthPath));
                const probes = await this.probes(context, urls, step.candidateTrack ? [step.candidateTrack] : []);
                return this.waitHealthy("preview", probes, state.analysis, this.options.healthTimeoutSeconds(context.stage), context.signal);
            }
            case "health": {
                const urls = [svc.endpoint, state.strategy === "canary" ? svc.tracks.stable?.endpoint : undefined]
                    .filter((u): u is string => Boolean(u))
                    .map((u) => healthUrl(u, healthPath));
                const serving = Object.entries(trafficSplit(state)).filter(([, w]) => w > 0).map(([t]) => t);
                const probes = await this.probes(context, urls, serving);
                return this.waitHealthy("health", probes, state.analysis, this.options.healthTimeoutSeconds(context.stage), context.signal);
            }
            case "analysis": {
                if (!step.candidateTrack) return fail("analysis", `step ${step.index} (${step.kind}) names no track to analyse`, 0);
                const candidate = step.candidateTrack;
                const track = svc.tracks[candidate];
                // The live endpoint too where the candidate is what users reach (a switched color).
                const urls = [track?.endpoint, step.baseline?.measuredBefore && state.strategy === "blueGreen" ? svc.endpoint : undefined]
                    .filter((u): u is string => Boolean(u))
                    .map((u) => healthUrl(u, healthPath));
                const probes = await this.options.trackProbes?.(context.stage, service, [candidate], outputs, reachOf(context));
                const result = await runAnalysis({
                    analysis: state.analysis,
                    bakeSeconds: step.bakeSeconds,
                    service,
                    candidateTrack: candidate,
                    baseline: !step.baseline
                        ? undefined
                        : !step.baseline.measuredBefore
                          ? { track: step.baseline.track }
                          : context.baseline
                            ? { measurement: context.baseline.measurement, label: context.baseline.label }
                            : undefined,
                    source: this.options.sourceFor(context.stage, outputs),
                    healthUrls: probes ? [] : urls,
                    healthProbes: probes,
                    signal: context.signal,
                    onEvent: context.onEvent,
                    checkHealth: this.options.checkHealth,
                    sleep: this.options.sleep,
                    clock: this.options.clock,
                });
                return summarise(result);
            }
        }
    }

    /** The platform's own probes of these tracks where it has them (pod readiness), else the URLs' /health. */
    private async probes(context: VerifyStepContext, urls: readonly string[], tracks: readonly string[]): Promise<HealthProbe[]> {
        const own = await this.options.trackProbes?.(context.stage, context.service, tracks, context.outputs, reachOf(context));
        return own ?? urls.map((u) => httpHealthProbe(u, this.options.checkHealth ?? checkHealth));
    }

    metricSource(stage: string, outputs: StackOutputs | undefined): string | undefined {
        return outputs ? this.options.sourceFor(stage, outputs)?.name : undefined;
    }

    async measureBaseline(stage: string, service: string, track: string, analysis: AnalysisConfig, outputs: StackOutputs, signal?: AbortSignal) {
        const source = this.options.sourceFor(stage, outputs);
        if (!source) return undefined;
        try {
            const measurement = await source.measure({ service, track, windowSeconds: analysis.intervalSeconds }, signal);
            return { label: `${track} before the change`, measurement };
        } catch {
            // No baseline: the step is judged by the absolute thresholds only (the judge says so).
            return undefined;
        }
    }

    /**
     * Health checks every health interval until every probe is GREEN (or YELLOW, with
     * `health.allowYellow`); RED N times in a row fails, and so does the timeout, naming the
     * check that kept it from GREEN.
     */
    private async waitHealthy(kind: "preview" | "health", probes: readonly HealthProbe[], analysis: AnalysisConfig, timeoutSeconds: number, signal?: AbortSignal): Promise<VerificationSummary> {
        const started = Date.now();
        if (!probes.length) return fail(kind, "no endpoint to check", 0);
        const monitor = new HealthMonitor(analysis.health.consecutiveFailures, analysis.health.failingForSeconds);
        const sleep = this.options.sleep ?? ((ms: number, s?: AbortSignal) => new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, ms);
            s?.addEventListener("abort", () => { clearTimeout(t); reject(s.reason); }, { once: true });
        }));
        const deadline = started + timeoutSeconds * 1000;
        let rounds = 0;
        for (;;) {
            const results: HealthResult[] = await Promise.all(probes.map((p) => p.check({ timeoutMs: analysis.health.timeoutSeconds * 1000, signal })));
            rounds++;
            const state = monitor.record(results);
            const worst = worstHealth(results);
            const summary = (outcome: "pass" | "fail", reason: string): VerificationSummary => ({
                kind,
                outcome,
                reason,
                healthColor: worst.color,
                healthDetail: healthDetail(worst),
                checks: [],
                measurements: 0,
                healthChecks: rounds,
                durationMs: Date.now() - started,
            });
            if (proceeds(worst.color, analysis.health.allowYellow)) {
                const targets = probes.map((p) => p.target).join(", ");
                return summary("pass", worst.color === "GREEN" ? `GREEN: ${targets} healthy` : `YELLOW (allowed by health.allowYellow): ${worst.url} ${worst.reason}`);
            }
            if (state.failed || Date.now() > deadline) {
                const why = state.failed
                    ? state.trippedBy === "duration"
                        ? describeHealthTrip(state)
                        : `${state.consecutiveFailures} consecutive failed health checks`
                    : worst.color === "YELLOW"
                      ? `still YELLOW after ${timeoutSeconds}s, not GREEN (health.allowYellow lets YELLOW pass)`
                      : `not healthy within ${timeoutSeconds}s`;
                return summary("fail", `${why}: ${worst.url} ${worst.reason ?? worst.color}`);
            }
            await sleep(analysis.health.intervalSeconds * 1000, signal);
        }
    }
}

/** The protocol's status of a service: its color and the HealthCheck's own checks (database, integrations, errors). */
export function healthDetail(result: HealthResult | undefined): HealthDetail | undefined {
    if (!result) return undefined;
    const checks: Record<string, boolean> = {};
    for (const [name, value] of Object.entries(result.report?.checks ?? {})) {
        if (typeof value === "boolean") checks[name] = value;
    }
    return {
        color: result.color,
        status: result.status,
        checks,
        errors: (result.report?.checks as { errors?: string[] } | undefined)?.errors ?? [],
        reason: result.reason,
        at: result.at,
    };
}

function fail(kind: VerificationSummary["kind"], reason: string, durationMs: number): VerificationSummary {
    return { kind, outcome: "fail", reason, checks: [], measurements: 0, healthChecks: 0, durationMs };
}

function figures(m: Measurement | undefined) {
    return m ? { requests: m.requests, errors: m.errors, errorRate: errorRate(m), p95Ms: m.p95Ms } : undefined;
}

/** Flattens an analysis run into the record's summary (the last round decides, every figure kept). */
export function summarise(result: AnalysisResult): VerificationSummary {
    const last = result.measurements[result.measurements.length - 1];
    const baseline = figures(last?.baseline ?? result.lastVerdict?.baseline);
    return {
        kind: "analysis",
        outcome: result.outcome,
        reason: result.reason,
        healthColor: result.lastHealthColor,
        healthDetail: healthDetail(result.health.length ? worstHealth(result.health[result.health.length - 1].results) : undefined),
        candidate: figures(last?.candidate ?? result.lastVerdict?.candidate),
        baseline: baseline ? { label: result.baselineLabel ?? "baseline", ...baseline } : undefined,
        checks: (result.lastVerdict?.checks ?? []).map((c) => ({
            name: c.name,
            outcome: c.outcome,
            value: c.value === undefined ? undefined : String(c.value),
            threshold: c.threshold === undefined ? undefined : String(c.threshold),
            detail: c.detail,
            ...(c.evidence ? { evidence: c.evidence } : {}),
        })),
        judge: result.judgeDescription,
        measurements: result.measurements.length,
        healthChecks: result.health.length,
        durationMs: result.durationMs,
    };
}
