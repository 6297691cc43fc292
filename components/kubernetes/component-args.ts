import * as pulumi from "@pulumi/pulumi";
import { InputProblem, InvalidInputError, problemsFromZod } from "../release/errors";
import { ReleaseState, ReleaseStateInput } from "../release/release-state";
import { ServiceSpec, ServiceSpecInput, ServiceSpecSchema } from "../release/service-spec";
import { clusterSpecProblems } from "./cluster-checks";
import { isLabelKey, isLabelValue } from "./labels";
import { KubernetesRouter, KubernetesRouterInput, parseRouter } from "./router-spec";
import { environmentProblems } from "../release/spec-problems";

/** A service spec whose release is of one strategy. */
export type ServiceInputOf<R extends ReleaseStateInput> = Omit<ServiceSpecInput, "release"> & { readonly release: R };

export interface KubernetesServiceArgs<R extends ReleaseStateInput = ReleaseStateInput> {
    readonly namespace: pulumi.Input<string>;
    readonly service: ServiceInputOf<R>;
    /** How traffic is split; defaults to Gateway API, which needs `gateway.name`. */
    readonly router?: KubernetesRouterInput;
    /** Extra labels on every object (shipgate's own labels win on a clash). */
    readonly labels?: Readonly<Record<string, string>>;
    /**
     * The endpoints `service.links` asks for, by environment variable, e.g.
     * {BACKEND_URL: backend.endpoint}: the stack resolves them from the other services.
     */
    readonly links?: Readonly<Record<string, pulumi.Input<string>>>;
    /** The kubeconfig context the stack's provider uses, named in the router descriptor so the release engine reaches the same cluster. */
    readonly context?: string;
}

/** The args after validation, with every default filled in: what the component registers as its inputs. */
export type ResolvedArgs<S extends ReleaseState> = {
    readonly namespace: pulumi.Input<string>;
    readonly service: ServiceSpec & { readonly release: S };
    readonly router: KubernetesRouter;
    readonly labels: Readonly<Record<string, string>>;
    readonly links: Readonly<Record<string, pulumi.Input<string>>>;
    readonly context?: string;
};

/** Children are `${name}-preview` at the longest, and a Kubernetes Service name is at most 63 characters. */
export const MAX_NAME_LENGTH = 55;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Validates a component's args and reports every problem at once, each with the field and the fix.
 * `component` names the class in errors; `strategy` is the release strategy it implements.
 */
export function resolveArgs<S extends ReleaseState>(
    component: string,
    name: string,
    args: KubernetesServiceArgs,
    strategy: S["strategy"],
): ResolvedArgs<S> {
    const problems: InputProblem[] = [];
    if (!DNS_LABEL.test(name) || name.length > MAX_NAME_LENGTH) {
        problems.push({
            path: "name",
            message: `"${name}" cannot name Kubernetes Services: use 1-${MAX_NAME_LENGTH} lower-case letters, digits and "-", starting with a letter, e.g. "backend"`,
        });
    }
    const service = ServiceSpecSchema.safeParse(args?.service);
    if (!service.success) {
        problems.push(...problemsFromZod(service.error, "service"));
    } else {
        const release = service.data.release;
        if (release.strategy !== strategy) {
            problems.push({
                path: "service.release.strategy",
                message: `${component} runs the "${strategy}" strategy but the release is "${release.strategy}": use createKubernetesService, which picks the component from the strategy`,
            });
        }
        problems.push(...environmentProblems(service.data, args.links ?? {}));
        problems.push(...clusterSpecProblems(service.data).map((p) => ({ ...p, path: `service.${p.path}` })));
    }
    let router: KubernetesRouter | undefined;
    try {
        router = parseRouter(args?.router);
    } catch (e) {
        if (!(e instanceof InvalidInputError)) {
            throw e;
        }
        problems.push(...e.problems);
    }
    problems.push(...namespaceProblems(args?.namespace), ...labelProblems(args?.labels ?? {}));
    if (problems.length || !service.success || !router) {
        throw new InvalidInputError(`${component} "${name}"`, problems);
    }
    return {
        namespace: args.namespace,
        service: service.data as ServiceSpec & { release: S },
        router,
        labels: { ...(args.labels ?? {}) },
        links: { ...(args.links ?? {}) },
        ...(args.context ? { context: args.context } : {}),
    };
}

function namespaceProblems(namespace: pulumi.Input<string> | undefined): InputProblem[] {
    if (namespace === undefined || namespace === "") {
        return [{ path: "namespace", message: 'namespace is missing: set the namespace the service runs in, e.g. "shop"' }];
    }
    // An Output (e.g. a Namespace resource's name) is checked by the cluster.
    if (typeof namespace === "string" && !NAMESPACE.test(namespace)) {
        return [
            {
                path: "namespace",
                message: `"${namespace}" is not a namespace name: use at most 63 lower-case letters, digits and "-", e.g. "shop"`,
            },
        ];
    }
    return [];
}

function labelProblems(labels: Readonly<Record<string, string>>): InputProblem[] {
    const problems: InputProblem[] = [];
    for (const [key, value] of Object.entries(labels)) {
        if (!isLabelKey(key)) {
            problems.push({
                path: `labels.${key}`,
                message: `"${key}" is not a label key: use an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_", ".", e.g. "team" or "acme.com/team"`,
            });
        } else if (typeof value !== "string" || !isLabelValue(value)) {
            problems.push({
                path: `labels.${key}`,
                message: `${JSON.stringify(value)} is not a label value: use at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit`,
            });
        }
    }
    return problems;
}

