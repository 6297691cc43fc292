import { strict as assert } from "node:assert";
import { parseReleaseState, planRelease } from "../../../components/release";
import { planTracks } from "../../../components/local/track-plan";

const weights = (state: unknown) =>
    Object.fromEntries(planTracks(parseReleaseState(state)).tracks.map((t) => [t.name, t.artifact ? `${t.artifact.version}@${t.weight}` : `none@${t.weight}`]));

describe("local track plan", () => {
    it("follows a canary promotion step by step, with fixed server names", () => {
        const steps = planRelease(parseReleaseState({ strategy: "canary", stable: "1.0.0" }), { version: "2.0.0" }).steps;
        assert.deepEqual(
            steps.map((s) => weights(s.state)),
            [
                { stable: "1.0.0@75", canary: "2.0.0@25" },
                { stable: "1.0.0@50", canary: "2.0.0@50" },
                { stable: "1.0.0@0", canary: "2.0.0@100" },
                { stable: "2.0.0@0", canary: "2.0.0@100" },
                { stable: "2.0.0@100", canary: "none@0" },
            ],
        );
    });

    it("keeps the old color running until it is scaled down, and previews the idle color", () => {
        const steps = planRelease(parseReleaseState({ strategy: "blueGreen", blue: "1.0.0" }), { version: "2.0.0" }).steps;
        assert.deepEqual(
            steps.map((s) => weights(s.state)),
            [
                { blue: "1.0.0@100", green: "2.0.0@0" },
                { blue: "1.0.0@0", green: "2.0.0@100" },
                { blue: "none@0", green: "2.0.0@100" },
            ],
        );
        assert.equal(planTracks(steps[0].state).candidate, "green");
        assert.equal(planTracks(steps[1].state).candidate, "blue", "after the switch the preview reaches the rollback target");
    });

    it("has no preview candidate when preview is off", () => {
        assert.equal(planTracks(parseReleaseState({ strategy: "blueGreen", blue: "1", green: "2", preview: false })).candidate, undefined);
    });
});
