// Builds the stack program under the Pulumi mocks for N services and prints one JSON line:
// resources registered, wall time, peak RSS. Run by program-size.ts, one process per sample,
// so each peak memory figure belongs to one size only.
import * as pulumi from "@pulumi/pulumi";

async function main(count: number): Promise<void> {
    let registered = 0;
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered++;
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        "shipgate",
        "bench",
    );
    const { validateStackConfig } = await import("../stacks/program/stack-config");
    const { defineStack } = await import("../stacks/program/define-stack");
    const { summarise } = await import("../stacks/program/summary");

    const services: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
        // Half canaries mid-promotion, half blue-green mid-switch: the most resources per service.
        services[`svc-${i}`] = {
            image: `registry.example.com/svc-${i}`,
            replicas: 3,
            dependsOn: i > 0 && i % 10 !== 0 ? [`svc-${i - 1}`] : [],
            release:
                i % 2 === 0
                    ? { strategy: "canary", stable: "1.0.0", canary: "1.1.0", weight: 25 }
                    : { strategy: "blueGreen", blue: "1.0.0", green: "1.1.0", active: "green" },
        };
    }
    const started = process.hrtime.bigint();
    const { config, order } = validateStackConfig({
        environment: "production",
        platform: "kubernetes",
        kubernetes: { namespace: "bench", router: { kind: "gatewayApi", gateway: { name: "public" } } },
        services,
    });
    const stack = defineStack(config, order, {}, { projectRoot: process.cwd(), stack: "bench" });
    const outputs = summarise(stack.services);
    await Promise.all(Object.values(outputs).map((o) => new Promise((resolve) => o.apply(resolve))));
    // Every registration must have reached the (mock) engine before the clock stops.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ services: count, resources: registered, ms, maxRssMb }) + "\n");
}

main(Number(process.argv[2])).catch((err) => {
    console.error(err);
    process.exit(1);
});
