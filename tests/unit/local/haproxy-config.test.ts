import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RouteSpec, renderGlobal, renderRoute } from "../../../components/local/runtime/haproxy-config";

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
        assert.match(text, /server stable 127\.0\.0\.1:31001 weight 75 check/);
        assert.match(text, /server canary 127\.0\.0\.1:31002 weight 25 check/);
        assert.match(text, /option httpchk GET \/health/);
        assert.match(text, /use_backend be_backend_candidate if \{ req\.hdr\(X-Canary\) -m str always \}/);
        assert.match(text, /frontend fe_backend_preview\n {4}bind 127\.0\.0\.1:17011/);
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
