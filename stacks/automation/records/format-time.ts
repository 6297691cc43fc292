/**
 * How times and durations read in reports, history entries and notifications. UTC everywhere: a
 * log read by people in several time zones (and by CI machines in none) needs one clock.
 */

/** "2026-11-23T10:05:42.123Z" → "2026-11-23 10:05" (the deployment log's heading format, UTC). */
export function minuteUtc(iso: string): string {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) {
        return iso;
    }
    return new Date(t).toISOString().slice(0, 16).replace("T", " ");
}

/** "2026-11-23T10:05:42.123Z" → "2026-11-23 10:05:42 UTC". */
export function secondUtc(iso: string | undefined): string {
    if (iso === undefined) {
        return "n/a";
    }
    const t = Date.parse(iso);
    if (Number.isNaN(t)) {
        return iso;
    }
    return `${new Date(t).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * A duration people read at a glance: 850 → "0.9 s", 45_000 → "45 s", 450_000 → "7 min 30 s",
 * 7_500_000 → "2 h 05 min", 2 days → "2 d 03 h". Undefined or not finite → "n/a".
 */
export function duration(msValue: number | undefined | null): string {
    if (msValue === undefined || msValue === null || !Number.isFinite(msValue)) {
        return "n/a";
    }
    const sign = msValue < 0 ? "-" : "";
    const abs = Math.abs(msValue);
    if (abs < 10_000) {
        return `${sign}${(abs / 1000).toFixed(1)} s`;
    }
    const totalSeconds = Math.round(abs / 1000);
    if (totalSeconds < 60) {
        return `${sign}${totalSeconds} s`;
    }
    const totalMinutes = Math.floor(totalSeconds / 60);
    const seconds = totalSeconds % 60;
    if (totalMinutes < 60) {
        return `${sign}${totalMinutes} min${seconds ? ` ${seconds} s` : ""}`;
    }
    const totalHours = Math.floor(totalMinutes / 60);
    const minutes = totalMinutes % 60;
    if (totalHours < 48) {
        return `${sign}${totalHours} h ${String(minutes).padStart(2, "0")} min`;
    }
    return `${sign}${Math.floor(totalHours / 24)} d ${String(totalHours % 24).padStart(2, "0")} h`;
}

/** Milliseconds between two ISO times, or undefined when either is missing or not a date. */
export function between(from: string | undefined, to: string | undefined): number | undefined {
    if (from === undefined || to === undefined) {
        return undefined;
    }
    const a = Date.parse(from);
    const b = Date.parse(to);
    return Number.isNaN(a) || Number.isNaN(b) ? undefined : b - a;
}
