import { DateTime } from "luxon";
import { z } from "zod";

/**
 * Change windows: when a production change may go out. The protocol's defaults: no Friday
 * afternoons, no weekends, no listed holidays, unless it is an emergency (a hotfix with a stated
 * reason); the maintenance window, Sundays 02:00-04:00 UTC, is open even though it is a weekend.
 *
 * Precedence, from strongest: a freeze or a holiday closes the window (a maintenance window does
 * not reopen it); a weekly blocked period closes it unless a maintenance window is open; a hotfix
 * with a reason goes through a closed window, with a warning.
 *
 * Pure and engine-free: the CrossGuard gate and the release engine's pre-flight both call
 * {@link evaluateChangeWindow}.
 */

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WeekdaySchema = z.enum(WEEKDAYS, {
    error: (issue) => `unknown day ${JSON.stringify(issue.input)}: use one of ${WEEKDAYS.join(", ")} (lower case)`,
});

/** True when luxon knows the zone (IANA names such as "Europe/Berlin", or "UTC"). */
export function isValidTimeZone(zone: string): boolean {
    return DateTime.now().setZone(zone).isValid;
}

export const TimeZoneSchema = z
    .string({ error: 'the time zone is an IANA name such as "UTC" or "Europe/Berlin"' })
    .trim()
    .min(1, { error: 'the time zone is empty: use an IANA name such as "UTC" or "Europe/Berlin"' })
    .refine(isValidTimeZone, {
        error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as "UTC" or "Europe/Berlin"`,
    });

/** "HH:MM" on a 24-hour clock; "24:00" is the end of the day. */
export const TimeOfDaySchema = z.string().regex(/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, {
    error: 'a time of day is "HH:MM" on a 24-hour clock, e.g. "12:00" (use "24:00" for the end of the day)',
});

function minutesOf(time: string): number {
    const [h, m] = time.split(":").map(Number);
    return h * 60 + m;
}

/** A period that repeats every week, e.g. Fridays from 12:00 to the end of the day. */
export const WeeklyPeriodSchema = z
    .object({
        name: z.string().trim().min(1, { error: 'name the period, e.g. "Friday afternoon"' }),
        days: z.array(WeekdaySchema).min(1, { error: 'days is empty: list the days it applies to, e.g. ["friday"]' }),
        from: TimeOfDaySchema.default("00:00"),
        to: TimeOfDaySchema.default("24:00"),
        /** The zone `from` and `to` are read in; the calendar's when omitted. */
        timeZone: TimeZoneSchema.optional(),
    })
    .strict()
    .refine((p) => minutesOf(p.from) < minutesOf(p.to), {
        path: ["to"],
        error: "to must be after from on the same day (split a period that crosses midnight into two)",
    });

export type WeeklyPeriod = z.output<typeof WeeklyPeriodSchema>;

const IsoDateSchema = z.iso.date({ error: 'a date is "YYYY-MM-DD", e.g. "2026-12-25"' });

/** A day on which nothing goes out (in the calendar's time zone). `"2026-12-25"` is shorthand for `{date}`. */
export const HolidaySchema = z.preprocess(
    (value) => (typeof value === "string" ? { date: value } : value),
    z
        .object({
            date: IsoDateSchema,
            name: z.string().trim().min(1).default("holiday"),
        })
        .strict(),
);

export type Holiday = z.output<typeof HolidaySchema>;

const InstantSchema = z.iso.datetime({
    offset: true,
    error: 'an instant is an ISO 8601 date-time with a time zone offset, e.g. "2026-12-18T00:00:00Z"',
});

/** A one-off change freeze (a launch, a sales event, the end of the year). */
export const FreezeSchema = z
    .object({
        name: z.string().trim().min(1, { error: 'name the freeze, e.g. "year-end freeze"' }),
        from: InstantSchema,
        to: InstantSchema,
    })
    .strict()
    .refine((f) => Date.parse(f.from) < Date.parse(f.to), { path: ["to"], error: "to must be after from" });

export type Freeze = z.output<typeof FreezeSchema>;

export const DEFAULT_BLOCKED_PERIODS: readonly z.input<typeof WeeklyPeriodSchema>[] = [
    { name: "Friday afternoon", days: ["friday"], from: "12:00", to: "24:00" },
    { name: "weekend", days: ["saturday", "sunday"], from: "00:00", to: "24:00" },
];

export const DEFAULT_MAINTENANCE_WINDOWS: readonly z.input<typeof WeeklyPeriodSchema>[] = [
    { name: "maintenance window", days: ["sunday"], from: "02:00", to: "04:00", timeZone: "UTC" },
];

export const ChangeCalendarSchema = z
    .object({
        /** The zone blocked periods, holidays and the printed times are in. */
        timeZone: TimeZoneSchema.default("UTC"),
        /** Weekly periods in which no change goes out (default: Friday afternoons and weekends). */
        blocked: z.array(WeeklyPeriodSchema).default(() => DEFAULT_BLOCKED_PERIODS.map((p) => WeeklyPeriodSchema.parse(p))),
        /** Weekly periods that are open even inside a blocked period (default: Sundays 02:00-04:00 UTC). */
        maintenanceWindows: z
            .array(WeeklyPeriodSchema)
            .default(() => DEFAULT_MAINTENANCE_WINDOWS.map((p) => WeeklyPeriodSchema.parse(p))),
        holidays: z.array(HolidaySchema).default([]),
        freezes: z.array(FreezeSchema).default([]),
    })
    .strict();

export type ChangeCalendar = z.output<typeof ChangeCalendarSchema>;
export type ChangeCalendarInput = z.input<typeof ChangeCalendarSchema>;

/** The protocol's calendar: Friday afternoons and weekends closed, Sundays 02:00-04:00 UTC open. */
export const DEFAULT_CHANGE_CALENDAR: ChangeCalendar = ChangeCalendarSchema.parse({});

export interface ChangeWindowBlock {
    readonly kind: "weekly" | "holiday" | "freeze";
    readonly name: string;
    /** The rule as a person reads it, e.g. `friday 12:00-24:00 UTC`. */
    readonly rule: string;
}

export interface ChangeWindowDecision {
    /** The instant judged, in the calendar's zone, as ISO 8601. */
    readonly at: string;
    /** The same instant as a person reads it, e.g. "Friday 2026-03-13 16:00 UTC". */
    readonly atText: string;
    /** The window itself is open (a hotfix not considered). */
    readonly open: boolean;
    /** A change may go out: the window is open, or a hotfix with a reason goes through it. */
    readonly allowed: boolean;
    /** Allowed only because of the hotfix: warn, and follow the hotfix path. */
    readonly hotfixOverride: boolean;
    /** Every rule that closes the window at that instant. */
    readonly blockedBy: readonly ChangeWindowBlock[];
    /** The maintenance window the instant is in, if any. */
    readonly maintenanceWindow?: string;
    /** When the window next opens (within five weeks), if it is closed now. */
    readonly nextOpen?: string;
    readonly nextOpenText?: string;
    /** One sentence: why it is open or closed. */
    readonly summary: string;
}

export interface HotfixDeclaration {
    /** Why this cannot wait for the next window; a blank reason is no hotfix. */
    readonly reason?: string;
}

/** E.g. "Friday 2026-03-13 16:00 UTC", "Thursday 2026-12-24 11:00 Europe/Berlin". */
function formatInstant(t: DateTime): string {
    return `${t.toFormat("cccc yyyy-LL-dd HH:mm")} ${t.zoneName}`;
}

function weekdayOf(t: DateTime): Weekday {
    return WEEKDAYS[t.weekday - 1];
}

function inWeekly(period: WeeklyPeriod, millis: number, calendarZone: string): boolean {
    const t = DateTime.fromMillis(millis, { zone: period.timeZone ?? calendarZone });
    if (!period.days.includes(weekdayOf(t))) {
        return false;
    }
    const minute = t.hour * 60 + t.minute;
    return minute >= minutesOf(period.from) && minute < minutesOf(period.to);
}

function describeWeekly(period: WeeklyPeriod, calendarZone: string): string {
    return `${period.days.join("/")} ${period.from}-${period.to} ${period.timeZone ?? calendarZone}`;
}

interface Judgement {
    readonly blockedBy: ChangeWindowBlock[];
    readonly maintenanceWindow?: string;
}

function judge(calendar: ChangeCalendar, millis: number): Judgement {
    const blockedBy: ChangeWindowBlock[] = [];
    for (const freeze of calendar.freezes) {
        if (millis >= Date.parse(freeze.from) && millis < Date.parse(freeze.to)) {
            blockedBy.push({ kind: "freeze", name: freeze.name, rule: `${freeze.from} to ${freeze.to}` });
        }
    }
    const day = DateTime.fromMillis(millis, { zone: calendar.timeZone }).toISODate();
    for (const holiday of calendar.holidays) {
        if (holiday.date === day) {
            blockedBy.push({ kind: "holiday", name: holiday.name, rule: `${holiday.date} (${calendar.timeZone})` });
        }
    }
    const maintenance = calendar.maintenanceWindows.find((w) => inWeekly(w, millis, calendar.timeZone));
    if (!maintenance) {
        for (const period of calendar.blocked) {
            if (inWeekly(period, millis, calendar.timeZone)) {
                blockedBy.push({ kind: "weekly", name: period.name, rule: describeWeekly(period, calendar.timeZone) });
            }
        }
    }
    return { blockedBy, ...(maintenance ? { maintenanceWindow: maintenance.name } : {}) };
}

const LOOKAHEAD_DAYS = 35;

/** The first instant after `millis` at which the window is open: candidates are every rule's edges. */
function nextOpening(calendar: ChangeCalendar, millis: number): number | undefined {
    const candidates = new Set<number>();
    const addDayEdges = (zone: string, times: readonly string[]) => {
        const start = DateTime.fromMillis(millis, { zone }).startOf("day");
        for (let d = 0; d <= LOOKAHEAD_DAYS; d++) {
            const day = start.plus({ days: d });
            for (const time of times) {
                // Wall-clock times (so a DST change day keeps "12:00" at noon); 24:00 is the next midnight.
                const edge = time === "24:00" ? day.plus({ days: 1 }) : day.set({ hour: Number(time.slice(0, 2)), minute: Number(time.slice(3)) });
                candidates.add(edge.toMillis());
            }
        }
    };
    addDayEdges(calendar.timeZone, ["00:00"]);
    for (const period of [...calendar.blocked, ...calendar.maintenanceWindows]) {
        addDayEdges(period.timeZone ?? calendar.timeZone, [period.from, period.to]);
    }
    for (const freeze of calendar.freezes) {
        candidates.add(Date.parse(freeze.to));
    }
    const sorted = [...candidates].filter((c) => c > millis).sort((a, b) => a - b);
    return sorted.find((c) => judge(calendar, c).blockedBy.length === 0);
}

function toInstant(at: Date | string | number): number {
    const millis = at instanceof Date ? at.getTime() : typeof at === "number" ? at : Date.parse(at);
    if (!Number.isFinite(millis)) {
        throw new RangeError(`not an instant: ${String(at)}: use an ISO 8601 date-time such as "2026-03-13T16:00:00Z"`);
    }
    return millis;
}

/**
 * Judges one instant against a calendar. A hotfix with a non-blank reason lets a change through
 * a closed window (`allowed`, `hotfixOverride`): the caller warns and follows the hotfix path.
 */
export function evaluateChangeWindow(
    calendar: ChangeCalendar,
    at: Date | string | number,
    hotfix?: HotfixDeclaration,
): ChangeWindowDecision {
    const millis = toInstant(at);
    const local = DateTime.fromMillis(millis, { zone: calendar.timeZone });
    const atText = formatInstant(local);
    const { blockedBy, maintenanceWindow } = judge(calendar, millis);
    const open = blockedBy.length === 0;
    const hasHotfix = Boolean(hotfix?.reason?.trim());
    const base = { at: local.toISO()!, atText, open, blockedBy, ...(maintenanceWindow ? { maintenanceWindow } : {}) };
    if (open) {
        return {
            ...base,
            allowed: true,
            hotfixOverride: false,
            summary: maintenanceWindow
                ? `${atText} is inside the ${maintenanceWindow}: the change window is open`
                : `${atText} is inside the change window`,
        };
    }
    const next = nextOpening(calendar, millis);
    const nextText = next === undefined ? undefined : formatInstant(DateTime.fromMillis(next, { zone: calendar.timeZone }));
    const reasons = blockedBy.map((b) => `${b.kind === "weekly" ? "the blocked period" : `the ${b.kind}`} "${b.name}" (${b.rule})`);
    const summary =
        `${atText} falls in ${reasons.join(" and ")}` +
        (nextText ? `; the window next opens ${nextText}` : `; the window stays closed for the next ${LOOKAHEAD_DAYS} days`);
    return {
        ...base,
        allowed: hasHotfix,
        hotfixOverride: hasHotfix,
        ...(next === undefined ? {} : { nextOpen: DateTime.fromMillis(next, { zone: calendar.timeZone }).toISO()!, nextOpenText: nextText }),
        summary,
    };
}
