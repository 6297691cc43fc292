import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { runStackProgram, stackFileConfig } from "../helpers/cloud-mocks";
import { findResource, findResources, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { T } from "./fixtures";

const EXAMPLE = "examples/stacks/Pulumi.aws-production.yaml";

describe("the stack program on AWS (examples/stacks/Pulumi.aws-production.yaml)", function () {
    // The first run loads the cloud SDKs into the program.
    this.timeout(60_000);
    it("declares each service with its compute kind, one provider in the stack's region, in deploy order", async () => {
        const outputs = await runStackProgram(stackFileConfig(EXAMPLE), "production");
        assert.equal(outputs.platform, "aws");
        assert.deepEqual(resourceNames(T.ecsComponent), ["backend"]);
        assert.deepEqual(resourceNames(T.ecsNativeComponent), ["frontend"]);
        assert.deepEqual(resourceNames(T.lambdaComponent), ["search"]);
        const provider = findResource("pulumi:providers:aws", "aws");
        assert.equal(provider.inputs.region, "eu-west-1");
        assert.deepEqual(findResources("pulumi:providers:aws").length, 1);
        // Nothing named in the config is created: a cluster and an execution role that may read the backend's secret.
        assert.deepEqual(resourceNames("aws:ecs/cluster:Cluster"), ["shipgate"]);
        const secrets = JSON.parse(findResource("aws:iam/rolePolicy:RolePolicy", "shipgate-task-secrets").inputs.policy);
        assert.deepEqual(secrets.Statement[0].Resource, ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/backend-db-AbCdEf"]);
        assert.deepEqual(resourceNames(T.role).filter((r) => r === "shipgate-lambda"), [], "the Lambda role is given");
        // backend before frontend: the frontend links to the backend's endpoint.
        assert.deepEqual(outputs.deployOrder, ["backend", "frontend", "search"]);
        assert.ok(findResource(T.ecsNativeComponent, "frontend").dependsOn.includes("backend"));
        const [frontendContainer] = JSON.parse(findResource(T.taskDefinition, "frontend").inputs.containerDefinitions);
        assert.deepEqual(
            frontendContainer.environment.find((e: { name: string }) => e.name === "BACKEND_URL"),
            { name: "BACKEND_URL", value: "https://api.shop.example.com" },
        );
        assert.equal(findResource(T.taskDefinition, "backend-stable").inputs.family, "shipgate-production-backend-stable");
        assert.deepEqual(findResource(T.alarm, "backend-stable-5xx").inputs.alarmActions, ["arn:aws:sns:eu-west-1:123456789012:shop-oncall"]);
    });

    it("exports each track's CloudWatch dimensions for the release engine", async () => {
        const outputs = await runStackProgram(stackFileConfig(EXAMPLE), "production");
        const metrics: any = await promiseOf(outputs.metrics.cloudwatch);
        assert.equal(metrics.region, "eu-west-1");
        assert.deepEqual(metrics.targets.backend.stable, { kind: "alb", loadBalancer: "app/backend/50dc6c495c0c9188", targetGroup: "targetgroup/backend-stable/73e2d6bc24d8a067" });
        assert.deepEqual(metrics.targets.search.blue, { kind: "lambda", functionName: "search-fn", alias: "live", version: "1" });
        const backend: any = await promiseOf(outputs.services.backend);
        assert.equal(backend.endpoint, "https://api.shop.example.com");
        assert.equal(backend.tracks.stable.weight, 100);
        assert.deepEqual([backend.router.kind, backend.router.region], ["alb", "eu-west-1"]);
        const search: any = await promiseOf(outputs.services.search);
        assert.deepEqual(search.router, { kind: "lambdaAlias", region: "eu-west-1", functionName: "search-fn", alias: "live", versions: { blue: "1" } });
    });

    it("stops with the key and the fix when the aws block is missing or names another service", async () => {
        const config = stackFileConfig(EXAMPLE) as Record<string, any>;
        const { ["shipgate:aws"]: _, ...noAws } = config;
        await assert.rejects(runStackProgram(noAws, "production"), (err: unknown) => err instanceof pulumi.RunError && /shipgate:aws: missing while shipgate:platform is aws/.test(err.message));
        const extra = structuredClone(config);
        extra["shipgate:aws"].services.payments = { kind: "lambda" };
        await assert.rejects(runStackProgram(extra, "production"), /shipgate:aws\.services\.payments: there is no service payments in shipgate:services/);
        const bad = structuredClone(config);
        delete bad["shipgate:aws"].loadBalancer;
        bad["shipgate:aws"].region = "europe";
        await assert.rejects(runStackProgram(bad, "production"), (err: unknown) => {
            const message = (err as Error).message;
            assert.match(message, /shipgate:aws\.region: region must be an AWS region such as "eu-west-1"/);
            assert.match(message, /shipgate:aws\.loadBalancer: ECS services need loadBalancer/);
            return true;
        });
    });
});
