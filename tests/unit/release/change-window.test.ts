import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ChangeCalendarSchema, DEFAULT_CHANGE_CALENDAR, InvalidInputError, evaluateChangeWindow, parseOrThrow } from "../../../components/release";

const at = (iso: string, calendar = DEFAULT_CHANGE_CALENDAR, reason?: string) => evaluateChangeWindow(calendar, iso, reason ? { reason } : undefined);

function problems(input: unknown): string[] {
    try {
        parseOrThrow(ChangeCalendarSchema, input, "calendar", "calendar");
    } catch (err) {
        assert.ok(err instanceof InvalidInputError);
        return err.problems.map((p) => `${p.path}: ${p.message}`);
    }
    assert.fail("expected the calendar to be rejected");
}

describe("change windows", () => {
    describe("the protocol's default calendar", () => {
        it("is open on weekday mornings and Friday until noon", () => {
            assert.equal(at("2026-03-10T10:00:00Z").open, true);
            assert.equal(at("2026-03-13T11:59:00Z").open, true);
            assert.equal(at("2026-03-10T10:00:00Z").summary, "Tuesday 2026-03-10 10:00 UTC is inside the change window");
        });

        it("is closed on Friday afternoon, and says when it opens next", () => {
            const d = at("2026-03-13T16:00:00Z");
            assert.equal(d.open, false);
            assert.equal(d.allowed, false);
            assert.deepEqual(d.blockedBy.map((b) => b.name), ["Friday afternoon"]);
            assert.equal(d.nextOpenText, "Sunday 2026-03-15 02:00 UTC");
            assert.match(d.summary, /^Friday 2026-03-13 16:00 UTC falls in the blocked period "Friday afternoon" \(friday 12:00-24:00 UTC\); the window next opens Sunday 2026-03-15 02:00 UTC$/);
        });

        it("is closed on weekends except in the Sunday 02:00-04:00 UTC maintenance window", () => {
            assert.equal(at("2026-03-14T10:00:00Z").open, false);
            assert.equal(at("2026-03-15T01:59:00Z").open, false);
            const maintenance = at("2026-03-15T02:00:00Z");
            assert.equal(maintenance.open, true);
            assert.equal(maintenance.maintenanceWindow, "maintenance window");
            assert.equal(at("2026-03-15T03:59:00Z").open, true);
            const after = at("2026-03-15T04:00:00Z");
            assert.equal(after.open, false);
            assert.equal(after.nextOpenText, "Monday 2026-03-16 00:00 UTC");
        });

        it("lets a hotfix with a reason through a closed window, and only then", () => {
            const hotfix = at("2026-03-13T16:00:00Z", DEFAULT_CHANGE_CALENDAR, "payments are down for every customer");
            assert.equal(hotfix.open, false);
            assert.equal(hotfix.allowed, true);
            assert.equal(hotfix.hotfixOverride, true);
            assert.equal(at("2026-03-13T16:00:00Z", DEFAULT_CHANGE_CALENDAR, "   ").allowed, false, "a blank reason is no hotfix");
            assert.equal(at("2026-03-10T10:00:00Z", DEFAULT_CHANGE_CALENDAR, "payments are down").hotfixOverride, false, "an open window needs no override");
        });
    });

    describe("a calendar with a time zone, holidays and freezes", () => {
        const berlin = ChangeCalendarSchema.parse({
            timeZone: "Europe/Berlin",
            holidays: ["2026-12-25", { date: "2026-12-24", name: "Christmas Eve" }],
            freezes: [{ name: "year-end freeze", from: "2026-12-28T00:00:00+01:00", to: "2027-01-04T00:00:00+01:00" }],
        });

        it("reads blocked periods in the calendar's zone", () => {
            // 11:30 UTC on a Friday is 12:30 in Berlin (winter time): the afternoon has begun there.
            assert.equal(at("2026-03-13T11:30:00Z", berlin).open, false);
            assert.equal(at("2026-03-13T11:30:00Z").open, true);
            assert.match(at("2026-03-13T11:30:00Z", berlin).atText, /^Friday 2026-03-13 12:30 Europe\/Berlin$/);
        });

        it("keeps maintenance windows in their own zone across a DST change", () => {
            // 29 March 2026: Berlin moves to summer time; the window is still 02:00-04:00 UTC = 04:00-06:00 Berlin.
            const d = at("2026-03-29T02:30:00Z", berlin);
            assert.equal(d.open, true);
            assert.equal(d.atText, "Sunday 2026-03-29 04:30 Europe/Berlin");
        });

        it("closes listed holidays even inside a maintenance window, and freezes", () => {
            const eve = at("2026-12-24T10:00:00Z", berlin);
            assert.deepEqual(eve.blockedBy.map((b) => `${b.kind}:${b.name}`), ["holiday:Christmas Eve"]);
            assert.equal(at("2026-12-25T09:00:00Z", berlin).blockedBy[0].name, "holiday");
            const freeze = at("2026-12-29T10:00:00Z", berlin);
            assert.deepEqual(freeze.blockedBy.map((b) => b.kind), ["freeze"]);
            assert.equal(freeze.nextOpenText, "Monday 2027-01-04 00:00 Europe/Berlin");
            const sundayHoliday = ChangeCalendarSchema.parse({ holidays: ["2026-03-15"] });
            assert.equal(at("2026-03-15T02:30:00Z", sundayHoliday).open, false, "a maintenance window does not reopen a holiday");
        });

        it("rejects a bad calendar with the field and the fix", () => {
            assert.deepEqual(problems({ timeZone: "Mars/Olympus" }), ['calendar.timeZone: unknown time zone "Mars/Olympus": use an IANA name such as "UTC" or "Europe/Berlin"']);
            assert.match(problems({ blocked: [{ name: "night", days: ["friday"], from: "22:00", to: "02:00" }] })[0], /calendar\.blocked\[0\]\.to: to must be after from/);
            assert.match(problems({ blocked: [{ name: "x", days: ["fri"] }] })[0], /unknown day "fri"/);
            assert.match(problems({ holidays: ["25.12.2026"] })[0], /calendar\.holidays\[0\]\.date: a date is "YYYY-MM-DD"/);
        });

        it("throws on an instant it cannot read", () => {
            assert.throws(() => evaluateChangeWindow(DEFAULT_CHANGE_CALENDAR, "next friday"), /not an instant/);
        });
    });

    it("always names an opening that is open, after the instant (property)", () => {
        const start = Date.parse("2026-01-01T00:00:00Z");
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 365 * 24 * 60 }), (minutes) => {
                const instant = start + minutes * 60_000;
                const d = evaluateChangeWindow(DEFAULT_CHANGE_CALENDAR, instant);
                if (d.open) return d.nextOpen === undefined;
                const next = Date.parse(d.nextOpen!);
                return next > instant && evaluateChangeWindow(DEFAULT_CHANGE_CALENDAR, next).open && !evaluateChangeWindow(DEFAULT_CHANGE_CALENDAR, next - 60_000).open;
            }),
            { numRuns: 300 },
        );
    });
});
