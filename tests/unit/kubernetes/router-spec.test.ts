import { strict as assert } from "node:assert";
import { InvalidInputError } from "../../../components/release/errors";
import { KubernetesRouterSchema, parseRouter } from "../../../components/kubernetes/router-spec";

/** The messages of the InvalidInputError `fn` throws, as "path: message". */
function problems(fn: () => unknown): string[] {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof InvalidInputError, `expected InvalidInputError, got ${String(e)}`);
        return e.problems.map((p) => `${p.path}: ${p.message}`);
    }
    assert.fail("expected the router to be rejected");
}

describe("kubernetes router spec", () => {
    it("fills the Gateway API defaults: the X-Canary: always header", () => {
        const router = parseRouter({ kind: "gatewayApi", gateway: { name: "public" } });
        assert.deepEqual(router, { kind: "gatewayApi", gateway: { name: "public" }, canaryHeader: { name: "X-Canary", value: "always" } });
    });

    it("fills the ingress-nginx defaults: class nginx, header X-Canary", () => {
        const router = parseRouter({ kind: "ingressNginx", host: "shop.example.com" });
        assert.deepEqual(router, { kind: "ingressNginx", host: "shop.example.com", ingressClassName: "nginx", canaryHeader: "X-Canary" });
    });

    it("accepts no router", () => {
        assert.deepEqual(parseRouter({ kind: "none" }), { kind: "none" });
    });

    it("rejects a missing router, saying the default needs a Gateway and how to opt out", () => {
        const [problem] = problems(() => parseRouter(undefined));
        assert.match(problem, /^router: router is missing/);
        assert.match(problem, /gateway: \{name:/);
        assert.match(problem, /kind: "none"/);
    });

    it("rejects a Gateway API router without a gateway, naming router.gateway.name", () => {
        assert.deepEqual(problems(() => parseRouter({ kind: "gatewayApi" } as never)), [
            'router.gateway: gateway is missing: set router.gateway.name to the Gateway the route attaches to, e.g. {name: "public", namespace: "gateway-system"}',
        ]);
        const [problem] = problems(() => parseRouter({ kind: "gatewayApi", gateway: {} } as never));
        assert.match(problem, /^router\.gateway\.name: gateway\.name is missing: set it to the name of the Gateway/);
    });

    it("rejects invalid names, hostnames and headers with the field and an example", () => {
        const found = problems(() =>
            parseRouter({
                kind: "gatewayApi",
                gateway: { name: "Public_GW", namespace: "Gateway System" },
                hostnames: ["https://shop.example.com/"],
                canaryHeader: { name: "X Canary" },
            }),
        );
        assert.equal(found.length, 4);
        assert.match(found[0], /^router\.gateway\.name: gateway\.name must be a Kubernetes object name/);
        assert.match(found[1], /^router\.gateway\.namespace: gateway\.namespace must be a namespace name/);
        assert.match(found[2], /^router\.hostnames\[0\]: the hostname is a hostname: .*no scheme, port or path/);
        assert.match(found[3], /^router\.canaryHeader\.name: the header name is an HTTP token/);
    });

    it("takes an http(s) externalUrl and rejects any other, naming externalUrl with an example", () => {
        assert.equal(parseRouter({ kind: "gatewayApi", gateway: { name: "public" }, externalUrl: "https://shop.example.com" }).kind, "gatewayApi");
        const [bad] = problems(() => parseRouter({ kind: "gatewayApi", gateway: { name: "public" }, externalUrl: "shop.example.com" }));
        assert.match(bad, /^router\.externalUrl: externalUrl is the service's address through the Gateway .* "https:\/\/shop\.example\.com"/);
        const [query] = problems(() => parseRouter({ kind: "ingressNginx", host: "shop.example.com", externalUrl: "ftp://shop.example.com" }));
        assert.match(query, /^router\.externalUrl: externalUrl is the service's address through the Ingress/);
        const [search] = problems(() => parseRouter({ kind: "gatewayApi", gateway: { name: "public" }, externalUrl: "https://shop.example.com/?x=1" }));
        assert.match(search, /no query or fragment/);
    });

    it("rejects ingress-nginx without a host, or with a wildcard host", () => {
        const [missing] = problems(() => parseRouter({ kind: "ingressNginx" } as never));
        assert.match(missing, /^router\.host: host is missing: set it to the hostname/);
        const [wildcard] = problems(() => parseRouter({ kind: "ingressNginx", host: "*.example.com" }));
        assert.match(wildcard, /^router\.host: host must be a single host, not a wildcard/);
    });

    it("rejects an unknown kind, listing the kinds", () => {
        const [problem] = problems(() => parseRouter({ kind: "istio" } as never));
        assert.match(problem, /unknown router kind "istio": use one of gatewayApi, ingressNginx, none/);
    });

    it("rejects unknown fields (a typo is not silently ignored)", () => {
        const result = KubernetesRouterSchema.safeParse({ kind: "none", host: "shop.example.com" });
        assert.equal(result.success, false);
    });
});
