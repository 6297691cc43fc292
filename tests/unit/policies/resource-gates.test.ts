import { strict as assert } from "node:assert";
import { analysisThresholds } from "../../../policies/deployment-gates/rules/analysis-thresholds";
import { blueGreenRollbackReady } from "../../../policies/deployment-gates/rules/blue-green-rollback-ready";
import { canarySteps, stepProblems } from "../../../policies/deployment-gates/rules/canary-steps";
import { healthProbes } from "../../../policies/deployment-gates/rules/health-probes";
import { imagePinned, imageProblem, parseImageRef } from "../../../policies/deployment-gates/rules/image-pinned";
import { noPlaintextSecrets, secretName } from "../../../policies/deployment-gates/rules/no-plaintext-secrets";
import { productionReplicas } from "../../../policies/deployment-gates/rules/production-replicas";
import { resourceLimits } from "../../../policies/deployment-gates/rules/resource-limits";
import { hostCovered, tlsPublicEndpoints } from "../../../policies/deployment-gates/rules/tls-public-endpoints";
import { parseQuantity } from "../../../policies/deployment-gates/lib/quantity";
import {
    UNKNOWN,
    assertNotApplicable,
    assertPasses,
    assertReadsUnknown,
    assertViolation,
    resourceArgs,
    runResourcePolicy,
    testDeps,
} from "../../helpers/policy-args";
import { BLUE_GREEN, CANARY, K8S, K8S_CANARY, LOCAL_BLUE_GREEN, LOCAL_CANARY, deployment, kubernetesProps, localProps, spec } from "./fixtures";

const production = testDeps({ environment: "production" });
const staging = testDeps({ environment: "staging" });

const local = (service = spec(), type = LOCAL_CANARY, config?: Record<string, unknown>) =>
    resourceArgs({ type, name: "backend", props: localProps(service), config });
const k8sComponent = (service = spec()) => resourceArgs({ type: K8S_CANARY, name: "backend", props: kubernetesProps(service) });
const workloadArgs = (props: Record<string, unknown>, type: string = K8S.deployment, ancestors?: string[]) =>
    resourceArgs({ type, name: "api", props, ancestors });

describe("resource gates", () => {
    it("treat every platform's service component alike (AWS and Azure components register the same spec)", async () => {
        for (const type of ["shipgate:aws:EcsService", "shipgate:aws:LambdaService", "shipgate:azure:ContainerAppService", "shipgate:azure:WebAppService"]) {
            const service = spec(CANARY, { env: { API_TOKEN: "abc" }, replicas: 1 });
            const args = () => resourceArgs({ type, name: "backend", props: { service, resourceGroupName: UNKNOWN } });
            assertViolation(await runResourcePolicy(noPlaintextSecrets(production), args()), `service "backend" (${type})`, "API_TOKEN");
            const replicas = await runResourcePolicy(productionReplicas(production), args());
            // Lambda runs per request: a replica count does not apply to it.
            if (type === "shipgate:aws:LambdaService") assertPasses(replicas);
            else assertViolation(replicas, "runs 1 replica in production");
        }
        assertPasses(await runResourcePolicy(noPlaintextSecrets(production), resourceArgs({ type: "shipgate:local:Platform", name: "local", props: { stack: "x" } })));
    });

    describe("health-probes", () => {
        const policy = healthProbes(production);

        it("passes a service that declares its health endpoint, on every platform", async () => {
            assertPasses(await runResourcePolicy(policy, local()));
            assertPasses(await runResourcePolicy(policy, k8sComponent()));
        });

        it("fails a service component without a health endpoint, naming the config key", async () => {
            const service = { ...spec(), healthPath: undefined };
            const message = assertViolation(await runResourcePolicy(policy, local(service)), 'service "backend"', "declares no health endpoint");
            assert.match(message, /Fix: set shipgate:services\.backend\.healthPath/);
        });

        it("passes a workload whose containers have readiness and liveness probes", async () => {
            assertPasses(await runResourcePolicy(policy, workloadArgs(deployment())));
        });

        it("fails a container with no readiness probe, naming the Deployment and the container", async () => {
            const outcome = await runResourcePolicy(policy, workloadArgs(deployment({ readinessProbe: undefined })));
            const message = assertViolation(outcome, 'Deployment "shop/api", container "api"', "no readinessProbe");
            assert.match(message, /Fix: add readinessProbe/);
        });

        it("fails a probe without a handler, and ignores init containers and Jobs", async () => {
            assertViolation(await runResourcePolicy(policy, workloadArgs(deployment({ livenessProbe: { periodSeconds: 5 } }))), "no livenessProbe");
            const withInit = deployment();
            (withInit.spec as any).template.spec.initContainers = [{ name: "migrate", image: "x:1.0.0" }];
            assertPasses(await runResourcePolicy(policy, workloadArgs(withInit)));
            assertPasses(await runResourcePolicy(policy, workloadArgs({ spec: { template: { spec: { containers: [{ name: "job" }] } } } }, K8S.job)));
        });
    });

    describe("resource-limits", () => {
        const policy = resourceLimits(production);

        it("passes a service and a workload with requests and limits", async () => {
            assertPasses(await runResourcePolicy(policy, local()));
            assertPasses(await runResourcePolicy(policy, workloadArgs(deployment())));
        });

        it("fails a service without a memory limit", async () => {
            const service = spec();
            delete service.resources.limits.memory;
            const message = assertViolation(await runResourcePolicy(policy, local(service)), "declares no limits.memory");
            assert.match(message, /shipgate:services\.backend\.resources\.limits\.memory/);
        });

        it("fails a container whose request is above its limit, or that sets nothing", async () => {
            assertViolation(
                await runResourcePolicy(policy, workloadArgs(deployment({ resources: { requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "500m", memory: "2Gi" } } }))),
                "the cpu request 2 is above its limit 500m",
            );
            assertViolation(await runResourcePolicy(policy, workloadArgs(deployment({ resources: undefined }))), "sets no resources.requests.cpu, resources.requests.memory, resources.limits.cpu, resources.limits.memory");
        });

        it("leaves Deployments a shipgate service rendered to the service's own check", async () => {
            const bare = deployment({ resources: undefined });
            assertPasses(await runResourcePolicy(policy, workloadArgs(bare, K8S.deployment, [K8S_CANARY])));
        });

        it("reads Kubernetes quantities", () => {
            assert.equal(parseQuantity("250m"), 0.25);
            assert.equal(parseQuantity("1"), 1);
            assert.equal(parseQuantity("256Mi"), 256 * 2 ** 20);
            assert.equal(parseQuantity("1G"), 1e9);
            assert.equal(parseQuantity("1e3"), 1000);
            assert.equal(parseQuantity("lots"), undefined);
        });
    });

    describe("image-pinned", () => {
        it("passes semantic versions and digests in production", async () => {
            const policy = imagePinned(production);
            assertPasses(await runResourcePolicy(policy, local()));
            const digest = spec({ strategy: "canary", stable: { version: "1.0.0", image: `ghcr.io/acme/backend@sha256:${"a".repeat(64)}` } });
            assertPasses(await runResourcePolicy(policy, local(digest)));
            assertPasses(await runResourcePolicy(policy, workloadArgs(deployment())));
        });

        it("fails latest and untagged images everywhere", async () => {
            const policy = imagePinned(staging);
            const latest = spec({ strategy: "canary", stable: "latest" });
            const message = assertViolation(await runResourcePolicy(policy, local(latest)), 'service "backend" (shipgate:local:CanaryService), stable', 'mutable tag "latest"');
            assert.match(message, /Fix: set shipgate:services\.backend\.release\.stable to a semantic version/);
            assertViolation(await runResourcePolicy(policy, workloadArgs(deployment({ image: "ghcr.io/acme/api" }))), "is untagged");
        });

        it("fails a moving tag in production only", async () => {
            const branch = spec({ strategy: "blueGreen", blue: "main", active: "blue" });
            assertViolation(await runResourcePolicy(imagePinned(production), local(branch, LOCAL_BLUE_GREEN)), 'tag "main"', "neither a digest nor a semantic version");
            assertPasses(await runResourcePolicy(imagePinned(staging), local(branch, LOCAL_BLUE_GREEN)));
            assertPasses(await runResourcePolicy(imagePinned(production), local(branch, LOCAL_BLUE_GREEN, { immutableIn: [] })));
        });

        it("parses references with registry ports, tags and digests", () => {
            assert.deepEqual(parseImageRef("registry:5000/org/app:1.2.3"), { repository: "registry:5000/org/app", tag: "1.2.3" });
            assert.deepEqual(parseImageRef("registry:5000/org/app"), { repository: "registry:5000/org/app" });
            assert.deepEqual(parseImageRef("app:1@sha256:abc"), { repository: "app", tag: "1", digest: "sha256:abc" });
            assert.match(imageProblem("app@sha256:abc", "staging", [])!, /malformed digest/);
            assert.equal(imageProblem("app:v2.0.0-rc.1", "production", ["production"]), undefined);
        });

        it("lets an image unknown at preview through to `up` instead of guessing", async () => {
            await assertReadsUnknown(runResourcePolicy(imagePinned(production), workloadArgs(deployment({ image: UNKNOWN }))));
        });
    });

    describe("production-replicas", () => {
        it("passes two or more replicas in production", async () => {
            assertPasses(await runResourcePolicy(productionReplicas(production), local()));
            assertPasses(await runResourcePolicy(productionReplicas(production), workloadArgs(deployment())));
        });

        it("fails a single replica in production, for services and hand-written workloads", async () => {
            const policy = productionReplicas(production);
            const message = assertViolation(await runResourcePolicy(policy, local(spec(CANARY, { replicas: 1 }))), "runs 1 replica in production, fewer than 2");
            assert.match(message, /set shipgate:services\.backend\.replicas to 2 or more/);
            assertViolation(await runResourcePolicy(policy, workloadArgs(deployment({}, { replicas: undefined }))), 'Deployment "shop/api"', "runs 1 replica");
        });

        it("does not apply outside production, nor to a canary track a service sized itself", async () => {
            assertNotApplicable(await runResourcePolicy(productionReplicas(staging), local(spec(CANARY, { replicas: 1 }))), /production; this stack is staging/);
            assertPasses(await runResourcePolicy(productionReplicas(production), workloadArgs(deployment({}, { replicas: 1 }), K8S.deployment, [K8S_CANARY])));
        });

        it("honours the configured minimum, and leaves replicas unknown at preview to `up`", async () => {
            const args = resourceArgs({ type: LOCAL_CANARY, name: "backend", props: localProps(spec(CANARY, { replicas: 2 })), config: { minimum: 3 } });
            assertViolation(await runResourcePolicy(productionReplicas(production), args), "fewer than 3");
            assertPasses(await runResourcePolicy(productionReplicas(production), workloadArgs(deployment({}, { replicas: UNKNOWN }))));
        });
    });

    describe("blue-green-rollback-ready", () => {
        const policy = blueGreenRollbackReady(production);

        it("passes a blue-green service that keeps the previous color for 30 s or more", async () => {
            assertPasses(await runResourcePolicy(policy, local(spec(BLUE_GREEN), LOCAL_BLUE_GREEN)));
            assertPasses(await runResourcePolicy(policy, local(spec(CANARY))));
        });

        it("fails a blue-green service that scales the previous color down at once", async () => {
            const service = spec({ ...BLUE_GREEN, scaleDownDelaySeconds: 0 } as never);
            const message = assertViolation(await runResourcePolicy(policy, local(service, LOCAL_BLUE_GREEN)), "after 0 s, less than 30 s");
            assert.match(message, /release\.scaleDownDelaySeconds to 30 or more/);
        });
    });

    describe("canary-steps", () => {
        const policy = canarySteps(production);

        it("passes 25/50/100 and 10/50/100", async () => {
            assertPasses(await runResourcePolicy(policy, local()));
            assertPasses(await runResourcePolicy(policy, local(spec({ strategy: "canary", stable: "1.0.0", steps: [10, 50, 100] }))));
        });

        it("fails a first step above the limit", async () => {
            const service = spec({ strategy: "canary", stable: "1.0.0", steps: [50, 100] });
            const message = assertViolation(await runResourcePolicy(policy, local(service)), "the first step sends 50% of traffic to the canary, more than the 25% limit");
            assert.match(message, /release\.steps/);
            assertPasses(await runResourcePolicy(policy, resourceArgs({ type: LOCAL_CANARY, name: "backend", props: localProps(service), config: { maxFirstStep: 50 } })));
        });

        it("fails steps that go down or stop short of 100 (a component built without the schema)", async () => {
            const service = { ...spec(), release: { ...spec().release, steps: [25, 20, 80] } };
            const outcome = await runResourcePolicy(policy, local(service));
            assertViolation(outcome, "not strictly increasing (20 follows 25)");
            assertViolation(outcome, "end at 80, not 100");
            assert.deepEqual(stepProblems([], 25), ["declares no traffic steps"]);
        });
    });

    describe("analysis-thresholds", () => {
        it("passes the protocol's defaults in production", async () => {
            assertPasses(await runResourcePolicy(analysisThresholds(production), local()));
            assertPasses(await runResourcePolicy(analysisThresholds(production), local(spec(BLUE_GREEN), LOCAL_BLUE_GREEN)));
        });

        it("fails thresholds looser than production allows", async () => {
            const loose = spec({ ...CANARY, analysis: { errorRate: { max: 0.1 }, latency: { p95MaxFactor: 3 } }, bakeSeconds: 60 } as never);
            const outcome = await runResourcePolicy(analysisThresholds(production), local(loose));
            const message = assertViolation(outcome, "the error-rate threshold is 10%");
            assert.match(message, /Fix: set shipgate:services\.backend\.release\.analysis\.errorRate\.max to 0\.05 \(5%\) or less/);
            assertViolation(outcome, "P95 latency may reach 3x the baseline");
            assertViolation(outcome, "each step is watched for 60 s");
        });

        it("fails a service that declares no analysis at all", async () => {
            const service = { ...spec(), release: { strategy: "rolling", current: "1.0.0" } };
            assertViolation(await runResourcePolicy(analysisThresholds(production), local(service)), "declares no analysis thresholds");
        });

        it("does not apply outside production", async () => {
            assertNotApplicable(await runResourcePolicy(analysisThresholds(staging), local(spec({ ...CANARY, bakeSeconds: 0 } as never))));
        });
    });

    describe("tls-public-endpoints", () => {
        const policy = tlsPublicEndpoints(production);
        const ingress = (spec: Record<string, unknown>, ancestors?: string[]) =>
            resourceArgs({ type: K8S.ingress, name: "shop", props: { metadata: { name: "shop", namespace: "shop" }, spec }, ancestors });
        const route = (parentRefs: unknown[], ancestors?: string[]) =>
            resourceArgs({ type: K8S.httpRoute, name: "shop", props: { metadata: { name: "shop", namespace: "shop" }, spec: { parentRefs, hostnames: ["shop.example.com"] } }, ancestors });
        const rule = (host?: string) => ({ ...(host ? { host } : {}), http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "shop", port: { number: 80 } } } }] } });

        it("passes an Ingress whose hosts are covered by TLS, and a route on the HTTPS listener", async () => {
            assertPasses(await runResourcePolicy(policy, ingress({ tls: [{ hosts: ["shop.example.com"], secretName: "shop-tls" }], rules: [rule("shop.example.com")] })));
            assertPasses(await runResourcePolicy(policy, ingress({ tls: [{ hosts: ["*.example.com"], secretName: "wild" }], rules: [rule("shop.example.com")] })));
            assertPasses(await runResourcePolicy(policy, route([{ name: "public", namespace: "gateway-system", sectionName: "https" }])));
            assertPasses(await runResourcePolicy(policy, route([{ name: "public", port: 443 }])));
        });

        it("fails an Ingress that serves a host over plain HTTP", async () => {
            const message = assertViolation(await runResourcePolicy(policy, ingress({ rules: [rule("shop.example.com")] })), 'Ingress "shop/shop"', "serves host shop.example.com over plain HTTP");
            assert.match(message, /Fix: add spec\.tls/);
            const owned = assertViolation(await runResourcePolicy(policy, ingress({ rules: [rule("shop.example.com")] }, [K8S_CANARY])), "plain HTTP");
            assert.match(owned, /router\.tlsSecretName in shipgate:kubernetes\.router/);
            assertViolation(await runResourcePolicy(policy, ingress({ tls: [{ hosts: ["*.example.com"], secretName: "w" }], rules: [rule("a.b.example.com")] })), "a.b.example.com");
        });

        it("fails a route that attaches to every listener of its Gateway", async () => {
            const message = assertViolation(await runResourcePolicy(policy, route([{ name: "public", namespace: "gateway-system" }], [K8S_CANARY])), "every listener of Gateway gateway-system/public");
            assert.match(message, /router\.gateway\.sectionName/);
            assertViolation(await runResourcePolicy(policy, route([{ name: "public", sectionName: "http" }])), 'listener "http"', "not an HTTPS listener");
        });

        it("fails an HTTPS listener without a certificate and a plain-text LoadBalancer", async () => {
            const gateway = resourceArgs({ type: K8S.gateway, name: "public", props: { spec: { listeners: [{ name: "https", protocol: "HTTPS", port: 443 }] } } });
            assertViolation(await runResourcePolicy(policy, gateway), 'listener "https" is HTTPS but has no certificate');
            const lb = resourceArgs({ type: K8S.service, name: "api", props: { spec: { type: "LoadBalancer", ports: [{ port: 80 }] } } });
            assertViolation(await runResourcePolicy(policy, lb), "LoadBalancer exposing port 80 without TLS");
            const clusterIp = resourceArgs({ type: K8S.service, name: "api", props: { spec: { type: "ClusterIP", ports: [{ port: 80 }] } } });
            assertPasses(await runResourcePolicy(policy, clusterIp));
        });

        it("checks AWS ALB listeners: HTTPS with a certificate, plain HTTP only to redirect", async () => {
            const listener = (props: Record<string, unknown>, ancestors?: string[]) => resourceArgs({ type: "aws:lb/listener:Listener", name: "api-https", props, ancestors });
            const tls12 = "ELBSecurityPolicy-TLS13-1-2-2021-06";
            assertPasses(await runResourcePolicy(policy, listener({ port: 443, protocol: "HTTPS", certificateArn: UNKNOWN, sslPolicy: tls12, defaultActions: [{ type: "forward" }] })));
            assertPasses(await runResourcePolicy(policy, listener({ port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443" } }] })));
            const plain = assertViolation(await runResourcePolicy(policy, listener({ port: 80, protocol: "HTTP", defaultActions: [{ type: "forward" }] }, ["shipgate:aws:EcsService"])), 'ALB listener "api-https": serves plain HTTP on port 80');
            assert.match(plain, /loadBalancer\.protocol to "HTTPS"/);
            assertViolation(await runResourcePolicy(policy, listener({ port: 443, protocol: "HTTPS", sslPolicy: tls12, defaultActions: [] })), "is HTTPS but has no certificate");
        });

        it("checks Azure Web Apps and Container Apps", async () => {
            assertPasses(await runResourcePolicy(policy, resourceArgs({ type: "azure-native:web:WebApp", name: "shop", props: { httpsOnly: true } })));
            assertViolation(await runResourcePolicy(policy, resourceArgs({ type: "azure-native:web:WebAppSlot", name: "shop-staging", props: {} })), 'Web App "shop-staging": answers plain HTTP');
            const app = (allowInsecure: boolean) => resourceArgs({ type: "azure-native:app:ContainerApp", name: "shop", props: { configuration: { ingress: { external: true, allowInsecure } } } });
            assertPasses(await runResourcePolicy(policy, app(false)));
            assertViolation(await runResourcePolicy(policy, app(true)), "allowInsecure: true");
        });

        it("matches wildcard certificates one label deep", () => {
            assert.ok(hostCovered("a.example.com", ["*.example.com"]));
            assert.ok(!hostCovered("example.com", ["*.example.com"]));
            assert.ok(!hostCovered("a.b.example.com", ["*.example.com"]));
        });
    });

    describe("no-plaintext-secrets", () => {
        const policy = noPlaintextSecrets(production);

        it("passes secrets taken from a secret store", async () => {
            assertPasses(await runResourcePolicy(policy, local()));
            assertPasses(await runResourcePolicy(policy, workloadArgs(deployment())));
        });

        it("fails a service with a password in env, pointing at secretEnv", async () => {
            const service = spec(CANARY, { env: { LOG_FORMAT: "json", DB_PASSWORD: "hunter2" } });
            const message = assertViolation(await runResourcePolicy(policy, local(service)), "environment variable DB_PASSWORD holds a secret in plain text");
            assert.match(message, /Fix: move it to shipgate:services\.backend\.secretEnv\.DB_PASSWORD/);
        });

        it("fails secret-looking values whatever their name", async () => {
            const env = [{ name: "DATABASE_URL", value: "postgres://app:s3cret@db:5432/shop" }, { name: "AWS_ID", value: "AKIAABCDEFGHIJKLMNOP" }];
            const outcome = await runResourcePolicy(policy, workloadArgs(deployment({ env })));
            assertViolation(outcome, "DATABASE_URL holds a URL with a password in it");
            assertViolation(outcome, "AWS_ID holds an AWS access key");
        });

        it("knows names that point at secrets from names that hold them", async () => {
            for (const name of ["DB_PASSWORD", "STRIPE_API_KEY", "GITHUB_TOKEN", "CLIENT_SECRET", "DB_PASS"]) assert.ok(secretName(name), name);
            for (const name of ["PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME", "LOG_FORMAT", "PASS_THROUGH", "ACCESS_KEY_ID"]) assert.ok(!secretName(name), name);
            const allowed = resourceArgs({ type: LOCAL_CANARY, name: "backend", props: localProps(spec(CANARY, { env: { JWT_PUBLIC_TOKEN: "x" } })), config: { allowNames: ["JWT_PUBLIC_TOKEN"] } });
            assertPasses(await runResourcePolicy(policy, allowed));
        });

        it("still flags a secret-named variable whose value is unknown at preview, and skips values from Secrets", async () => {
            assertViolation(await runResourcePolicy(policy, workloadArgs(deployment({ env: [{ name: "API_TOKEN", value: UNKNOWN }] }))), "API_TOKEN");
            assertPasses(await runResourcePolicy(policy, workloadArgs(deployment({ env: [{ name: "API_TOKEN", valueFrom: UNKNOWN }] }))));
        });
    });
});
