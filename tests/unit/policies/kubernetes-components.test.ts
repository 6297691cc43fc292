// The whole pack over what shipgate's Kubernetes components really register (under the Pulumi
// mocks): the component's inputs and every child, with URNs that carry the parent chain as the
// engine's do. The provider plugin is not on these machines, so this is where the rules meet them.
import { strict as assert } from "node:assert";
import type * as kubernetes from "../../../components/kubernetes";
import type { KubernetesRouterInput } from "../../../components/kubernetes/router-spec";
import type { ReleaseStateInput, ServiceSpecInput } from "../../../components/release";
import { resourceGates, stackGates } from "../../../policies/deployment-gates/policies";
import { typeChain } from "../../../policies/deployment-gates/lib/resources";
import { RecordedResource, recordedResources } from "../helpers/pulumi-mocks";
import { GATEWAY, NAMESPACE, NGINX, build, loadComponents, serviceSpec } from "../kubernetes/fixtures";
import { Violation, resourceArgs, runResourcePolicy, runStackPolicy, stackArgs, testDeps } from "../../helpers/policy-args";

/** URN, parent URN and dependencies' URNs by `type::name`, as the mock monitor saw the registration. */
const urns = new Map<string, string>();
const parents = new Map<string, string>();
const dependencies = new Map<string, string[]>();

function captureUrns(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
    if (MockMonitor.prototype.__shipgateCapturesUrns) return;
    const register = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (req: any, callback: any) {
        const key = `${req.getType()}::${req.getName()}`;
        urns.set(key, this.newUrn(req.getParent(), req.getType(), req.getName()));
        if (req.getParent()) parents.set(key, req.getParent());
        dependencies.set(key, req.getDependenciesList());
        return register.call(this, req, callback);
    };
    MockMonitor.prototype.__shipgateCapturesUrns = true;
}

const urnOf = (r: RecordedResource) => urns.get(`${r.type}::${r.name}`) ?? "";

/** The ancestors' type tokens from a recorded resource's URN. */
function ancestors(r: RecordedResource): string[] {
    return typeChain(urnOf(r)).slice(0, -1);
}

interface Reported extends Violation {
    readonly policy: string;
    readonly resource: string;
}

/** Runs every resource gate on every recorded resource and every stack gate on the whole record. */
async function runPack(environment: "staging" | "production"): Promise<Reported[]> {
    const deps = testDeps({ environment });
    const out: Reported[] = [];
    const recorded = recordedResources();
    for (const r of recorded) {
        for (const policy of resourceGates(deps)) {
            const outcome = await runResourcePolicy(policy, resourceArgs({ type: r.type, name: r.name, props: r.inputs, ancestors: ancestors(r) }));
            out.push(...outcome.violations.map((v) => ({ ...v, policy: policy.name, resource: `${r.type}::${r.name}` })));
        }
    }
    // Names clash across types (a Deployment, its Service and its budget share one), so refer by type::name.
    const idOfUrn = (urn: string) => `${typeChain(urn).pop()}::${urn.split("::").pop()}`;
    const ids = new Set(recorded.map((r) => `${r.type}::${r.name}`));
    const stack = stackArgs(
        recorded.map((r) => {
            const id = `${r.type}::${r.name}`;
            const parentUrn = parents.get(id);
            const parent = parentUrn && ids.has(idOfUrn(parentUrn)) ? idOfUrn(parentUrn) : undefined;
            const dependsOn = (dependencies.get(id) ?? []).map(idOfUrn).filter((d) => ids.has(d));
            return { id, type: r.type, name: r.name, props: r.inputs, ...(parent ? { parent } : {}), dependsOn };
        }),
    );
    for (const policy of stackGates(deps).filter((p) => ["pod-disruption-budget", "deploy-order"].includes(p.name))) {
        const outcome = await runStackPolicy(policy, stack);
        out.push(...outcome.violations.map((v) => ({ ...v, policy: policy.name, resource: "stack" })));
    }
    return out;
}

describe("the pack on shipgate's Kubernetes components (mocks)", () => {
    let k8s: typeof kubernetes;
    const HTTPS_GATEWAY: KubernetesRouterInput = { ...(GATEWAY as object), gateway: { name: "public", namespace: "gateway-system", sectionName: "https" } } as KubernetesRouterInput;
    const PINNED = { image: "ghcr.io/acme/backend" };

    before(async () => {
        k8s = await loadComponents();
        captureUrns();
    });

    function canary(release: ReleaseStateInput, router: KubernetesRouterInput, overrides: Partial<ServiceSpecInput> = {}) {
        return build(() => new k8s.CanaryService("backend", { namespace: NAMESPACE, service: serviceSpec(release as never, { ...PINNED, ...overrides }), router }));
    }

    it("finds nothing wrong with a production canary at 25% behind an HTTPS Gateway listener", async () => {
        await canary({ strategy: "canary", stable: "1.0.0", canary: "1.1.0", weight: 25 }, HTTPS_GATEWAY);
        assert.ok(recordedResources().some((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget"), "the component renders budgets");
        assert.deepEqual(await runPack("production"), []);
    });

    it("finds nothing wrong with a blue-green service behind ingress-nginx with TLS", async () => {
        await build(() =>
            new k8s.BlueGreenService("backend", {
                namespace: NAMESPACE,
                service: serviceSpec({ strategy: "blueGreen", blue: "1.0.0", green: "1.1.0", active: "blue" }, PINNED),
                router: NGINX,
            }),
        );
        assert.deepEqual(await runPack("production"), []);
    });

    it("reports a route on every Gateway listener once, on the HTTPRoute, pointing at the router config", async () => {
        await canary({ strategy: "canary", stable: "1.0.0" }, GATEWAY);
        const found = await runPack("production");
        assert.deepEqual(
            found.map((f) => `${f.policy} ${f.resource}`),
            ["tls-public-endpoints kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::backend"],
        );
        assert.match(found[0].message, /HTTPRoute "shop\/backend": attaches to every listener of Gateway gateway-system\/public.*router\.gateway\.sectionName/);
    });

    it("reports a plaintext secret and a latest image once each, on the component and not again on its Deployments", async () => {
        await canary({ strategy: "canary", stable: "latest", canary: "1.1.0", weight: 25 }, HTTPS_GATEWAY, { env: { API_TOKEN: "abc123" } });
        const found = await runPack("staging");
        assert.deepEqual(found.map((f) => `${f.policy} ${f.resource}`).sort(), [
            "image-pinned shipgate:kubernetes:CanaryService::backend",
            "no-plaintext-secrets shipgate:kubernetes:CanaryService::backend",
        ]);
    });

    it("reports a production service with one replica (and no budget is needed for one pod)", async () => {
        await canary({ strategy: "canary", stable: "1.0.0" }, HTTPS_GATEWAY, { replicas: 1 });
        const found = await runPack("production");
        assert.deepEqual(found.map((f) => `${f.policy} ${f.resource}`), ["production-replicas shipgate:kubernetes:CanaryService::backend"]);
    });
});
