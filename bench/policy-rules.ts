// Benchmark: every resource rule of the deployment-gates pack over 2,000 resources (a production
// stack of Kubernetes canary services: the component and its Deployments, Services, budgets and
// route; one service in ten with a plaintext secret and a "latest" image), then the stack rules
// over the same stack.
// The arguments are built once, as the engine would hand them over (props behind the
// unknown-checking proxy); only the rules are timed. Prints the median of several runs.
//
//   node -r ts-node/register/transpile-only bench/policy-rules.ts        (BENCH_RESOURCES, BENCH_RUNS)
import { performance } from "node:perf_hooks";
import { resourceGates, stackGates } from "../policies/deployment-gates/policies";
import type { ResourceValidationArgs, StackValidationArgs } from "../policies/deployment-gates/lib/sdk";
import { CHECKLIST_POLICIES } from "../components/release";
import { StackResourceInput, resourceArgs, runResourcePolicy, runStackPolicy, stackArgs, testDeps } from "../tests/helpers/policy-args";
import { K8S, K8S_CANARY, checklist, container, kubernetesProps, spec } from "../tests/unit/policies/fixtures";

const TOTAL = Number(process.env.BENCH_RESOURCES ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** One canary service as shipgate's Kubernetes component registers it: 8 resources. */
function service(i: number): StackResourceInput[] {
    const name = `svc-${i}`;
    const labels = (track: string) => ({ "app.kubernetes.io/name": name, "shipgate.dev/track": track });
    const workload = (track: string, replicas: number) => ({
        metadata: { name: `${name}-${track}`, namespace: "shop", labels: labels(track) },
        spec: {
            replicas,
            selector: { matchLabels: labels(track) },
            template: { metadata: { labels: labels(track) }, spec: { containers: [container({ name, image: `ghcr.io/acme/${name}:1.${i}.0` })] } },
        },
    });
    const pdb = (track: string) => ({ metadata: { name: `${name}-${track}`, namespace: "shop" }, spec: { maxUnavailable: 1, selector: { matchLabels: labels(track) } } });
    const svc = (track: string) => ({ metadata: { name: `${name}-${track}`, namespace: "shop" }, spec: { type: "ClusterIP", ports: [{ port: 8080 }] } });
    const component = `${K8S_CANARY}::${name}`;
    return [
        // One service in ten carries two mistakes (a plaintext secret, a "latest" canary), so messages are built too.
        {
            id: component,
            type: K8S_CANARY,
            name,
            props: kubernetesProps(
                spec({ strategy: "canary", stable: `1.${i}.0`, canary: i % 10 === 0 ? "latest" : `1.${i}.1`, weight: 25 }, i % 10 === 0 ? { env: { API_TOKEN: "t0ps3cret" } } : {}),
            ),
        },
        ...["stable", "canary"].flatMap((track) => [
            { id: `${K8S.deployment}::${name}-${track}`, type: K8S.deployment, name: `${name}-${track}`, parent: component, props: workload(track, track === "stable" ? 4 : 1) },
            { id: `${K8S.service}::${name}-${track}`, type: K8S.service, name: `${name}-${track}`, parent: component, props: svc(track) },
            { id: `${K8S.pdb}::${name}-${track}`, type: K8S.pdb, name: `${name}-${track}`, parent: component, props: pdb(track) },
        ]),
        {
            id: `${K8S.httpRoute}::${name}`,
            type: K8S.httpRoute,
            name,
            parent: component,
            props: { metadata: { name, namespace: "shop" }, spec: { parentRefs: [{ name: "public", sectionName: "https" }], hostnames: [`${name}.example.com`] } },
        },
    ];
}

const inputs: StackResourceInput[] = [];
for (let i = 0; inputs.length < TOTAL; i++) inputs.push(...service(i).slice(0, TOTAL - inputs.length));

const deps = testDeps({ environment: "production" });
const resourcePolicies = resourceGates(deps);
const stackPolicies = stackGates(deps);
const byId = new Map(inputs.map((r) => [r.id ?? r.name, r]));
const ancestorsOf = (r: StackResourceInput): string[] => (r.parent ? [...ancestorsOf(byId.get(r.parent)!), byId.get(r.parent)!.type] : []);
const args: ResourceValidationArgs[] = inputs.map((r) => resourceArgs({ type: r.type, name: r.name, props: r.props ?? {}, ancestors: ancestorsOf(r) }));
const stackConfig = (name: string) => ((CHECKLIST_POLICIES as readonly string[]).includes(name) ? { checklist: checklist() } : {});
const stack: StackValidationArgs = stackArgs(inputs);

async function resourceRun(): Promise<{ ms: number; violations: number }> {
    let violations = 0;
    const start = performance.now();
    for (const a of args) {
        for (const p of resourcePolicies) violations += (await runResourcePolicy(p, a)).violations.length;
    }
    return { ms: performance.now() - start, violations };
}

async function stackRun(): Promise<{ ms: number; violations: number }> {
    let violations = 0;
    const start = performance.now();
    for (const p of stackPolicies) {
        const withConfig = { ...stack, getConfig: <T extends object>() => stackConfig(p.name) as T };
        violations += (await runStackPolicy(p, withConfig)).violations.length;
    }
    return { ms: performance.now() - start, violations };
}

async function main(): Promise<void> {
    await resourceRun(); // warm-up: module loading, JIT, config caches
    const resource = [];
    const stackRuns = [];
    for (let i = 0; i < RUNS; i++) {
        resource.push(await resourceRun());
        stackRuns.push(await stackRun());
    }
    const validations = args.length * resourcePolicies.length;
    const rMs = median(resource.map((r) => r.ms));
    const sMs = median(stackRuns.map((r) => r.ms));
    console.log(`deployment-gates rules over ${args.length} resources (${inputs.filter((r) => r.type === K8S_CANARY).length} Kubernetes canary services), median of ${RUNS} runs`);
    console.log(
        `  resource rules: ${resourcePolicies.length} policies x ${args.length} resources = ${validations} validations in ${rMs.toFixed(1)} ms ` +
            `(${((rMs * 1000) / validations).toFixed(2)} us per validation; runs ${resource.map((r) => r.ms.toFixed(0)).join(", ")} ms; ${resource[0].violations} violations)`,
    );
    console.log(`  stack rules:    ${stackPolicies.length} policies over the ${args.length}-resource stack in ${sMs.toFixed(1)} ms (runs ${stackRuns.map((r) => r.ms.toFixed(0)).join(", ")} ms; ${stackRuns[0].violations} violations)`);
}

main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
});
