/**
 * An anytime-valid test that one track's event rate is more than `ratio0` times another's, from
 * event counts per interval: the e-process behind the sequential judge's error-rate and latency
 * comparisons (an "event" is a server error, or a request slower than an edge).
 *
 * The construction (Lindon, Sanden, Shirikian, "Rapid Regression Detection in Software Deployments
 * through Sequential Testing", KDD 2022, arXiv 2205.14762, §3 for count data; the conditioning
 * argument is theirs, the mixture is Robbins' method of mixtures):
 *
 * 1. In interval k the canary serves a_k requests and has X_k events, the stable serves b_k and
 *    has Y_k. With event rates λc, λs per request, X_k ≈ Poisson(λc a_k) and Y_k ≈ Poisson(λs b_k).
 *    Conditional on the interval's total E_k = X_k + Y_k, the canary's share is
 *        X_k | E_k ~ Binomial(E_k, p_k(ρ)),   p_k(ρ) = ρ a_k / (ρ a_k + b_k),   ρ = λc / λs.
 *    The nuisance (the stable's own rate, which drifts with load and time of day) is gone, and so
 *    is the traffic: a_k, b_k may change every interval (a step's weight, a burst) and only enter
 *    through p_k. That conditioning is what makes the test robust to time-varying traffic.
 * 2. For an alternative ρ1 the likelihood ratio against ρ0 over the step is
 *        L_n(ρ1) = Π_k (p_k(ρ1)/p_k(ρ0))^X_k ((1-p_k(ρ1))/(1-p_k(ρ0)))^(E_k-X_k),
 *    a nonnegative martingale with mean 1 when ρ = ρ0 (each factor has conditional mean 1).
 * 3. The null is composite, H0: ρ ≤ ρ0. For ρ1 > ρ0 each factor's conditional mean under a true
 *    share p is  p·p1/p0 + (1-p)(1-p1)/(1-p0), linear in p, equal to 1 at p = p0 and increasing
 *    (p1/p0 > 1 > (1-p1)/(1-p0)); p_k(ρ) increases with ρ, so for every ρ ≤ ρ0 the mean is ≤ 1
 *    and L_n(ρ1) is a supermartingale. The boundary ρ0 is the least favourable null: testing
 *    against it is valid for the whole null.
 * 4. ρ1 is unknown, so mix: M_n = Σ_j w_j L_n(ρ_j) over a grid of alternatives above ρ0 with
 *    weights summing to 1. A discrete prior is a prior; a mixture of supermartingales with the
 *    same filtration is one. (Lindon et al. use a conjugate gamma mixture for fixed exposures;
 *    with a_k, b_k varying per interval no conjugate form exists, hence the grid.)
 * 5. Ville's inequality (1939): P_H0(sup_n M_n ≥ 1/α) ≤ α. So the judge may look after every
 *    interval, and stop at the first crossing, with at most α false failures per step.
 *
 * On the Poisson approximation: with per-request Bernoulli events the exact conditional law is
 * Fisher's noncentral hypergeometric. At ρ = 1 (a healthy canary) it is the hypergeometric, and
 * Hoeffding (1963, Theorem 4) shows E f(hypergeometric) ≤ E f(binomial) for convex f; L_n's
 * factors are convex in X_k, so the test stays valid exactly where false failures matter most.
 * Near ρ0 the approximation's error is of the order of the rates (1–5% for errors).
 */

/** The grid of alternatives: ρ0 × 1.05 … ρ0 × 100, evenly spaced in log ρ, equal weights. */
const GRID_POINTS = 48;
const GRID_LOW = Math.log(1.05);
const GRID_HIGH = Math.log(100);

/** log(Σ exp(v)) without overflow. */
export function logSumExp(values: readonly number[]): number {
    const max = Math.max(...values);
    if (max === -Infinity) {
        return -Infinity;
    }
    let sum = 0;
    for (const v of values) {
        sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
}

/** What one interval adds: events and requests of each track (whole numbers). */
export interface RatioObservation {
    readonly candidateEvents: number;
    readonly candidateRequests: number;
    readonly baselineEvents: number;
    readonly baselineRequests: number;
}

export class RateRatioEProcess {
    /** The alternatives ρ_j and log L_n(ρ_j). */
    private readonly ratios: number[];
    private readonly logLikelihoodRatios: number[];
    private readonly logWeight: number;
    /** Events seen so far, both tracks (how much the test had to go on). */
    events = 0;
    candidateEvents = 0;

    constructor(readonly ratio0: number) {
        if (!(ratio0 > 0) || !Number.isFinite(ratio0)) {
            throw new RangeError(`ratio0 must be a positive number, got ${ratio0}`);
        }
        this.ratios = Array.from({ length: GRID_POINTS }, (_, j) => ratio0 * Math.exp(GRID_LOW + ((GRID_HIGH - GRID_LOW) * j) / (GRID_POINTS - 1)));
        this.logLikelihoodRatios = this.ratios.map(() => 0);
        this.logWeight = -Math.log(GRID_POINTS);
    }

    /** Adds one interval's counts (an interval with no events, or one track without requests, adds nothing). */
    update(o: RatioObservation): void {
        const x = o.candidateEvents;
        const total = o.candidateEvents + o.baselineEvents;
        const a = o.candidateRequests;
        const b = o.baselineRequests;
        for (const [name, v] of Object.entries(o)) {
            if (!Number.isInteger(v) || v < 0) {
                throw new RangeError(`${name} must be a whole number ≥ 0, got ${v}`);
            }
        }
        // With no events, or a track that served nothing, the share is certain under every ρ: no evidence.
        if (total === 0 || a === 0 || b === 0) {
            return;
        }
        this.events += total;
        this.candidateEvents += x;
        const p0 = (this.ratio0 * a) / (this.ratio0 * a + b);
        const logP0 = Math.log(p0);
        const logQ0 = Math.log1p(-p0);
        for (let j = 0; j < this.ratios.length; j++) {
            const p1 = (this.ratios[j] * a) / (this.ratios[j] * a + b);
            this.logLikelihoodRatios[j] += x * (Math.log(p1) - logP0) + (total - x) * (Math.log1p(-p1) - logQ0);
        }
    }

    /** log M_n: the log of the e-value. */
    get logE(): number {
        return this.logWeight + logSumExp(this.logLikelihoodRatios);
    }

    /** M_n, the evidence against H0 (ρ ≤ ratio0): 1 at the start; crossing 1/α rejects. */
    /** exp(log e), capped at e^700 so that it stays a finite number in records (JSON has no Infinity). */
    get e(): number {
        return Math.exp(Math.min(this.logE, 700));
    }
}
