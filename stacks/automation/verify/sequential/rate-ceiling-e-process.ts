import betainc = require("@stdlib/math-base-special-betainc");
import betaln = require("@stdlib/math-base-special-betaln");

/**
 * An anytime-valid test that one track's event rate is above a fixed ceiling q0 (the protocol's
 * "error rate above 5%", which needs no baseline), from the step's cumulative counts.
 *
 * The construction: a one-sided beta-binomial mixture martingale (Robbins 1970, "Statistical
 * methods related to the law of the iterated logarithm"; the two-category case of the
 * Dirichlet-multinomial mixture of Lindon & Malek, "Anytime-Valid Inference for Multinomial Count
 * Data", NeurIPS 2022; one-sided mixtures as in Howard, Ramdas, McAuliffe, Sekhon, "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Ann. Statist. 2021, §3):
 *
 * - after n requests with x events, for an alternative q the likelihood ratio against q0 is
 *   L_n(q) = (q/q0)^x ((1-q)/(1-q0))^(n-x); for q > q0 each request's factor has mean
 *   r·q/q0 + (1-r)(1-q)/(1-q0) ≤ 1 under any true rate r ≤ q0 (linear in r, 1 at r = q0), so
 *   L_n(q) is a supermartingale under the whole null H0: rate ≤ q0 (q0 is least favourable);
 * - mixing q over a uniform prior on (q0, 1) keeps that, and the integral is a beta function:
 *     M_n = ∫_{q0}^1 q^x (1-q)^(n-x) dq / ((1-q0) q0^x (1-q0)^(n-x))
 *         = B(x+1, n-x+1) · (1 - I_{q0}(x+1, n-x+1)) / ((1-q0) q0^x (1-q0)^(n-x)),
 *   with I the regularized incomplete beta function (from @stdlib: the special functions are the
 *   library's, the martingale is ours);
 * - Ville's inequality: P_H0(sup_n M_n ≥ 1/α) ≤ α.
 * Counts can grow in any increments (the process is the same after every request), so the judge
 * feeds it the step's totals after each interval.
 */
export class RateCeilingEProcess {
    private x = 0;
    private n = 0;

    constructor(readonly ceiling: number) {
        if (!(ceiling > 0 && ceiling < 1)) {
            throw new RangeError(`the ceiling must be a rate strictly between 0 and 1, got ${ceiling}`);
        }
    }

    /** Adds requests and events (whole numbers, events ≤ requests). */
    update(events: number, requests: number): void {
        if (!Number.isInteger(events) || !Number.isInteger(requests) || events < 0 || requests < events) {
            throw new RangeError(`need whole numbers 0 ≤ events ≤ requests, got ${events} of ${requests}`);
        }
        this.x += events;
        this.n += requests;
    }

    get requests(): number {
        return this.n;
    }

    get events(): number {
        return this.x;
    }

    /** log M_n. */
    get logE(): number {
        const { x, n, ceiling: q0 } = this;
        if (n === 0) {
            return 0;
        }
        const a = x + 1;
        const b = n - x + 1;
        // Upper tail of the regularized incomplete beta: the posterior mass above q0. It underflows
        // to 0 when the data sit far below the ceiling: no evidence at all, log M = -Infinity.
        const upper = betainc(q0, a, b, true, true);
        return betaln(a, b) + Math.log(upper) - Math.log1p(-q0) - x * Math.log(q0) - (n - x) * Math.log1p(-q0);
    }

    /** exp(log e), capped at e^700 so that it stays a finite number in records (JSON has no Infinity). */
    get e(): number {
        return Math.exp(Math.min(this.logE, 700));
    }
}
