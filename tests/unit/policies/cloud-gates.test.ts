// The gates on AWS and Azure resources: each rule on a hand-written resource (passing and
// failing), on a resource a shipgate component created (judged through the component, fixed
// through its config key), and with values unknown at preview.
import { strict as assert } from "node:assert";
import { ignoresActions, ecsNativeIgnoreChanges } from "../../../policies/deployment-gates/rules/ecs-native-ignore-changes";
import { healthProbes, missingContainerAppProbes, targetGroupHealthProblem } from "../../../policies/deployment-gates/rules/health-probes";
import { noPlaintextSecrets, secretValueKind } from "../../../policies/deployment-gates/rules/no-plaintext-secrets";
import { productionAlarms } from "../../../policies/deployment-gates/rules/production-alarms";
import { productionReplicas } from "../../../policies/deployment-gates/rules/production-replicas";
import { tlsPublicEndpoints } from "../../../policies/deployment-gates/rules/tls-public-endpoints";
import { alarmWatch, isKeyVaultReference, sslPolicyMinTls } from "../../../policies/deployment-gates/lib/cloud";
import type { StackValidationArgs } from "../../../policies/deployment-gates/lib/sdk";
import {
    StackResourceInput,
    UNKNOWN,
    assertNotApplicable,
    assertPasses,
    assertReadsUnknown,
    assertViolation,
    resourceArgs,
    runResourcePolicy,
    runStackPolicy,
    stackArgs,
    testDeps,
} from "../../helpers/policy-args";
import { AWS, AZURE, CANARY, spec } from "./fixtures";

const production = testDeps({ environment: "production" });
const staging = testDeps({ environment: "staging" });

const healthCheck = { enabled: true, path: "/health", protocol: "HTTP", matcher: "200", interval: 10, healthyThreshold: 2, unhealthyThreshold: 3 };
const probes = [
    { type: "Startup", httpGet: { path: "/health", port: 8080 } },
    { type: "Readiness", httpGet: { path: "/health", port: 8080 } },
    { type: "Liveness", httpGet: { path: "/health", port: 8080 } },
];

const targetGroup = (props: Record<string, unknown>, ancestors?: string[]) =>
    resourceArgs({ type: AWS.targetGroup, name: "api-stable", props: { port: 8080, protocol: "HTTP", targetType: "ip", healthCheck, ...props }, ancestors });
const containerApp = (props: Record<string, unknown>, ancestors?: string[]) => resourceArgs({ type: AZURE.containerApp, name: "api", props, ancestors });
const appTemplate = (container: Record<string, unknown>, scale: Record<string, unknown> = { minReplicas: 2, maxReplicas: 4 }) => ({
    containers: [{ name: "api", image: "acme.azurecr.io/api:1.2.0", probes, ...container }],
    scale,
});
const webApp = (props: Record<string, unknown>, type: string = AZURE.webApp, ancestors?: string[]) => resourceArgs({ type, name: "shop", props, ancestors });
const OWNED_TAGS = { "shipgate:service": "backend" };

describe("gates on AWS and Azure resources", () => {
    describe("health-probes", () => {
        const policy = healthProbes(production);

        it("passes a target group health-checking a path, an NLB target group with checks on, and a Lambda target group", async () => {
            assertPasses(await runResourcePolicy(policy, targetGroup({})));
            assertPasses(await runResourcePolicy(policy, targetGroup({ protocol: "TCP", healthCheck: { enabled: true, protocol: "TCP" } })));
            assertPasses(await runResourcePolicy(policy, targetGroup({ targetType: "lambda", protocol: undefined, healthCheck: undefined })));
        });

        it("fails a target group without a health check path or with checks off, naming the target group", async () => {
            const message = assertViolation(await runResourcePolicy(policy, targetGroup({ healthCheck: { enabled: true } })), 'target group "api-stable"', 'has no health check path, so the load balancer calls "/"');
            assert.match(message, /Fix: set healthCheck: \{enabled: true, path: "\/health"/);
            assertViolation(await runResourcePolicy(policy, targetGroup({ healthCheck: { ...healthCheck, enabled: false } })), "health check disabled");
            assertViolation(await runResourcePolicy(policy, targetGroup({ protocol: "TCP", healthCheck: { enabled: false } })), "health check disabled");
        });

        it("points a component's target group at the service's healthPath", async () => {
            const owned = targetGroup({ healthCheck: { enabled: true }, tags: OWNED_TAGS }, ["shipgate:aws:EcsService"]);
            assert.match(assertViolation(await runResourcePolicy(policy, owned), "no health check path"), /Fix: set shipgate:services\.backend\.healthPath/);
        });

        it("passes a Container App with Readiness and Liveness httpGet probes on the health path", async () => {
            assertPasses(await runResourcePolicy(policy, containerApp({ template: appTemplate({}) })));
        });

        it("fails a Container App container with no Readiness or Liveness httpGet probe (TCP probes only see a port)", async () => {
            const tcp = [{ type: "Readiness", tcpSocket: { port: 8080 } }, { type: "Liveness", httpGet: { path: "/health", port: 8080 } }];
            const message = assertViolation(await runResourcePolicy(policy, containerApp({ template: appTemplate({ probes: tcp }) })), 'Container App "api", container "api"', "has no Readiness probe");
            assert.match(message, /Fix: add probes \[\{type: "Readiness", httpGet: \{path: "\/health"/);
            assertViolation(await runResourcePolicy(policy, containerApp({ template: appTemplate({ probes: undefined }) })), "has no Readiness and no Liveness probe");
            assert.deepEqual(missingContainerAppProbes({ probes: [{ type: "readiness", httpGet: { path: "/health" } }] }), ["Liveness"]);
        });

        it("leaves a component's Container App template unknown at preview to the component's healthPath, but not a hand-written one", async () => {
            assertPasses(await runResourcePolicy(policy, containerApp({ template: UNKNOWN, tags: OWNED_TAGS }, ["shipgate:azure:ContainerAppService"])));
            await assertReadsUnknown(runResourcePolicy(policy, containerApp({ template: UNKNOWN })));
        });

        it("checks App Service sites and slots for healthCheckPath", async () => {
            assertPasses(await runResourcePolicy(policy, webApp({ siteConfig: { healthCheckPath: "/health" } })));
            assertViolation(await runResourcePolicy(policy, webApp({ siteConfig: {} }, AZURE.webAppSlot)), 'Web App "shop": sets no siteConfig.healthCheckPath');
            const owned = webApp({ siteConfig: {}, tags: OWNED_TAGS }, AZURE.webApp, ["shipgate:azure:WebAppService"]);
            assert.match(assertViolation(await runResourcePolicy(policy, owned), "healthCheckPath"), /shipgate:services\.backend\.healthPath/);
        });

        it("reads the target group's check as AWS defaults it", () => {
            assert.equal(targetGroupHealthProblem({ protocol: "HTTPS", healthCheck: { path: "/healthz" } }), undefined);
            assert.match(targetGroupHealthProblem({})!, /no health check path/);
            assert.equal(targetGroupHealthProblem({ protocol: "GENEVE" }), undefined);
        });
    });

    describe("tls-public-endpoints on ALB security policies and App Service TLS versions", () => {
        const policy = tlsPublicEndpoints(production);
        const https = (props: Record<string, unknown>, ancestors?: string[]) =>
            resourceArgs({ type: AWS.listener, name: "api", props: { port: 443, protocol: "HTTPS", certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/x", defaultActions: [{ type: "forward" }], ...props }, ancestors });

        it("passes an HTTPS listener whose security policy refuses TLS below 1.2", async () => {
            assertPasses(await runResourcePolicy(policy, https({ sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" })));
            assertPasses(await runResourcePolicy(policy, https({ sslPolicy: "ELBSecurityPolicy-FS-1-2-Res-2020-10" })));
        });

        it("fails an HTTPS listener on AWS's default policy or one that accepts TLS 1.0/1.1", async () => {
            const message = assertViolation(await runResourcePolicy(policy, https({})), 'ALB listener "api"', "names no security policy, so AWS applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0, below 1.2");
            assert.match(message, /Fix: set sslPolicy to a TLS 1\.2\+ policy/);
            const owned = assertViolation(await runResourcePolicy(policy, https({ sslPolicy: "ELBSecurityPolicy-TLS-1-1-2017-01" }, ["shipgate:aws:EcsService"])), "uses the security policy ELBSecurityPolicy-TLS-1-1-2017-01, which accepts TLS 1.1");
            assert.match(owned, /Fix: set loadBalancer\.sslPolicy/);
        });

        it("honours a stricter minimum", async () => {
            const tls13 = (sslPolicy: string) => resourceArgs({ type: AWS.listener, name: "api", props: { protocol: "HTTPS", certificateArn: "arn:x", sslPolicy }, config: { minTlsVersion: "1.3" } });
            assertViolation(await runResourcePolicy(policy, tls13("ELBSecurityPolicy-TLS13-1-2-2021-06")), "accepts TLS 1.2, below 1.3");
            assertPasses(await runResourcePolicy(policy, tls13("ELBSecurityPolicy-TLS13-1-3-2021-06")));
        });

        it("fails a Web App that accepts TLS 1.0, and passes 1.2 or the platform default", async () => {
            assertViolation(await runResourcePolicy(policy, webApp({ httpsOnly: true, siteConfig: { minTlsVersion: "1.0" } })), 'Web App "shop": accepts TLS 1.0 (siteConfig.minTlsVersion), below 1.2');
            assertPasses(await runResourcePolicy(policy, webApp({ httpsOnly: true, siteConfig: { minTlsVersion: "1.2" } })));
            assertPasses(await runResourcePolicy(policy, webApp({ httpsOnly: true, siteConfig: {} }, AZURE.webAppSlot)));
        });

        it("knows the predefined ALB policies' minimum TLS versions", () => {
            assert.equal(sslPolicyMinTls("ELBSecurityPolicy-2016-08"), "1.0");
            assert.equal(sslPolicyMinTls("ELBSecurityPolicy-FS-2018-06"), "1.0");
            assert.equal(sslPolicyMinTls("ELBSecurityPolicy-TLS13-1-0-2021-06"), "1.0");
            assert.equal(sslPolicyMinTls("ELBSecurityPolicy-FS-1-1-2019-08"), "1.1");
            assert.equal(sslPolicyMinTls("ELBSecurityPolicy-TLS-1-2-Ext-2018-06"), "1.2");
            assert.equal(sslPolicyMinTls("ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04"), "1.2");
            assert.equal(sslPolicyMinTls("ELBSecurityPolicy-TLS13-1-3-2021-06"), "1.3");
            assert.equal(sslPolicyMinTls("SomethingElse"), undefined);
        });
    });

    describe("production-replicas on ECS, Container Apps and App Service", () => {
        const policy = productionReplicas(production);
        const ecs = (props: Record<string, unknown>, ancestors?: string[]) => resourceArgs({ type: AWS.ecsService, name: "api", props: { launchType: "FARGATE", ...props }, ancestors });
        const plan = (sku: Record<string, unknown>) => resourceArgs({ type: AZURE.appServicePlan, name: "shop-plan", props: { kind: "linux", sku } });

        it("passes two or more tasks, replicas and instances", async () => {
            assertPasses(await runResourcePolicy(policy, ecs({ desiredCount: 3 })));
            assertPasses(await runResourcePolicy(policy, containerApp({ template: appTemplate({}, { minReplicas: 2, maxReplicas: 4 }) })));
            assertPasses(await runResourcePolicy(policy, plan({ name: "P1v3", capacity: 2 })));
        });

        it("fails a single task, a Container App that scales to zero and a one-instance plan", async () => {
            assert.match(assertViolation(await runResourcePolicy(policy, ecs({ desiredCount: 1 })), 'ECS service "api": runs 1 task in production, fewer than 2'), /Fix: set desiredCount to 2 or more/);
            assertViolation(await runResourcePolicy(policy, ecs({})), "runs 0 tasks");
            const scaled = assertViolation(await runResourcePolicy(policy, containerApp({ template: appTemplate({}, { maxReplicas: 10 }) })), 'Container App "api": runs 0 replicas');
            assert.match(scaled, /template\.scale\.minReplicas to 2 or more/);
            assertViolation(await runResourcePolicy(policy, plan({ name: "P1v3" })), 'App Service plan "shop-plan": runs 1 instance in production', "sku.capacity");
        });

        it("leaves daemons, consumption plans, unknown counts and a component's own tracks alone", async () => {
            assertPasses(await runResourcePolicy(policy, ecs({ schedulingStrategy: "DAEMON" })));
            assertPasses(await runResourcePolicy(policy, plan({ name: "Y1", tier: "Dynamic" })));
            assertPasses(await runResourcePolicy(policy, ecs({ desiredCount: UNKNOWN })));
            // A canary track runs fewer tasks by design; the service's replicas are checked on the component.
            assertPasses(await runResourcePolicy(policy, ecs({ desiredCount: 1 }, ["shipgate:aws:EcsService"])));
            assertPasses(await runResourcePolicy(policy, containerApp({ template: UNKNOWN }, ["shipgate:azure:ContainerAppService"])));
        });

        it("exempts Lambda, which runs per request, and does not apply outside production", async () => {
            const lambda = resourceArgs({ type: "shipgate:aws:LambdaService", name: "search", props: { service: spec(CANARY, { replicas: 1 }) } });
            assertPasses(await runResourcePolicy(policy, lambda));
            assertNotApplicable(await runResourcePolicy(productionReplicas(staging), ecs({ desiredCount: 1 })), /this stack is staging/);
        });
    });

    describe("no-plaintext-secrets on ECS, Lambda, Container Apps and App Service", () => {
        const policy = noPlaintextSecrets(production);
        const taskDefinition = (containers: unknown[], ancestors?: string[]) =>
            resourceArgs({ type: AWS.taskDefinition, name: "api", props: { family: "api", containerDefinitions: JSON.stringify(containers) }, ancestors });
        const container = (extra: Record<string, unknown>) => ({ name: "api", image: "x:1.0.0", environment: [{ name: "LOG_FORMAT", value: "json" }], ...extra });

        it("passes ECS secrets taken with valueFrom, and fails a password in environment", async () => {
            const secrets = [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::" }];
            assertPasses(await runResourcePolicy(policy, taskDefinition([container({ secrets })])));
            const leaked = container({ environment: [{ name: "DB_PASSWORD", value: "hunter2" }] });
            const message = assertViolation(await runResourcePolicy(policy, taskDefinition([leaked])), 'ECS task definition "api", container "api"', "environment variable DB_PASSWORD holds a secret in plain text");
            assert.match(message, /Fix: move it from environment to secrets: \[\{name: "DB_PASSWORD", valueFrom:/);
            assertViolation(await runResourcePolicy(policy, taskDefinition([container({ secrets: [{ name: "API_KEY" }] })])), "secret API_KEY has no valueFrom");
        });

        it("leaves a component's task definition to the service spec, and container definitions unknown at preview to `up`", async () => {
            const leaked = container({ environment: [{ name: "DB_PASSWORD", value: "hunter2" }] });
            assertPasses(await runResourcePolicy(policy, taskDefinition([leaked], ["shipgate:aws:EcsService"])));
            await assertReadsUnknown(runResourcePolicy(policy, resourceArgs({ type: AWS.taskDefinition, name: "api", props: { containerDefinitions: UNKNOWN } })));
        });

        it("fails a Lambda function with a token in its environment", async () => {
            const fn = (variables: Record<string, unknown>) => resourceArgs({ type: AWS.lambdaFunction, name: "search", props: { packageType: "Image", environment: { variables } } });
            assertPasses(await runResourcePolicy(policy, fn({ LOG_FORMAT: "json", TABLE_NAME: UNKNOWN })));
            assert.match(assertViolation(await runResourcePolicy(policy, fn({ GITHUB_TOKEN: "abc" })), 'Lambda function "search"', "GITHUB_TOKEN"), /Secrets Manager/);
        });

        it("passes Container App secrets that reference Key Vault, and fails a secret value or a plain secret env", async () => {
            const app = (secrets: unknown[], env: unknown[] = [{ name: "DB_PASSWORD", secretRef: "db-password" }]) =>
                containerApp({ configuration: { secrets }, template: appTemplate({ env }) });
            const reference = { name: "db-password", keyVaultUrl: "https://shop-vault.vault.azure.net/secrets/db-password", identity: "/subscriptions/x/id" };
            assertPasses(await runResourcePolicy(policy, app([reference])));
            assertPasses(await runResourcePolicy(policy, app([{ ...reference, keyVaultUrl: UNKNOWN }])));
            const message = assertViolation(await runResourcePolicy(policy, app([{ name: "db-password", value: "hunter2" }])), 'Container App "api"', 'secret "db-password" carries its value');
            assert.match(message, /Fix: replace value with keyVaultUrl/);
            const env = [{ name: "STORAGE", value: "DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net" }];
            assertViolation(await runResourcePolicy(policy, app([reference], env)), 'container "api"', "STORAGE holds a connection string with a password or key in it", "secretRef");
        });

        it("passes App Service settings that are Key Vault references, and fails plain ones and connection strings with passwords", async () => {
            const site = (appSettings: unknown[], connectionStrings: unknown[] = []) => webApp({ httpsOnly: true, siteConfig: { appSettings, connectionStrings } });
            assertPasses(await runResourcePolicy(policy, site([{ name: "DB_PASSWORD", value: "@Microsoft.KeyVault(VaultName=shop-vault;SecretName=db-password)" }, { name: "WEBSITES_PORT", value: "8080" }])));
            const message = assertViolation(await runResourcePolicy(policy, site([{ name: "DB_PASSWORD", value: "hunter2" }])), 'Web App "shop"', "app setting DB_PASSWORD holds a secret in plain text");
            assert.match(message, /Fix: make DB_PASSWORD a Key Vault reference, "@Microsoft\.KeyVault\(VaultName=<vault>;SecretName=<secret>\)"/);
            assertViolation(
                await runResourcePolicy(policy, site([], [{ name: "Shop", type: "SQLAzure", connectionString: "Server=tcp:shop.database.windows.net;Database=shop;User ID=app;Password=hunter2;" }])),
                "connection string Shop holds a connection string with a password or key in it",
            );
            const settings = resourceArgs({ type: "azure-native:web:WebAppApplicationSettings", name: "shop-settings", props: { name: "shop", properties: { STRIPE_API_KEY: "sk_live_abcdefghijklmnop" } } });
            assertViolation(await runResourcePolicy(policy, settings), 'app settings "shop-settings"', "STRIPE_API_KEY holds a Stripe live key");
        });

        it("leaves a component's sites and apps to the service spec", async () => {
            const owned = webApp({ siteConfig: { appSettings: [{ name: "DB_PASSWORD", value: "hunter2" }] } }, AZURE.webApp, ["shipgate:azure:WebAppService"]);
            assertPasses(await runResourcePolicy(policy, owned));
        });

        it("knows Key Vault references and connection strings with secrets", () => {
            assert.ok(isKeyVaultReference("@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/s/)"));
            assert.ok(!isKeyVaultReference("Microsoft.KeyVault"));
            assert.equal(secretValueKind("Server=x;Pwd=abc"), "a connection string with a password or key in it");
            assert.equal(secretValueKind("Server=x;Database=shop;Authentication=Active Directory Default"), undefined);
        });
    });

    describe("production-alarms", () => {
        const policy = productionAlarms(production);
        const metric = (metricName: string, extra: Record<string, unknown> = {}) => ({ namespace: "AWS/ApplicationELB", metricName, period: 60, stat: "Sum", dimensions: { TargetGroup: UNKNOWN }, ...extra });
        const fiveXx = (name: string, watches: string[]): StackResourceInput => ({
            type: AWS.alarm,
            name,
            dependsOn: watches,
            props: {
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0.05,
                metricQueries: [
                    { id: "errors", metric: metric("HTTPCode_Target_5XX_Count"), returnData: false },
                    { id: "requests", metric: metric("RequestCount"), returnData: false },
                    { id: "rate", expression: "IF(requests > 0, FILL(errors, 0) / requests, 0)", returnData: true },
                ],
            },
        });
        const p95 = (name: string, watches: string[], extendedStatistic = "p95"): StackResourceInput => ({
            type: AWS.alarm,
            name,
            dependsOn: watches,
            props: { namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", extendedStatistic, threshold: 0.4, dimensions: { TargetGroup: UNKNOWN, LoadBalancer: UNKNOWN } },
        });
        const tg = (name: string, props: Record<string, unknown> = {}): StackResourceInput => ({ type: AWS.targetGroup, name, props: { port: 8080, healthCheck, ...props } });
        const ecsService = (name: string, targetGroups: string[], props: Record<string, unknown> = {}): StackResourceInput => ({
            type: AWS.ecsService,
            name,
            id: `service:${name}`,
            dependsOn: targetGroups,
            props: { desiredCount: 2, loadBalancers: targetGroups.map(() => ({ targetGroupArn: UNKNOWN, containerPort: 8080 })), ...props },
        });

        it("passes ECS target groups each watched by a 5xx and a p95 alarm", async () => {
            const args = stackArgs([tg("api-stable"), tg("api-canary"), ecsService("api-stable", ["api-stable"]), ecsService("api-canary", ["api-canary"]), fiveXx("api-stable-5xx", ["api-stable"]), p95("api-stable-p95", ["api-stable"]), fiveXx("api-canary-5xx", ["api-canary"]), p95("api-canary-p95", ["api-canary"])]);
            assertPasses(await runStackPolicy(policy, args));
        });

        it("fails a target group missing its alarms, on the target group's URN", async () => {
            const outcome = await runStackPolicy(policy, stackArgs([tg("api-stable"), ecsService("api", ["api-stable"]), fiveXx("api-5xx", ["api-stable"]), p95("api-p50", ["api-stable"], "p50")]));
            const message = assertViolation(outcome, 'target group "api-stable"', "has no p95 latency alarm watching it in production");
            assert.match(message, /Fix: add one on TargetResponseTime with extendedStatistic "p95"/);
            assert.match(outcome.violations[0].urn!, /aws:lb\/targetGroup:TargetGroup::api-stable$/);
            const bare = await runStackPolicy(policy, stackArgs([tg("api-stable"), ecsService("api", ["api-stable"])]));
            assertViolation(bare, "has no 5xx alarm and no p95 latency alarm");
        });

        it("matches alarms by a dimension known at preview, and gives alarms whose metrics are unknown the benefit of the doubt", async () => {
            const suffix = "targetgroup/api-stable/73e2d6bc24d8a067";
            const byDimension = { ...p95("api-p95", []), props: { metricName: "TargetResponseTime", extendedStatistic: "p99", dimensions: { TargetGroup: suffix } } };
            assertPasses(await runStackPolicy(policy, stackArgs([tg("api-stable", { arnSuffix: suffix }), ecsService("api", ["api-stable"]), fiveXx("api-5xx", ["api-stable"]), byDimension])));
            const unknown: StackResourceInput = { type: AWS.alarm, name: "api-any", dependsOn: ["api-stable"], props: { metricQueries: UNKNOWN } };
            assertPasses(await runStackPolicy(policy, stackArgs([tg("api-stable"), ecsService("api", ["api-stable"]), unknown])));
        });

        it("requires nothing of target groups no ECS service uses", async () => {
            assertNotApplicable(await runStackPolicy(policy, stackArgs([tg("ec2-web")])), /no ECS target group/);
        });

        it("fails an ECS-native deployment that does not roll back on its alarms", async () => {
            const native = (alarms: Record<string, unknown>) =>
                stackArgs([
                    tg("web-blue"),
                    fiveXx("web-5xx", ["web-blue"]),
                    p95("web-p95", ["web-blue"]),
                    ecsService("web", ["web-blue"], { deploymentConfiguration: { strategy: "CANARY", bakeTimeInMinutes: "15" }, alarms }),
                ]);
            assertPasses(await runStackPolicy(policy, native({ alarmNames: ["web-5xx", "web-p95"], enable: true, rollback: true })));
            assertPasses(await runStackPolicy(policy, native({ alarmNames: UNKNOWN, enable: true, rollback: true })));
            const message = assertViolation(await runStackPolicy(policy, native({ alarmNames: [], enable: true })), 'ECS service "web": deploys with ECS\'s CANARY strategy but names no deployment alarms and does not roll back when they fire');
            assert.match(message, /Fix: set alarms: \{alarmNames: .*enable: true, rollback: true\}/);
        });

        it("passes a live Lambda alias with error and p95 duration alarms, and fails one without", async () => {
            const alias: StackResourceInput = { type: AWS.alias, name: "search-live", props: { name: "live", functionName: "search-fn", functionVersion: "3" } };
            const preview: StackResourceInput = { type: AWS.alias, name: "search-preview", props: { name: "preview", functionName: "search-fn", functionVersion: "4" } };
            const errors: StackResourceInput = {
                type: AWS.alarm,
                name: "search-errors",
                dependsOn: ["search-live"],
                props: { metricQueries: [{ id: "errors", metric: { namespace: "AWS/Lambda", metricName: "Errors", stat: "Sum" } }, { id: "invocations", metric: { namespace: "AWS/Lambda", metricName: "Invocations", stat: "Sum" } }] },
            };
            const duration: StackResourceInput = { type: AWS.alarm, name: "search-p95", dependsOn: ["search-live"], props: { namespace: "AWS/Lambda", metricName: "Duration", extendedStatistic: "p95" } };
            assertPasses(await runStackPolicy(policy, stackArgs([alias, preview, errors, duration])));
            const message = assertViolation(await runStackPolicy(policy, stackArgs([alias, preview, errors])), 'Lambda alias "search-live" (live)', "takes production traffic with no p95 duration alarm");
            assert.match(message, /Fix: add one on Duration with extendedStatistic "p95"/);
            // An alias that splits traffic is live whatever its name; the alarm's Resource dimension may name it.
            const weighted: StackResourceInput = { type: AWS.alias, name: "canary", props: { name: "prod", functionName: "search-fn", routingConfig: { additionalVersionWeights: { "4": 0.25 } } } };
            const byDimension: StackResourceInput = { type: AWS.alarm, name: "prod-p95", props: { metricName: "Duration", extendedStatistic: "p95", dimensions: { FunctionName: "search-fn", Resource: "search-fn:prod" } } };
            assertViolation(await runStackPolicy(policy, stackArgs([weighted, byDimension])), 'Lambda alias "canary" (prod)', "no error alarm");
        });

        it("does not apply outside production", async () => {
            assertNotApplicable(await runStackPolicy(productionAlarms(staging), stackArgs([tg("api-stable"), ecsService("api", ["api-stable"])])), /this stack is staging/);
        });

        it("reads alarms from their plain inputs", () => {
            assert.deepEqual(alarmWatch({ metricName: "TargetResponseTime", extendedStatistic: "p95" }), { metrics: ["TargetResponseTime"], percentiles: [95] });
            assert.deepEqual(alarmWatch({ metricQueries: [{ metric: { metricName: "Duration", stat: "p99.9" } }, { expression: "m1" }] }), { metrics: ["Duration"], percentiles: [99.9] });
        });
    });

    describe("ecs-native-ignore-changes", () => {
        const policy = ecsNativeIgnoreChanges(production);
        const rule = (name: string): StackResourceInput => ({ type: AWS.listenerRule, name, props: { priority: 1, actions: [{ type: "forward" }] } });
        const native = (strategy: string, rules: string[]): StackResourceInput => ({
            type: AWS.ecsService,
            name: "web",
            id: "service:web",
            dependsOn: ["web-blue", ...rules],
            props: {
                deploymentConfiguration: { strategy },
                loadBalancers: [{ targetGroupArn: UNKNOWN, advancedConfiguration: { alternateTargetGroupArn: UNKNOWN, productionListenerRule: UNKNOWN, testListenerRule: UNKNOWN, roleArn: UNKNOWN } }],
            },
        });
        /** Sets a resource's ignoreChanges, as the engine hands it over (the helper registers none). */
        const ignoring = (args: StackValidationArgs, paths: Record<string, string[]>): StackValidationArgs => {
            for (const r of args.resources) if (r.type === AWS.listenerRule && paths[r.name]) r.opts.ignoreChanges = paths[r.name];
            return args;
        };
        const stack = (strategy = "BLUE_GREEN") => stackArgs([{ type: AWS.targetGroup, name: "web-blue" }, rule("web"), rule("web-test"), native(strategy, ["web", "web-test"])]);

        it("passes listener rules ECS shifts when they ignore changes to their actions", async () => {
            assertPasses(await runStackPolicy(policy, ignoring(stack(), { web: ["actions"], "web-test": ["actions[0].forward"] })));
        });

        it("fails a listener rule whose actions Pulumi would put back mid-deployment, on its URN", async () => {
            const outcome = await runStackPolicy(policy, ignoring(stack("LINEAR"), { web: ["actions"], "web-test": ["tags"] }));
            const message = assertViolation(outcome, 'listener rule "web-test"', 'has its traffic shifted by ECS service "web" (LINEAR deployment), but Pulumi still manages its actions');
            assert.match(message, /Fix: add ignoreChanges: \["actions"\] to the listener rule's resource options/);
            assert.equal(outcome.violations.length, 1);
            assert.match(outcome.violations[0].urn!, /ListenerRule::web-test$/);
        });

        it("follows the rules the service names in loadBalancers when the engine says which those are", async () => {
            const args = stackArgs([{ type: AWS.targetGroup, name: "web-blue" }, rule("web"), rule("unrelated"), native("CANARY", ["web", "unrelated"])]);
            const service = args.resources.find((r) => r.type === AWS.ecsService)!;
            service.propertyDependencies = { loadBalancers: args.resources.filter((r) => r !== service && (r.name === "web" || r.name === "web-blue")) };
            assertViolation(await runStackPolicy(policy, args), 'listener rule "web"');
            assertPasses(await runStackPolicy(policy, ignoring(args, { web: ["actions"] })));
        });

        it("does not apply to ECS services that let Pulumi (or shipgate) move the traffic", async () => {
            const rolling = stackArgs([rule("api"), { type: AWS.ecsService, name: "api", id: "service:api", dependsOn: ["api"], props: { deploymentConfiguration: { strategy: "ROLLING" } } }]);
            assertNotApplicable(await runStackPolicy(policy, rolling), /no ECS service with a native/);
        });

        it("knows which ignoreChanges paths cover the actions", () => {
            assert.ok(ignoresActions(["actions"]));
            assert.ok(ignoresActions(["tags", "actions[*].forward.targetGroups"]));
            assert.ok(!ignoresActions(["actionsExtra", "conditions"]));
            assert.ok(!ignoresActions(undefined));
        });
    });
});
