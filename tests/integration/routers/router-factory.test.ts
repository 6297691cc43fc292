import { strict as assert } from "node:assert";
import { RouterDescriptorSchema } from "../../../components/release";
import { RouterError } from "../../../stacks/automation/routers/router";
import { createRouter } from "../../../stacks/automation/routers/router-factory";
import { UNREACHABLE_KUBECONFIG } from "../../helpers/unreachable-kubeconfig";

describe("router factory", () => {
    it("builds each cloud router from its descriptor, named after what it routes", () => {
        const context = { env: { AZURE_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000000" }, awsEndpoint: "http://127.0.0.1:9", azureCredential: { getToken: async () => null } };
        const names = [
            { kind: "alb", region: "eu-west-1", listenerArn: "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/shop/1/2", targetGroups: { stable: "a", canary: "b" } },
            { kind: "lambdaAlias", region: "eu-west-1", functionName: "shop-api", alias: "live", versions: { stable: "7", canary: "8" } },
            { kind: "containerApp", resourceGroup: "shop", app: "backend", revisions: { stable: "backend--a", canary: "backend--b" } },
            { kind: "appService", resourceGroup: "shop", app: "site", slot: "staging", slots: { blue: "production", green: "staging" }, versions: { blue: "1", green: "2" }, switching: "swap" },
        ].map((d) => {
            const router = createRouter(RouterDescriptorSchema.parse(d), context);
            assert.equal(router.kind, d.kind);
            return router.name;
        });
        assert.deepEqual(names, ["alb listener app/shop/1/2", "lambda alias shop-api:live", "container app shop/backend", "app service shop/site"]);
    });

    it("builds each Kubernetes router from its descriptor and the stack's kubeconfig", () => {
        const names = [
            { kind: "gatewayApi", cluster: { context: "shop" }, namespace: "shop", httpRoute: "backend", backends: { stable: "backend-stable" }, deployments: { stable: "backend-stable" } },
            { kind: "ingressNginx", cluster: {}, namespace: "shop", ingress: "backend", canaryIngress: "backend-canary", backends: { stable: "backend-stable" }, deployments: {} },
            { kind: "kubernetesReplicas", cluster: {}, namespace: "shop", deployments: { blue: "backend-blue" }, selector: { service: "backend", label: "shipgate.dev/track" } },
        ].map((d) => createRouter(RouterDescriptorSchema.parse(d), { env: {}, kubeconfig: UNREACHABLE_KUBECONFIG }).name);
        assert.deepEqual(names, ["HTTPRoute shop/backend", "Ingress shop/backend", "Service shop/backend"]);
    });

    it("names the missing kubeconfig context and the ones there are", () => {
        const descriptor = RouterDescriptorSchema.parse({ kind: "kubernetesReplicas", cluster: { context: "prod" }, namespace: "shop", deployments: { stable: "a" } });
        assert.throws(
            () => createRouter(descriptor, { env: {}, kubeconfig: UNREACHABLE_KUBECONFIG }),
            (e: Error) => e instanceof RouterError && /no context prod \(shipgate:kubernetes.context\): use one of shop/.test(e.message),
        );
    });
});
