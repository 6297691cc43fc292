// The pack over what the example AWS and Azure production stacks really register (the stack
// program under the Pulumi and cloud mocks): every component input and child, with URNs that carry
// the parent chain, dependencies (property dependencies included) and ignoreChanges as the engine
// hands them to a policy. The providers are not on these machines, so this is where the rules
// meet the components.
import { strict as assert } from "node:assert";
import { resourceGates, stackGates } from "../../../policies/deployment-gates/policies";
import { typeChain } from "../../../policies/deployment-gates/lib/resources";
import { runStackProgram, stackFileConfig } from "../helpers/cloud-mocks";
import { RecordedResource, recordedResources } from "../helpers/pulumi-mocks";
import { Violation, resourceArgs, runResourcePolicy, runStackPolicy, stackArgs, testDeps } from "../../helpers/policy-args";

const AWS_EXAMPLE = "examples/stacks/Pulumi.aws-production.yaml";
const AZURE_EXAMPLE = "examples/stacks/Pulumi.azure-production.yaml";

/** What a registration request carries beyond the inputs the mocks' callback sees, by `type::name`. */
interface Registration {
    readonly urn: string;
    readonly parent?: string;
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
    readonly ignoreChanges: string[];
}

const registrations = new Map<string, Registration>();

function captureRegistrations(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
    if (MockMonitor.prototype.__shipgateCapturesGraph) return;
    const register = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (req: any, callback: any) {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
            propertyDependencies[key] = deps.getUrnsList();
        });
        registrations.set(`${req.getType()}::${req.getName()}`, {
            urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
            ...(req.getParent() ? { parent: req.getParent() } : {}),
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            ignoreChanges: req.getIgnorechangesList(),
        });
        return register.call(this, req, callback);
    };
    MockMonitor.prototype.__shipgateCapturesGraph = true;
}

const idOf = (r: RecordedResource) => `${r.type}::${r.name}`;
const idOfUrn = (urn: string) => `${typeChain(urn).pop()}::${urn.split("::").pop()}`;

interface Reported extends Violation {
    readonly policy: string;
    readonly resource: string;
}

/** The policies that read the resource graph alone (the checklist gates read CI's checklist). */
const GRAPH_GATES = ["pod-disruption-budget", "production-alarms", "ecs-native-ignore-changes"];

interface Tampering {
    /** Leaves resources out of the record, as if the program had not registered them. */
    readonly drop?: (r: RecordedResource) => boolean;
    /** Registers resources with other ignoreChanges, by `type::name`. */
    readonly ignoreChanges?: Readonly<Record<string, string[]>>;
}

/** Runs every resource gate on every recorded resource and the graph's stack gates on the whole record. */
async function runPack(environment: "staging" | "production", tampering: Tampering = {}): Promise<Reported[]> {
    const deps = testDeps({ environment });
    const out: Reported[] = [];
    const recorded = recordedResources().filter((r) => !tampering.drop?.(r));
    const ignored = (id: string) => tampering.ignoreChanges?.[id] ?? registrations.get(id)?.ignoreChanges ?? [];
    for (const r of recorded) {
        const registration = registrations.get(idOf(r));
        for (const policy of resourceGates(deps)) {
            const args = resourceArgs({ type: r.type, name: r.name, props: r.inputs, ancestors: typeChain(registration?.urn ?? "").slice(0, -1) });
            args.opts.ignoreChanges = ignored(idOf(r));
            const outcome = await runResourcePolicy(policy, args);
            out.push(...outcome.violations.map((v) => ({ ...v, policy: policy.name, resource: idOf(r) })));
        }
    }
    const ids = new Set(recorded.map(idOf));
    const known = (urns: readonly string[]) => urns.map(idOfUrn).filter((d) => ids.has(d));
    const stack = stackArgs(
        recorded.map((r) => {
            const registration = registrations.get(idOf(r));
            const parent = registration?.parent && ids.has(idOfUrn(registration.parent)) ? idOfUrn(registration.parent) : undefined;
            return { id: idOf(r), type: r.type, name: r.name, props: r.inputs, ...(parent ? { parent } : {}), dependsOn: known(registration?.dependencies ?? []) };
        }),
    );
    // The engine's own view of options and property dependencies, which the helper leaves empty.
    const byId = new Map(stack.resources.map((r) => [idOfUrn(r.urn), r]));
    for (const r of stack.resources) {
        const registration = registrations.get(idOfUrn(r.urn));
        r.opts.ignoreChanges = ignored(idOfUrn(r.urn));
        for (const [key, urns] of Object.entries(registration?.propertyDependencies ?? {})) {
            r.propertyDependencies[key] = known(urns).map((id) => byId.get(id)!);
        }
    }
    for (const policy of stackGates(deps).filter((p) => GRAPH_GATES.includes(p.name))) {
        const outcome = await runStackPolicy(policy, stack);
        out.push(...outcome.violations.map((v) => ({ ...v, policy: policy.name, resource: "stack" })));
    }
    return out;
}

const summary = (found: readonly Reported[]) => found.map((f) => `${f.policy} ${f.resource}`).sort();

describe("the pack on the example AWS and Azure production stacks (mocks)", function () {
    // The first run loads the cloud SDKs into the program.
    this.timeout(120_000);

    before(() => captureRegistrations());

    it("finds nothing wrong with the AWS example: ECS with shipgate's weights, ECS-native CANARY, a Lambda alias", async () => {
        await runStackProgram(stackFileConfig(AWS_EXAMPLE), "production");
        const types = new Set(recordedResources().map((r) => r.type));
        for (const t of ["aws:lb/targetGroup:TargetGroup", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:lb/listenerRule:ListenerRule", "aws:lambda/alias:Alias"]) {
            assert.ok(types.has(t), `the example registers ${t}`);
        }
        const rules = [...registrations.entries()].filter(([id]) => id.startsWith("aws:lb/listenerRule:ListenerRule::frontend"));
        assert.ok(rules.length >= 2 && rules.every(([, r]) => r.ignoreChanges.includes("actions")), "the ECS-native rules ignore their actions");
        assert.deepEqual(await runPack("production"), []);
    });

    it("finds nothing wrong with the Azure example: a Container App blue-green, an App Service canary", async () => {
        await runStackProgram(stackFileConfig(AZURE_EXAMPLE), "production");
        assert.ok(recordedResources().some((r) => r.type === "azure-native:app:ContainerApp"));
        assert.ok(recordedResources().some((r) => r.type === "azure-native:web:WebAppSlot"));
        assert.deepEqual(await runPack("production"), []);
    });

    it("would report alarms missing in production and listener rules Pulumi fights ECS over", async () => {
        await runStackProgram(stackFileConfig(AWS_EXAMPLE), "production");
        const found = await runPack("production", {
            drop: (r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && /-(p95|errors)$/.test(r.name),
            ignoreChanges: { "aws:lb/listenerRule:ListenerRule::frontend-test": [] },
        });
        assert.deepEqual(summary(found), [
            "ecs-native-ignore-changes stack",
            "production-alarms stack",
            "production-alarms stack",
            "production-alarms stack",
            "production-alarms stack",
        ]);
        const messages = found.map((f) => f.message).sort();
        for (const tg of ["backend-stable", "frontend-blue", "frontend-green"]) {
            assert.ok(messages.some((m) => m.startsWith(`target group "${tg}": has no p95 latency alarm`)), `${tg}: ${messages.join("\n")}`);
        }
        assert.ok(messages.some((m) => m.startsWith('Lambda alias "search-live" (live): takes production traffic with no error alarm and no p95 duration alarm')), messages.join("\n"));
        assert.ok(messages.some((m) => m.startsWith('listener rule "frontend-test": has its traffic shifted by ECS service "frontend" (CANARY deployment)')), messages.join("\n"));
    });

    it("reports a one-task ECS service once, on the component, not again on its ECS services", async () => {
        const config = structuredClone(stackFileConfig(AWS_EXAMPLE)) as Record<string, any>;
        config["shipgate:services"].backend.replicas = 1;
        await runStackProgram(config, "production");
        const found = await runPack("production");
        assert.deepEqual(summary(found), ["production-replicas shipgate:aws:EcsService::backend"]);
        assert.match(found[0].message, /set shipgate:services\.backend\.replicas to 2 or more/);
    });

    it("reports a one-instance App Service once, on the component, not again on its plan", async () => {
        const config = structuredClone(stackFileConfig(AZURE_EXAMPLE)) as Record<string, any>;
        config["shipgate:services"].frontend.replicas = 1;
        await runStackProgram(config, "production");
        assert.deepEqual(summary(await runPack("production")), ["production-replicas shipgate:azure:WebAppService::frontend"]);
    });

    it("reports a secret in a service's env on the component, whatever the platform renders it into", async () => {
        const config = structuredClone(stackFileConfig(AZURE_EXAMPLE)) as Record<string, any>;
        config["shipgate:services"].backend.env = { API_TOKEN: "abc123" };
        await runStackProgram(config, "staging");
        assert.deepEqual(summary(await runPack("staging")), ["no-plaintext-secrets shipgate:azure:ContainerAppService::backend"]);
    });
});
