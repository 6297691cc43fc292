import { strict as assert } from "node:assert";
import { AnalysisSchedule, ScheduleSpec, ScheduleTiming, extensionBoundMs, nextRun } from "../../../stacks/automation/verify/analysis-schedule";

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
/** The protocol's defaults: measure every 30 s (4 inconclusive fail), health every 10 s (3 RED fail). */
const PROTOCOL: ScheduleTiming = { intervalSeconds: 30, inconclusiveLimit: 4, health: { intervalSeconds: 10, consecutiveFailures: 3 } };

function schedule(overrides: Partial<ScheduleSpec> = {}): AnalysisSchedule {
    return new AnalysisSchedule({ startMs: T0, bakeSeconds: 300, timing: PROTOCOL, measures: true, checksHealth: true, ...overrides });
}

/** Runs every round as soon as it is due, up to `untilSeconds`; the seconds since the start at which each kind ran. */
function drive(s: AnalysisSchedule, untilSeconds: number) {
    const measured: number[] = [];
    const checked: number[] = [];
    while (s.nextDue <= T0 + untilSeconds * 1000) {
        const now = s.nextDue;
        const due = s.dueAt(now);
        if (due.measure) {
            measured.push((now - T0) / 1000);
        }
        if (due.health) {
            checked.push((now - T0) / 1000);
        }
        s.ran(due);
    }
    return { measured, checked };
}

describe("analysis schedule", () => {
    it("checks health at once and every health interval; measures one interval in and every interval", () => {
        const s = schedule();
        assert.equal(s.nextHealth, T0);
        assert.equal(s.nextMeasure, T0 + 30_000);
        assert.equal(s.nextDue, T0);
        assert.deepEqual(s.dueAt(T0), { measure: false, health: true });

        const { measured, checked } = drive(s, 300);
        assert.deepEqual(measured, [30, 60, 90, 120, 150, 180, 210, 240, 270, 300]);
        assert.equal(checked.length, 31);
        assert.deepEqual(checked.slice(0, 3), [0, 10, 20]);
        assert.equal(checked.at(-1), 300);
    });

    it("says both rounds are due when their times coincide, and neither before", () => {
        const s = schedule();
        s.ran(s.dueAt(T0)); // health at 0
        s.ran(s.dueAt(T0 + 10_000));
        s.ran(s.dueAt(T0 + 20_000));
        assert.deepEqual(s.dueAt(T0 + 29_999), { measure: false, health: false });
        assert.deepEqual(s.dueAt(T0 + 30_000), { measure: true, health: true });
    });

    it("counts the next round from when it was due, not from when it ran", () => {
        const s = schedule();
        s.ran(s.dueAt(T0 + 45_000)); // a late loop: health (due at 0) and the first measurement (due at 30 s)
        assert.equal(s.nextHealth, T0 + 10_000);
        assert.equal(s.nextMeasure, T0 + 60_000);
    });

    it("moves the last round before the bake's end onto it, then keeps the interval past it", () => {
        // Bake 100 s, measure every 30 s: 30, 60, 90, then 100 (not 120), then 130, 160 when extended.
        const s = schedule({ bakeSeconds: 100, checksHealth: false });
        const { measured } = drive(s, 160);
        assert.deepEqual(measured, [30, 60, 90, 100, 130, 160]);
        assert.equal(s.bakeEnd, T0 + 100_000);
    });

    it("moves a round onto the bake's end only from before it", () => {
        assert.equal(nextRun(T0 + 270_000, 30_000, T0 + 300_000), T0 + 300_000);
        assert.equal(nextRun(T0 + 280_000, 30_000, T0 + 300_000), T0 + 300_000, "moved back from 310 s");
        assert.equal(nextRun(T0 + 300_000, 30_000, T0 + 300_000), T0 + 330_000, "past the bake's end, on the interval");
    });

    it("measures first at the bake's end when the bake is shorter than an interval, or at once for no bake", () => {
        assert.equal(schedule({ bakeSeconds: 20 }).nextMeasure, T0 + 20_000);
        const none = schedule({ bakeSeconds: 0 });
        assert.equal(none.nextMeasure, T0);
        assert.deepEqual(none.dueAt(T0), { measure: true, health: true });
        assert.ok(none.bakeOver(T0));
        none.ran(none.dueAt(T0));
        assert.equal(none.nextMeasure, T0 + 30_000);
        assert.equal(none.nextHealth, T0 + 10_000);
    });

    it("never schedules a measurement without a source, nor a health round without URLs", () => {
        const healthOnly = schedule({ measures: false });
        assert.equal(healthOnly.nextMeasure, Infinity);
        assert.deepEqual(drive(healthOnly, 300).measured, []);

        const metricsOnly = schedule({ checksHealth: false });
        assert.equal(metricsOnly.nextHealth, Infinity);
        assert.equal(metricsOnly.nextDue, T0 + 30_000);
        assert.deepEqual(drive(metricsOnly, 300).checked, []);
    });

    it("knows when the bake is over", () => {
        const s = schedule();
        assert.equal(s.bakeOver(T0 + 299_999), false);
        assert.equal(s.bakeOver(T0 + 300_000), true);
    });

    describe("the extension bound", () => {
        it("is the longer of the inconclusive and the health limits with both a source and health URLs", () => {
            // 4 × 30 s = 120 s against 3 × 10 s = 30 s.
            assert.equal(extensionBoundMs(PROTOCOL, true, true), 120_000);
            const s = schedule();
            assert.equal(s.extensionMs, 120_000);
            assert.equal(s.deadline, T0 + 300_000 + 120_000);

            const slowHealth: ScheduleTiming = { ...PROTOCOL, health: { intervalSeconds: 60, consecutiveFailures: 5 } };
            assert.equal(extensionBoundMs(slowHealth, true, true), 300_000, "5 × 60 s is the longer");
        });

        it("counts only the measurement limit without health URLs", () => {
            assert.equal(extensionBoundMs(PROTOCOL, true, false), 120_000);
            const slowHealth: ScheduleTiming = { ...PROTOCOL, health: { intervalSeconds: 60, consecutiveFailures: 5 } };
            assert.equal(extensionBoundMs(slowHealth, true, false), 120_000, "health that is not checked does not stretch it");
            assert.equal(schedule({ timing: slowHealth, checksHealth: false }).deadline, T0 + 300_000 + 120_000);
        });

        it("counts only the health limit without a source", () => {
            assert.equal(extensionBoundMs(PROTOCOL, false, true), 30_000);
            const s = schedule({ measures: false });
            assert.equal(s.extensionMs, 30_000);
            assert.equal(s.deadline, T0 + 330_000);
        });
    });
});
