/**
 * How figures read in verdicts and reasons. One place, so a report shows "error rate 12.0% > 5.0%"
 * the same way everywhere and a test can assert on the text a user sees.
 */

/** 0.12 → "12.0%". */
export function percent(fraction: number): string {
    if (!Number.isFinite(fraction)) {
        return String(fraction);
    }
    return `${(fraction * 100).toFixed(1)}%`;
}

/** An absolute difference of two rates: 0.1 → "10.0 pts". */
export function points(fraction: number): string {
    return `${(fraction * 100).toFixed(1)} pts`;
}

/**
 * 4.75 → "4.8 ms", 312.4 → "312 ms". Infinity is what histogram_quantile answers when the
 * quantile falls into the +Inf bucket: slower than the largest bucket, so it is said that way.
 */
export function ms(value: number): string {
    if (value === Infinity) {
        return "∞ ms (above the largest histogram bucket)";
    }
    if (!Number.isFinite(value)) {
        return `${value} ms`;
    }
    return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

/** Request counts from `increase()` are extrapolated (99.7): people read whole requests. */
export function count(value: number): string {
    return Number.isFinite(value) ? String(Math.round(value)) : String(value);
}

/** Seconds for durations in reasons: 300 → "300 s". */
export function seconds(msValue: number): string {
    const s = msValue / 1000;
    return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** The message of anything thrown, for reasons a human reads. */
export function messageOf(err: unknown): string {
    if (err instanceof Error) {
        return err.message;
    }
    return typeof err === "string" ? err : JSON.stringify(err) ?? String(err);
}

/** A whole count with thousands separators, as the evidence lines read: 1840.4 → "1,840". */
export function whole(value: number): string {
    return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : String(value);
}

/** An e-value: 0.031 → "0.03", 3.24 → "3.2", 412.6 → "413", 1.2e9 → "1.2e9" (a ratio of likelihoods, not a count). */
export function eValue(e: number): string {
    if (!Number.isFinite(e)) {
        return String(e);
    }
    if (e >= 1e6) {
        return e.toExponential(1).replace("e+", "e");
    }
    if (e >= 100) {
        return whole(e);
    }
    if (e >= 1) {
        return e.toFixed(1);
    }
    return e < 0.01 ? "< 0.01" : e.toFixed(2);
}
