import { InputProblem } from "./errors";
import { ServiceSpec } from "./service-spec";

/**
 * Every platform's rule for a service's environment: each variable comes from one place (env,
 * a secret, or a link) and every link gets the endpoint the stack resolved for it.
 */
export function environmentProblems(service: ServiceSpec, links: Readonly<Record<string, unknown>>): InputProblem[] {
    const problems: InputProblem[] = [];
    for (const key of Object.keys(service.secretEnv)) {
        if (key in service.env) {
            problems.push({
                path: `service.secretEnv.${key}`,
                message: `${key} is set in both env and secretEnv: keep it in secretEnv only, so the value never appears in the spec`,
            });
        }
    }
    for (const [key, target] of Object.entries(service.links)) {
        if (!(key in links)) {
            problems.push({
                path: `service.links.${key}`,
                message: `no endpoint was passed for the link to "${target}": pass links: {${key}: <${target}'s endpoint>}`,
            });
        }
    }
    for (const key of Object.keys(links)) {
        if (key in service.env || key in service.secretEnv) {
            problems.push({
                path: `links.${key}`,
                message: `${key} is both a link and ${key in service.env ? "an env" : "a secretEnv"} variable: remove one of them`,
            });
        }
    }
    return problems;
}

/**
 * A rolling release half-way (`next` on part of the replicas) is the release engine's batch by
 * batch update, which the local platform and Kubernetes run; a cloud platform's own rolling
 * update replaces every task or instance in one go, so it cannot hold that state.
 */
export function rollingBatchProblems(service: ServiceSpec, platform: string): InputProblem[] {
    const release = service.release;
    if (release.strategy !== "rolling" || !release.next) return [];
    return [
        {
            path: "service.release.next",
            message: `${platform} rolls every replica in one update, so a rolling release cannot run ${release.next.version} on part of them: remove next and weight (batch by batch runs on local and kubernetes)`,
        },
    ];
}
