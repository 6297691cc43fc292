/** The median of a sample (NaN when empty): these machines are shared and noisy. */
export function median(xs: readonly number[]): number {
    const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    if (!s.length) return NaN;
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** 0.21 → "0.21 s", 4.8 → "4.8 s". */
export function secs(ms: number): string {
    if (!Number.isFinite(ms)) return "n/a";
    return ms < 1000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function ratio(a: number, b: number): string {
    return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : "n/a";
}
