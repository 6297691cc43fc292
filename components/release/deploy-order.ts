import { InvalidInputError, InputProblem } from "./errors";

/**
 * Orders services so each comes after everything it `dependsOn` (backend before frontend).
 * Ties keep the caller's order, so the result is stable. Unknown names and cycles are input
 * errors, reported all at once.
 */
export function deployOrder(
    services: Readonly<Record<string, { readonly dependsOn: readonly string[]; readonly links?: Readonly<Record<string, string>> }>>,
    prefix = "services",
): string[] {
    const names = Object.keys(services);
    const problems: InputProblem[] = [];
    for (const name of names) {
        Object.entries(services[name].links ?? {}).forEach(([env, target]) => {
            if (!(target in services) || target === name) {
                problems.push({
                    path: `${prefix}.${name}.links.${env}`,
                    message: `"${target}" is not another service of this stack: link to one of ${names.filter((n) => n !== name).join(", ") || "(no other service)"}`,
                });
            }
        });
        services[name].dependsOn.forEach((dep, i) => {
            if (!(dep in services)) {
                problems.push({
                    path: `${prefix}.${name}.dependsOn[${i}]`,
                    message: `"${dep}" is not a service of this stack: use one of ${names.filter((n) => n !== name).join(", ") || "(no other service)"}`,
                });
            } else if (dep === name) {
                problems.push({ path: `${prefix}.${name}.dependsOn[${i}]`, message: "a service cannot depend on itself: remove it" });
            }
        });
    }
    if (problems.length) {
        throw new InvalidInputError("deploy order", problems);
    }
    const order: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (name: string, trail: string[]): void => {
        const seen = state.get(name);
        if (seen === "done") {
            return;
        }
        if (seen === "visiting") {
            const cycle = [...trail.slice(trail.indexOf(name)), name];
            throw new InvalidInputError("deploy order", [
                {
                    path: `${prefix}.${name}.dependsOn`,
                    message: `services depend on each other in a cycle (${cycle.join(" → ")}): remove one of these dependsOn entries`,
                },
            ]);
        }
        state.set(name, "visiting");
        for (const dep of dependenciesOf(services[name])) {
            visit(dep, [...trail, name]);
        }
        state.set(name, "done");
        order.push(name);
    };
    for (const name of names) {
        visit(name, []);
    }
    return order;
}

/** What a service waits for: its explicit dependsOn plus every service it links to. */
export function dependenciesOf(service: { readonly dependsOn: readonly string[]; readonly links?: Readonly<Record<string, string>> }): string[] {
    return [...new Set([...service.dependsOn, ...Object.values(service.links ?? {})])];
}
