import { strict as assert } from "node:assert";
import { InvalidInputError } from "../../../components/release";
import { shippedStackConfig } from "../../helpers/engine";
import { validateStackConfig } from "../../../stacks/program/stack-config";

/** The shipped stack file as the program sees it: `shipgate:x` keys become fields. */
function rawConfig(stack: string): Record<string, any> {
    const config = shippedStackConfig(stack);
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/^shipgate:/, ""), v]));
}

function problems(raw: Record<string, unknown>): string[] {
    try {
        validateStackConfig(raw);
    } catch (err) {
        assert.ok(err instanceof InvalidInputError, String(err));
        return err.problems.map((p) => `${p.path}: ${p.message}`);
    }
    assert.fail("expected the config to be rejected");
}

describe("stack config", () => {
    it("accepts both shipped stacks, backend before frontend", () => {
        for (const stack of ["staging", "production"]) {
            const { config, order } = validateStackConfig(rawConfig(stack));
            assert.equal(config.environment, stack);
            assert.deepEqual(order, ["backend", "frontend"]);
        }
        const staging = validateStackConfig(rawConfig("staging")).config;
        assert.equal(staging.services.backend.release.strategy, "blueGreen");
        const production = validateStackConfig(rawConfig("production")).config;
        const release = production.services.backend.release;
        assert.ok(release.strategy === "canary");
        assert.deepEqual(release.steps, [25, 50, 100]);
        assert.equal(release.bakeSeconds, 300);
        assert.equal(release.analysis.errorRate.max, 0.05);
    });

    it("names the config key of a bad canary step", () => {
        const raw = rawConfig("production");
        raw.services.backend.release.steps = [50, 25, 100];
        assert.match(problems(raw)[0], /^shipgate:services\.backend\.release\.steps\[1\]: steps must be strictly increasing/);
    });

    it("on kubernetes, names by config key what the API server would refuse: a version that is not a label value, a request above its limit", () => {
        const raw = rawConfig("production");
        raw.platform = "kubernetes";
        raw.services.backend.release.canary = "2.0.0-";
        raw.services.backend.release.weight = 25;
        raw.services.frontend.resources = { requests: { cpu: "1" } };
        const found = problems(raw);
        assert.equal(found.length, 2, found.join("\n"));
        assert.match(found[0], /^shipgate:services\.backend\.release\.canary: version "2\.0\.0-" becomes the label app\.kubernetes\.io\/version/);
        assert.match(found[1], /^shipgate:services\.frontend\.resources\.requests\.cpu: the cpu request 1 is above the cpu limit 500m/);
        // The local platform has no labels nor limits to refuse them.
        raw.platform = "local";
        assert.doesNotThrow(() => validateStackConfig(raw));
    });

    it("names an unknown platform and environment", () => {
        const raw = rawConfig("staging");
        raw.platform = "nomad";
        raw.environment = "prod";
        const found = problems(raw);
        assert.ok(found.some((p) => /^shipgate:platform: unknown platform "nomad": use local, kubernetes, aws or azure/.test(p)), found.join("\n"));
        assert.ok(found.some((p) => /^shipgate:environment: unknown environment "prod"/.test(p)), found.join("\n"));
    });

    it("names a service with no local settings, and local settings with no service", () => {
        const raw = rawConfig("staging");
        raw.local.services.cart = raw.local.services.frontend;
        delete raw.local.services.frontend;
        const found = problems(raw);
        assert.ok(found.includes("shipgate:local.services.frontend: service frontend has no local settings: add {port, run: {args: [<script>]}}"), found.join("\n"));
        assert.ok(found.some((p) => p.startsWith("shipgate:local.services.cart: there is no service cart")), found.join("\n"));
    });

    it("refuses two local listeners on one port", () => {
        const raw = rawConfig("staging");
        raw.local.services.frontend.port = raw.local.services.backend.port;
        assert.match(problems(raw)[0], /^shipgate:local\.services\.frontend\.port: port 17010 is already used by services\.backend\.port/);
    });

    it("refuses a link to a service that does not exist", () => {
        const raw = rawConfig("staging");
        raw.services.frontend.links = { BACKEND_URL: "api" };
        assert.match(problems(raw)[0], /^shipgate:services\.frontend\.links\.BACKEND_URL: "api" is not another service/);
    });

    it("refuses an empty service list and a missing platform block", () => {
        const raw = rawConfig("staging");
        raw.services = {};
        assert.match(problems(raw)[0], /^shipgate:services: no services/);
        const k8s = rawConfig("staging");
        k8s.platform = "kubernetes";
        delete k8s.kubernetes;
        assert.match(problems(k8s)[0], /^shipgate:kubernetes: missing while shipgate:platform is kubernetes/);
    });
});
