import { strict as assert } from "node:assert";
import type * as awsComponents from "../../../components/aws";
import { BlueGreenRelease, BlueGreenReleaseInput } from "../../../components/release/blue-green";
import { CanaryRelease, CanaryReleaseInput } from "../../../components/release/canary";
import { planRelease, planRollback } from "../../../components/release/planner";
import { parseReleaseState, ReleaseState, ReleaseStateInput } from "../../../components/release/release-state";
import { canarySizing } from "../../../components/release/sizing";
import { findResource, maybeResource, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { CERTIFICATE, DB_SECRET, T, build, containerOf, desiredCounts, ecsArgs, forwardWeights, freshStack, loadAws, targetGroupName } from "./fixtures";

const SETTLED: CanaryReleaseInput = { strategy: "canary", stable: "1.0.0" };
const BLUE_LIVE: BlueGreenReleaseInput = { strategy: "blueGreen", blue: "1.0.0", active: "blue", scaleDownDelaySeconds: 120 };

/** The states a promotion to 2.0.0 walks through. */
function promotion(from: CanaryReleaseInput | BlueGreenReleaseInput) {
    return planRelease(parseReleaseState(from), { version: "2.0.0" }).steps;
}

describe("EcsService (ECS Fargate behind an ALB, shipgate moving the weights)", () => {
    let aws: typeof awsComponents;

    before(async () => {
        aws = await loadAws();
    });
    beforeEach(() => freshStack());

    const ecs = (release: ReleaseState | ReleaseStateInput, overrides = {}, spec = {}) =>
        build(() => new aws.EcsService("backend", ecsArgs(release as CanaryReleaseInput, overrides, spec)));

    describe("a settled canary release", () => {
        it("runs the stable track only: one target group, task definition, ECS service and two alarms, one ALB with three listeners", async () => {
            await ecs(SETTLED);
            assert.deepEqual(resourceNames(T.loadBalancer), ["backend"]);
            assert.deepEqual(resourceNames(T.targetGroup), ["backend-stable"]);
            assert.deepEqual(resourceNames(T.taskDefinition), ["backend-stable"]);
            assert.deepEqual(resourceNames(T.ecsService), ["backend-stable"]);
            assert.deepEqual(resourceNames(T.alarm), ["backend-stable-5xx", "backend-stable-p95"]);
            assert.deepEqual(resourceNames(T.listener), ["backend", "backend-http", "backend-test"]);
            assert.deepEqual(resourceNames(T.listenerRule), [], "no candidate, no header rule");
            assert.deepEqual(forwardWeights(findResource(T.listener, "backend")), { "backend-stable": 100 });
        });

        it("registers the resolved args as the component's inputs, for policies at preview", async () => {
            await ecs(SETTLED);
            const component = findResource(T.ecsComponent, "backend");
            assert.equal(component.custom, false);
            assert.equal(component.inputs.service.release.strategy, "canary");
            assert.deepEqual(component.inputs.service.release.steps, [25, 50, 100]);
            assert.equal(component.inputs.loadBalancer.protocol, "HTTPS");
            assert.equal(component.inputs.loadBalancer.port, 443);
            assert.equal(component.inputs.loadBalancer.testPort, 8443);
            assert.equal(component.inputs.alarms.errorRate, 0.05, "the release's analysis threshold");
            assert.equal(component.inputs.alarms.p95Ms, 400, "2× the 200 ms quality gate when the release sets no absolute p95");
        });
    });

    describe("a canary promotion, step by step", () => {
        it("moves the production listener's weights (ALB 0-999, summing to 100) and the canary's tasks as each planned state says", async () => {
            const steps = promotion(SETTLED);
            assert.deepEqual(
                steps.map((s) => s.kind),
                ["canary-weight", "canary-weight", "canary-weight", "canary-promote", "canary-finalize"],
            );
            for (const step of steps) {
                const state = step.state as CanaryRelease;
                const component = await ecs(state);
                const weights = forwardWeights(findResource(T.listener, "backend"));
                for (const w of Object.values(weights)) {
                    assert.ok(Number.isInteger(w) && w >= 0 && w <= 999, `${step.summary}: ALB weight ${w}`);
                }
                assert.equal(Object.values(weights).reduce((a, b) => a + b, 0), 100, step.summary);
                const sizing = canarySizing(state, 4, "weighted");
                if (state.canary) {
                    assert.deepEqual(weights, { "backend-stable": 100 - state.weight, "backend-canary": state.weight }, step.summary);
                    assert.deepEqual(desiredCounts(), { "backend-stable": 4, "backend-canary": sizing.canaryReplicas }, step.summary);
                    assert.equal(containerOf("backend-canary").image, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-backend:2.0.0");
                    assert.equal(await promiseOf(component.previewEndpoint), "https://shop.example.com:8443", step.summary);
                    // The test listener serves the canary alone (every group stays attached at weight 0).
                    assert.deepEqual(forwardWeights(findResource(T.listener, "backend-test")), { "backend-stable": 0, "backend-canary": 1 });
                } else {
                    assert.deepEqual(weights, { "backend-stable": 100 }, step.summary);
                    assert.deepEqual(resourceNames(T.ecsService), ["backend-stable"], `${step.summary}: the canary track is gone`);
                    assert.deepEqual(resourceNames(T.targetGroup), ["backend-stable"]);
                    assert.equal(await promiseOf(component.previewEndpoint), undefined);
                }
                assert.equal(containerOf("backend-stable").image, `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-backend:${state.stable.version}`, step.summary);
                assert.equal(await promiseOf(component.weight), state.canary ? state.weight : 0);
            }
        });

        it("sends X-Canary: always to the canary while it has tasks, with a rule on the production listener", async () => {
            await ecs({ ...SETTLED, canary: "2.0.0", weight: 25 });
            const rule = findResource(T.listenerRule, "backend-candidate");
            assert.deepEqual(rule.inputs.conditions, [{ httpHeader: { httpHeaderName: "X-Canary", values: ["always"] } }]);
            assert.equal(targetGroupName(rule.inputs.actions[0].targetGroupArn), "backend-canary");
            assert.equal(rule.inputs.priority, 10);
        });

        it("takes the canary's traffic away at once on the first rollback state, keeping its target group at weight 0 and no tasks", async () => {
            const current = parseReleaseState({ ...SETTLED, canary: "2.0.0", weight: 50 });
            const [first, last] = planRollback(current, parseReleaseState(SETTLED));
            await ecs(first.state);
            assert.deepEqual(forwardWeights(findResource(T.listener, "backend")), { "backend-stable": 100, "backend-canary": 0 });
            assert.deepEqual(desiredCounts(), { "backend-stable": 4, "backend-canary": 0 });
            assert.equal(maybeResource(T.listenerRule, "backend-candidate"), undefined, "no header route to a canary without tasks");
            await ecs(last.state);
            assert.deepEqual(resourceNames(T.ecsService), ["backend-stable"]);
        });

        it("moves traffic only to steady tasks: the ECS services wait for the test listener, the production listener and header rule wait for the services", async () => {
            await ecs({ ...SETTLED, canary: "2.0.0", weight: 25 });
            for (const name of ["backend-stable", "backend-canary"]) {
                const svc = findResource(T.ecsService, name);
                assert.ok(svc.dependsOn.includes("backend-test"), `${name} waits for the test listener, which attaches its target group`);
                assert.equal(svc.inputs.waitForSteadyState, true);
            }
            for (const [type, name] of [
                [T.listener, "backend"],
                [T.listenerRule, "backend-candidate"],
            ]) {
                const deps = findResource(type, name).dependsOn;
                assert.ok(deps.includes("backend-stable") && deps.includes("backend-canary"), `${name} depends on both ECS services: ${deps}`);
            }
        });
    });

    describe("a blue-green promotion: deploy → switch → scale-down", () => {
        it("weights the colors 100/0, serves the idle color on the test listener and keeps the old color as the rollback target", async () => {
            const [deploy, switchOver, scaleDown] = promotion(BLUE_LIVE);

            let component = await ecs(deploy.state);
            assert.deepEqual(forwardWeights(findResource(T.listener, "backend")), { "backend-blue": 100, "backend-green": 0 });
            assert.deepEqual(forwardWeights(findResource(T.listener, "backend-test")), { "backend-blue": 0, "backend-green": 1 });
            assert.deepEqual(desiredCounts(), { "backend-blue": 4, "backend-green": 4 });
            assert.equal(targetGroupName(findResource(T.listenerRule, "backend-candidate").inputs.actions[0].targetGroupArn), "backend-green");
            assert.equal(await promiseOf(component.previewEndpoint), "https://shop.example.com:8443");
            assert.equal(await promiseOf(component.version), "1.0.0");
            assert.equal(await promiseOf(component.activeColor), "blue");

            component = await ecs(switchOver.state);
            assert.deepEqual(forwardWeights(findResource(T.listener, "backend")), { "backend-green": 100, "backend-blue": 0 });
            assert.deepEqual(forwardWeights(findResource(T.listener, "backend-test")), { "backend-green": 0, "backend-blue": 1 });
            assert.deepEqual(desiredCounts(), { "backend-blue": 4, "backend-green": 4 }, "blue stays up until its delay has passed");
            assert.equal(await promiseOf(component.version), "2.0.0");
            assert.equal(await promiseOf(component.activeColor), "green");

            component = await ecs(scaleDown.state);
            assert.deepEqual(forwardWeights(findResource(T.listener, "backend")), { "backend-green": 100, "backend-blue": 0 });
            assert.deepEqual(desiredCounts(), { "backend-blue": 0, "backend-green": 4 });
            assert.deepEqual(resourceNames(T.targetGroup), ["backend-blue", "backend-green"], "blue's target group stays: a rollback is a weight change");
            assert.deepEqual(forwardWeights(findResource(T.listener, "backend-test")), { "backend-green": 1, "backend-blue": 0 });
            assert.equal(maybeResource(T.listenerRule, "backend-candidate"), undefined);
            assert.equal(await promiseOf(component.previewEndpoint), undefined);
        });

        it("reports both colors with their share, tasks, endpoint and CloudWatch dimensions", async () => {
            const component = await ecs(promotion(BLUE_LIVE)[1].state as BlueGreenRelease);
            assert.deepEqual(await promiseOf(component.tracks), {
                green: {
                    version: "2.0.0",
                    image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-backend:2.0.0",
                    replicas: 4,
                    weight: 100,
                    endpoint: "https://shop.example.com",
                    cloudwatch: { kind: "alb", loadBalancer: "app/backend/50dc6c495c0c9188", targetGroup: "targetgroup/backend-green/73e2d6bc24d8a067" },
                },
                blue: {
                    version: "1.0.0",
                    image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-backend:1.0.0",
                    replicas: 4,
                    weight: 0,
                    endpoint: "https://shop.example.com:8443",
                    cloudwatch: { kind: "alb", loadBalancer: "app/backend/50dc6c495c0c9188", targetGroup: "targetgroup/backend-blue/73e2d6bc24d8a067" },
                },
            });
        });
    });

    describe("target groups and health checks", () => {
        it("checks each target group on the health path with the release's interval, timeout and failure count", async () => {
            await ecs({ ...SETTLED, analysis: { health: { consecutiveFailures: 3, intervalSeconds: 10, timeoutSeconds: 5 } } });
            const tg = findResource(T.targetGroup, "backend-stable");
            assert.equal(tg.inputs.targetType, "ip", "Fargate tasks register by IP");
            assert.equal(tg.inputs.port, 8080);
            assert.equal(tg.inputs.protocol, "HTTP");
            assert.equal(tg.inputs.vpcId, "vpc-0abc");
            assert.equal(tg.inputs.deregistrationDelay, 30);
            assert.deepEqual(tg.inputs.healthCheck, {
                enabled: true,
                path: "/health",
                protocol: "HTTP",
                port: "traffic-port",
                matcher: "200",
                interval: 10,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 3,
            });
        });

        it("keeps health checks inside the ALB's ranges (interval ≥ 5 s, timeout below it)", async () => {
            await ecs({ ...SETTLED, analysis: { health: { consecutiveFailures: 1, intervalSeconds: 2, timeoutSeconds: 10 } } });
            const hc = findResource(T.targetGroup, "backend-stable").inputs.healthCheck;
            assert.equal(hc.interval, 5);
            assert.equal(hc.timeout, 4);
            assert.equal(hc.unhealthyThreshold, 2);
        });
    });

    describe("alarms per target group", () => {
        it("alarms on the 5xx share with metric math over the target group's Sum of 5xx and requests", async () => {
            await ecs(SETTLED);
            const alarm = findResource(T.alarm, "backend-stable-5xx");
            assert.equal(alarm.inputs.threshold, 0.05);
            assert.equal(alarm.inputs.comparisonOperator, "GreaterThanThreshold");
            assert.equal(alarm.inputs.treatMissingData, "notBreaching");
            const [errors, requests, rate] = alarm.inputs.metricQueries;
            const dims = { TargetGroup: "targetgroup/backend-stable/73e2d6bc24d8a067", LoadBalancer: "app/backend/50dc6c495c0c9188" };
            assert.deepEqual(errors.metric, { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", dimensions: dims, period: 60, stat: "Sum" });
            assert.deepEqual(requests.metric, { namespace: "AWS/ApplicationELB", metricName: "RequestCount", dimensions: dims, period: 60, stat: "Sum" });
            assert.equal(rate.expression, "IF(requests > 0, FILL(errors, 0) / requests, 0)");
            assert.equal(rate.returnData, true);
        });

        it("alarms on p95 TargetResponseTime (extendedStatistic p95, in seconds) and takes thresholds and actions from args", async () => {
            await ecs(SETTLED, { alarms: { p95Ms: 250, errorRate: 0.02, actions: ["arn:aws:sns:eu-west-1:123456789012:oncall"] } });
            const alarm = findResource(T.alarm, "backend-stable-p95");
            assert.equal(alarm.inputs.metricName, "TargetResponseTime");
            assert.equal(alarm.inputs.namespace, "AWS/ApplicationELB");
            assert.equal(alarm.inputs.extendedStatistic, "p95");
            assert.equal(alarm.inputs.statistic, undefined, "statistic and extendedStatistic exclude each other");
            assert.equal(alarm.inputs.threshold, 0.25);
            assert.deepEqual(alarm.inputs.alarmActions, ["arn:aws:sns:eu-west-1:123456789012:oncall"]);
            assert.equal(findResource(T.alarm, "backend-stable-5xx").inputs.threshold, 0.02);
        });

        it("follows the release's absolute p95 ceiling when it sets one", async () => {
            await ecs({ ...SETTLED, analysis: { latency: { p95MaxMs: 200 } } });
            assert.equal(findResource(T.alarm, "backend-stable-p95").inputs.threshold, 0.2);
        });
    });

    describe("listeners", () => {
        it("terminates TLS with the certificate and a TLS 1.2+ policy, and redirects port 80 to HTTPS", async () => {
            await ecs(SETTLED);
            for (const name of ["backend", "backend-test"]) {
                const l = findResource(T.listener, name);
                assert.equal(l.inputs.protocol, "HTTPS", name);
                assert.equal(l.inputs.certificateArn, CERTIFICATE, name);
                assert.equal(l.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06", name);
            }
            assert.equal(findResource(T.listener, "backend").inputs.port, 443);
            assert.equal(findResource(T.listener, "backend-test").inputs.port, 8443);
            const http = findResource(T.listener, "backend-http");
            assert.equal(http.inputs.port, 80);
            assert.deepEqual(http.inputs.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
            const alb = findResource(T.loadBalancer, "backend");
            assert.equal(alb.inputs.loadBalancerType, "application");
            assert.deepEqual(alb.inputs.subnets, ["subnet-public-a", "subnet-public-b"]);
            assert.equal(alb.inputs.dropInvalidHeaderFields, true);
        });

        it("serves plain HTTP on 80 and the test listener on 8080 when asked, with no redirect", async () => {
            const component = await ecs(SETTLED, { loadBalancer: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-alb"], protocol: "HTTP", internal: true } });
            assert.deepEqual(resourceNames(T.listener), ["backend", "backend-test"]);
            assert.equal(findResource(T.listener, "backend").inputs.port, 80);
            assert.equal(findResource(T.listener, "backend").inputs.certificateArn, undefined);
            assert.equal(findResource(T.listener, "backend-test").inputs.port, 8080);
            assert.equal(findResource(T.loadBalancer, "backend").inputs.internal, true);
            assert.equal(await promiseOf(component.endpoint), "http://backend-1234567890.eu-west-1.elb.amazonaws.com");
        });
    });

    describe("tasks", () => {
        it("defines one Fargate task per track from the service spec", async () => {
            await ecs(SETTLED);
            const td = findResource(T.taskDefinition, "backend-stable");
            assert.equal(td.inputs.family, "shop-production-backend-stable");
            assert.deepEqual(td.inputs.requiresCompatibilities, ["FARGATE"]);
            assert.equal(td.inputs.networkMode, "awsvpc");
            assert.equal(td.inputs.cpu, "512", "500m → 0.5 vCPU");
            assert.equal(td.inputs.memory, "1024", "512Mi fits the smallest memory 0.5 vCPU allows");
            assert.equal(td.inputs.executionRoleArn, "arn:aws:iam::123456789012:role/shop-task-execution");
            const c = containerOf("backend-stable");
            assert.equal(c.image, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-backend:1.0.0");
            assert.deepEqual(c.portMappings, [{ name: "http", containerPort: 8080, protocol: "tcp" }]);
            assert.deepEqual(c.environment, [
                { name: "LOG_FORMAT", value: "json" },
                { name: "SHIPGATE_TRACK", value: "stable" },
                { name: "SHIPGATE_VERSION", value: "1.0.0" },
            ]);
            assert.deepEqual(c.secrets, [{ name: "DATABASE_URL", valueFrom: `${DB_SECRET}:url::` }], "the secret's value never appears in the task definition");
            assert.equal(c.cpu, 256);
            assert.equal(c.memoryReservation, 256);
            assert.equal(c.memory, 512);
            assert.deepEqual(c.logConfiguration, {
                logDriver: "awslogs",
                options: { "awslogs-group": "/ecs/shop-production-backend", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "stable" },
            });
            const svc = findResource(T.ecsService, "backend-stable");
            assert.equal(svc.inputs.launchType, "FARGATE");
            assert.deepEqual(svc.inputs.networkConfiguration, { subnets: ["subnet-private-a", "subnet-private-b"], securityGroups: ["sg-tasks"], assignPublicIp: false });
            assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
            assert.equal(svc.inputs.deploymentMinimumHealthyPercent, 100);
            assert.deepEqual(svc.inputs.loadBalancers, [
                { targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/backend-stable/73e2d6bc24d8a067", containerName: "backend", containerPort: 8080 },
            ]);
            assert.equal(findResource(T.logGroup, "backend").inputs.retentionInDays, 30);
        });
    });

    describe("a rolling release", () => {
        it("runs one track `current` with ECS's rolling update bounded by maxSurge/maxUnavailable", async () => {
            const component = await ecs({ strategy: "rolling", current: "1.0.0", maxSurge: "50%", maxUnavailable: 1 });
            assert.deepEqual(resourceNames(T.ecsService), ["backend-current"]);
            const svc = findResource(T.ecsService, "backend-current");
            assert.equal(svc.inputs.deploymentMaximumPercent, 150);
            assert.equal(svc.inputs.deploymentMinimumHealthyPercent, 75, "1 of 4 tasks may be unavailable");
            assert.deepEqual(forwardWeights(findResource(T.listener, "backend")), { "backend-current": 100 });
            assert.equal(await promiseOf(component.previewEndpoint), undefined);
        });
    });

    describe("invalid args", () => {
        const problemsOf = (fn: () => unknown): string[] => {
            try {
                fn();
            } catch (e) {
                return (e as { problems: { path: string; message: string }[] }).problems.map((p) => `${p.path}: ${p.message}`);
            }
            assert.fail("expected the args to be rejected");
        };

        it("refuses a rolling release half-way (next on part of the tasks): ECS rolls every task in one update", () => {
            const found = problemsOf(() => new aws.EcsService("backend", ecsArgs({ strategy: "rolling", current: "1.0.0", next: "2.0.0", weight: 50 })));
            assert.deepEqual(found, [
                "service.release.next: aws rolls every replica in one update, so a rolling release cannot run 2.0.0 on part of them: remove next and weight (batch by batch runs on local and kubernetes)",
            ]);
        });

        it("reports every problem at once, each with its field and fix", () => {
            const found = problemsOf(
                () =>
                    new aws.EcsService("Backend_Service_Long_Name", {
                        ...ecsArgs(SETTLED, {}, { env: { DATABASE_URL: "postgres://leak" }, replicas: 0 }),
                        cluster: "",
                        loadBalancer: { subnetIds: [], securityGroupIds: ["sg-alb"] },
                        network: { vpcId: "vpc-0abc", subnetIds: ["subnet-a"], securityGroupIds: [] },
                    }),
            );
            assert.deepEqual(
                found.map((f) => f.split(":")[0]),
                ["name", "service.replicas", "cluster", "network.securityGroupIds", "loadBalancer.subnetIds", "loadBalancer.certificateArn"],
                found.join("\n"),
            );
            assert.match(found[0], /cannot name EcsService's AWS resources: use 1-16 lower-case letters/);
            assert.match(found[5], /an HTTPS listener needs a certificate: set loadBalancer\.certificateArn/);
        });

        it("refuses a secret that is not a Secrets Manager ARN, a region that is not one, and a test port taken by production", () => {
            const found = problemsOf(
                () =>
                    new aws.EcsService(
                        "backend",
                        ecsArgs(SETTLED, { region: "Ireland", loadBalancer: { subnetIds: ["a", "b"], securityGroupIds: ["sg"], certificateArn: CERTIFICATE, testPort: 443 } }, {
                            secretEnv: { DATABASE_URL: { secretName: "backend-db", key: "url" } },
                        }),
                    ),
            );
            assert.equal(found.length, 3, found.join("\n"));
            assert.match(found[0], /^service\.secretEnv\.DATABASE_URL\.secretName: "backend-db" is not a Secrets Manager secret ARN/);
            assert.match(found[1], /^region: region must be an AWS region such as "eu-west-1"/);
            assert.match(found[2], /^loadBalancer\.testPort: the test listener needs a port of its own: 443 is already the production listener's/);
        });

        it("refuses limits no Fargate size holds, requests above limits and a log retention CloudWatch does not offer", () => {
            const found = problemsOf(
                () =>
                    new aws.EcsService(
                        "backend",
                        ecsArgs(SETTLED, { logRetentionDays: 10 }, { resources: { requests: { cpu: "100m", memory: "2Gi" }, limits: { cpu: "32", memory: "1Gi" } } }),
                    ),
            );
            assert.deepEqual(found, [
                "service.resources.limits: no Fargate task size holds 32 CPU and 1Gi memory (at most 16 vCPU and 120 GiB): lower the limits",
                "service.resources.requests.memory: the memory request (2Gi) is above the limit (1Gi): ECS refuses a reservation above the hard limit, lower the request",
                "logRetentionDays: logRetentionDays must be one CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
            ]);
        });
    });
});
