// Resources and checklists the policy tests start from: each is clean in production, and a test
// changes one thing to make one gate fail.
import { ChecklistInput, ReleaseStateInput, ServiceSpecInput, ServiceSpecSchema } from "../../../components/release";

export const LOCAL_CANARY = "shipgate:local:CanaryService";
export const LOCAL_BLUE_GREEN = "shipgate:local:BlueGreenService";
export const K8S_CANARY = "shipgate:kubernetes:CanaryService";
export const K8S = {
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    job: "kubernetes:batch/v1:Job",
    service: "kubernetes:core/v1:Service",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
} as const;

/** Type tokens of the AWS and Azure resources the gates read. */
export const AWS = {
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    ecsService: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    lambdaFunction: "aws:lambda/function:Function",
    alias: "aws:lambda/alias:Alias",
} as const;
export const AZURE = {
    containerApp: "azure-native:app:ContainerApp",
    webApp: "azure-native:web:WebApp",
    webAppSlot: "azure-native:web:WebAppSlot",
    appServicePlan: "azure-native:web:AppServicePlan",
} as const;

export const CANARY: ReleaseStateInput = { strategy: "canary", stable: "1.0.0", canary: "1.1.0", weight: 25 };
export const BLUE_GREEN: ReleaseStateInput = { strategy: "blueGreen", blue: "1.0.0", green: "1.1.0", active: "blue" };

/** A service spec as the components register it: validated, defaults filled in. */
export function spec(release: ReleaseStateInput = CANARY, overrides: Partial<ServiceSpecInput> = {}): Record<string, any> {
    return ServiceSpecSchema.parse({
        image: "ghcr.io/acme/backend",
        replicas: 2,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        env: { LOG_FORMAT: "json" },
        secretEnv: { DATABASE_URL: { secretName: "backend-db", key: "url" } },
        ...overrides,
        release,
    });
}

/** The inputs of a local platform service component (`{service, run, port, previewPort}`). */
export function localProps(service: Record<string, any> = spec()): Record<string, unknown> {
    return { service, run: { command: "node", args: ["examples/shop/backend.ts"], cwd: "." }, port: 23010, previewPort: 23011 };
}

/** The inputs of a Kubernetes service component (`{namespace, service, router, labels}`). */
export function kubernetesProps(service: Record<string, any> = spec()): Record<string, unknown> {
    return {
        namespace: "shop",
        service,
        router: { kind: "gatewayApi", gateway: { name: "public", namespace: "gateway-system", sectionName: "https" }, hostnames: ["shop.example.com"] },
        labels: {},
    };
}

/** A container that passes every container rule. */
export function container(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const probe = { httpGet: { path: "/health", port: 8080 } };
    return {
        name: "api",
        image: "ghcr.io/acme/api:2.3.1",
        readinessProbe: probe,
        livenessProbe: probe,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        env: [
            { name: "LOG_FORMAT", value: "json" },
            { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        ],
        ...overrides,
    };
}

/** A hand-written Deployment that passes every resource rule. */
export function deployment(containerOverrides: Record<string, unknown> = {}, specOverrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        metadata: { name: "api", namespace: "shop" },
        spec: {
            replicas: 3,
            selector: { matchLabels: { app: "api" } },
            template: { metadata: { labels: { app: "api" } }, spec: { containers: [container(containerOverrides)] } },
            ...specOverrides,
        },
    };
}

/** A checklist that passes every gate in production (a Tuesday morning, inside the window). */
export function checklist(overrides: Partial<ChecklistInput> = {}): ChecklistInput {
    return {
        environment: "production",
        version: "1.1.0",
        commit: "4f2c1a9",
        author: "dev",
        tests: { passed: true, total: 412, failed: 0, suites: { unit: { passed: true }, integration: { passed: true } } },
        coverage: 86.4,
        vulnerabilities: { critical: 0, high: 0, medium: 2, low: 5, scanner: "trivy" },
        review: { approved: true, reviewers: ["carol"] },
        staging: { version: "1.1.0", succeeded: true, finishedAt: "2026-03-09T15:00:00Z" },
        approvers: ["alice"],
        rollback: { target: "1.0.0" },
        clock: "2026-03-10T10:00:00Z",
        ...overrides,
    };
}

/** `shipgate:services` of a two-service stack, frontend linked to backend. */
export function stackServices(backend: ReleaseStateInput = CANARY, frontend: ReleaseStateInput = { strategy: "canary", stable: "1.0.0" }): Record<string, ServiceSpecInput> {
    return {
        backend: { image: "ghcr.io/acme/backend", release: backend },
        frontend: { image: "ghcr.io/acme/frontend", links: { BACKEND_URL: "backend" }, release: frontend },
    };
}
