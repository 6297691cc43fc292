// The AWS and Azure side of the Pulumi mocks: outputs a cloud would compute (ARN suffixes, DNS
// names, Lambda version numbers, Container Apps FQDNs), and the ledgers' `check` as the engine
// runs it, with the state carried from one `up` (one build) to the next.
import type * as pulumi from "@pulumi/pulumi";
import { reduceLambdaCode, reduceLambdaVersions } from "../../../components/aws/lambda-ledger";
import { reduceRevisions } from "../../../components/azure/revision-ledger";
import { LedgerReducer } from "../../../components/ledger";
import { installMocks } from "./pulumi-mocks";

const REDUCERS: Record<string, LedgerReducer<any, any>> = {
    "pulumi-nodejs:dynamic/shipgate:LambdaCodeLedger": reduceLambdaCode,
    "pulumi-nodejs:dynamic/shipgate:LambdaVersionLedger": reduceLambdaVersions,
    "pulumi-nodejs:dynamic/shipgate:RevisionLedger": reduceRevisions,
};

/** What the "stack" remembers between builds: ledger states and Lambda publications. */
const memory = {
    ledgers: new Map<string, unknown>(),
    lambda: new Map<string, { fingerprint: string; version: number; published: { version: string; imageUri: string }[] }>(),
};

/** Forgets everything: the next build is a first `up` on an empty stack (no ledger state, no published Lambda version). */
export function resetCloud(): void {
    memory.ledgers.clear();
    memory.lambda.clear();
    ledgerFailures.length = 0;
}

/** Every version a mocked Lambda function published, oldest first. */
export function publishedVersions(functionName: string): { version: string; imageUri: string }[] {
    return memory.lambda.get(functionName)?.published ?? [];
}

/** Failures a ledger reported (the engine would fail the `up` with them). */
export const ledgerFailures: { name: string; failure: string }[] = [];

function outputsFor(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined {
    const { type, name, inputs } = args;
    const reducer = REDUCERS[type];
    if (reducer) {
        const key = `${type}::${name}`;
        const result = reducer(memory.ledgers.get(key) as never, inputs.request);
        if ("failure" in result) {
            ledgerFailures.push({ name, failure: result.failure });
            return { state: undefined };
        }
        memory.ledgers.set(key, result.state);
        return { state: result.state };
    }
    switch (type) {
        case "aws:lb/loadBalancer:LoadBalancer":
            return { arn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/${name}/50dc6c495c0c9188`, arnSuffix: `app/${name}/50dc6c495c0c9188`, dnsName: `${name}-1234567890.eu-west-1.elb.amazonaws.com` };
        case "aws:lb/targetGroup:TargetGroup":
            return { arn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${name}/73e2d6bc24d8a067`, arnSuffix: `targetgroup/${name}/73e2d6bc24d8a067` };
        case "aws:lb/listener:Listener":
        case "aws:lb/listenerRule:ListenerRule":
            return { arn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/${name}` };
        case "aws:ecs/taskDefinition:TaskDefinition":
            return { arn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${inputs.family}:1` };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { name: `${name}-alarm` };
        case "aws:cloudwatch/logGroup:LogGroup":
        case "aws:iam/role:Role":
            return { name: inputs.name ?? name, arn: `arn:aws:iam::123456789012:role/${name}` };
        case "aws:lambda/function:Function": {
            // Lambda publishes a version when code or configuration changed since the last one.
            const fnName = `${name}-fn`;
            const fingerprint = JSON.stringify({ ...inputs, tags: undefined });
            const last = memory.lambda.get(fnName);
            let entry = last;
            if (!last || last.fingerprint !== fingerprint) {
                const version = (last?.version ?? 0) + 1;
                entry = { fingerprint, version, published: [...(last?.published ?? []), { version: String(version), imageUri: inputs.imageUri }] };
                memory.lambda.set(fnName, entry);
            }
            return { name: fnName, arn: `arn:aws:lambda:eu-west-1:123456789012:function:${fnName}`, version: String(entry!.version) };
        }
        case "aws:lambda/alias:Alias":
            return { arn: `arn:aws:lambda:eu-west-1:123456789012:function:${inputs.functionName}:${inputs.name}` };
        case "aws:lambda/functionUrl:FunctionUrl":
            return { functionUrl: `https://${inputs.qualifier}-${inputs.functionName}.lambda-url.eu-west-1.on.aws/` };
        case "azure-native:app:ContainerApp":
            return {
                id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.App/containerApps/${inputs.containerAppName}`,
                configuration: { ...inputs.configuration, ingress: { ...inputs.configuration?.ingress, fqdn: `${inputs.containerAppName}.kindhill-1234abcd.westeurope.azurecontainerapps.io` } },
            };
        case "azure-native:web:WebApp":
            return {
                id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Web/sites/${inputs.name}`,
                defaultHostName: `${inputs.name}.azurewebsites.net`,
            };
        case "azure-native:web:WebAppSlot":
            return {
                id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Web/sites/${inputs.name}/slots/${inputs.slot}`,
                defaultHostName: `${inputs.name}-${inputs.slot}.azurewebsites.net`,
            };
        case "azure-native:web:AppServicePlan":
            return { id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Web/serverfarms/${name}` };
        default:
            return undefined;
    }
}

const ignoreChanges = new Map<string, string[]>();

/** Records `ignoreChanges` from the registration requests (the mocks' callback does not show options). */
function captureIgnoreChanges(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
    if (MockMonitor.prototype.__shipgateCapturesIgnoreChanges) {
        return;
    }
    const register = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (req: any, callback: any) {
        ignoreChanges.set(`${req.getType()}::${req.getName()}`, req.getIgnorechangesList());
        return register.call(this, req, callback);
    };
    MockMonitor.prototype.__shipgateCapturesIgnoreChanges = true;
}

/** The properties a resource was registered with in `ignoreChanges`. */
export function ignoredChanges(type: string, name: string): string[] {
    return ignoreChanges.get(`${type}::${name}`) ?? [];
}

/** Installs the shared mocks with the cloud's outputs; call before importing the components. */
export async function installCloudMocks(stack = "test"): Promise<void> {
    captureIgnoreChanges();
    await installMocks({ outputs: outputsFor, stack });
}

/** Runs the stack program as `pulumi up` would, under the cloud mocks, with a stack file's config. */
export async function runStackProgram(config: Record<string, unknown>, stack: string): Promise<Record<string, any>> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumiSdk = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { resetResources, settle } = require("./pulumi-mocks") as typeof import("./pulumi-mocks");
    await installCloudMocks(stack);
    resetCloud();
    resetResources();
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumiSdk.runtime.setAllConfig(values);
    const program = require.resolve("../../../stacks/program/index");
    delete require.cache[program];
    const outputs = require(program) as Record<string, any>;
    await settle();
    return outputs;
}

/** A stack file's `config`. */
export function stackFileConfig(file: string): Record<string, unknown> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require("yaml") as typeof import("yaml");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    return (YAML.parse(readFileSync(require.resolve(`../../../${file}`), "utf8")) as { config: Record<string, unknown> }).config;
}
