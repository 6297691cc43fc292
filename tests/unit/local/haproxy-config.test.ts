import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sharesOf } from "../../../components/clients/haproxy-runtime-api";
import { RouteSpec, haproxyWeights, renderGlobal, renderRoute } from "../../../components/local/runtime/haproxy-config";

const canary: RouteSpec = {
    service: "backend",
    bindPort: 17010,
    previewPort: 17011,
    servers: [
        { name: "stable", port: 31001, weight: 75 },
        { name: "canary", port: 31002, weight: 25 },
    ],
    candidate: "canary",
    header: { name: "X-Canary", value: "always" },
    healthPath: "/health",
};

describe("HAProxy configuration", () => {
    it("weighs the tracks, health-checks them on the health path, and routes the header to the candidate", () => {
        const text = renderRoute(canary);
        assert.match(text, /bind 127\.0\.0\.1:17010\n/);
        // 75/25 reduced to 3/1: the same split, in rounds of 4 requests.
        assert.match(text, /server stable 127\.0\.0\.1:31001 weight 3 check/);
        assert.match(text, /server canary 127\.0\.0\.1:31002 weight 1 check/);
        assert.match(text, /option httpchk GET \/health/);
        assert.match(text, /use_backend be_backend_candidate if \{ req\.hdr\(X-Canary\) -m str always \}/);
        assert.match(text, /frontend fe_backend_preview\n {4}bind 127\.0\.0\.1:17011/);
    });

    it("gives HAProxy the smallest weights with the same split, and reads them back as percentages", () => {
        const weights = (pairs: [number, number | undefined][]) => haproxyWeights(pairs.map(([weight, port], i) => ({ name: `s${i}`, weight, port })));
        assert.deepEqual(weights([[75, 1], [25, 2]]), { s0: 3, s1: 1 });
        assert.deepEqual(weights([[50, 1], [50, 2]]), { s0: 1, s1: 1 });
        assert.deepEqual(weights([[90, 1], [10, 2]]), { s0: 9, s1: 1 });
        assert.deepEqual(weights([[0, 1], [100, 2]]), { s0: 0, s1: 1 });
        assert.deepEqual(weights([[67, 1], [33, 2]]), { s0: 67, s1: 33 }, "no common divisor: as is");
        assert.deepEqual(weights([[100, 1], [40, undefined]]), { s0: 1, s1: 0 }, "a track with no process weighs 0, whatever its share");
        assert.deepEqual(weights([[0, 1], [0, 2]]), { s0: 0, s1: 0 });
        assert.deepEqual(sharesOf({ stable: 3, canary: 1 }), { stable: 75, canary: 25 });
        assert.deepEqual(sharesOf({ stable: 67, canary: 33 }), { stable: 67, canary: 33 });
        assert.deepEqual(sharesOf({ blue: 0, green: 0 }), { blue: 0, green: 0 });
        for (const canary of [0, 1, 5, 10, 20, 25, 33, 50, 75, 99, 100]) {
            assert.deepEqual(sharesOf(weights([[100 - canary, 1], [canary, 2]])), { s0: 100 - canary, s1: canary }, `${canary}% reads back as itself`);
        }
    });

    it("parks a track with no process in maintenance, so the structure never changes during a promotion", () => {
        const text = renderRoute({ ...canary, servers: [{ name: "stable", port: 31001, weight: 100 }, { name: "canary", weight: 0 }] });
        assert.match(text, /server canary 127\.0\.0\.1:1 weight 0 check inter 1s fall 3 rise 2 disabled/);
        assert.match(text, /server candidate 127\.0\.0\.1:1 weight 0 .* disabled/);
    });

    it("is accepted by haproxy -c", () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-haproxy-"));
        try {
            mkdirSync(path.join(dir, "conf.d"));
            writeFileSync(path.join(dir, "haproxy.cfg"), renderGlobal({ socketPath: path.join(dir, "admin.sock"), statsPort: 17001 }));
            writeFileSync(path.join(dir, "conf.d", "backend.cfg"), renderRoute(canary));
            writeFileSync(path.join(dir, "conf.d", "frontend.cfg"), renderRoute({ ...canary, service: "frontend", bindPort: 17020, previewPort: 17021 }));
            const out = execFileSync("haproxy", ["-c", "-f", path.join(dir, "haproxy.cfg"), "-f", path.join(dir, "conf.d")], { encoding: "utf8" });
            assert.match(out, /Configuration file is valid/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
