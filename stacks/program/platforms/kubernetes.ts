import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { createKubernetesService } from "../../../components/kubernetes";
import { KubernetesPlatform, rendersManifests } from "./kubernetes-config";
import { ServicePlatform } from "./service-platform";

export interface KubernetesPlatformOptions {
    readonly settings: KubernetesPlatform;
    readonly kubeconfig?: pulumi.Output<string>;
    readonly projectRoot: string;
    readonly stack: string;
}

/**
 * Kubernetes through one explicit provider: a cluster (kubeconfig/context), or, with neither,
 * manifests rendered into a directory so the stack runs on a machine with no cluster.
 */
export function kubernetesPlatform(options: KubernetesPlatformOptions): ServicePlatform {
    const { settings } = options;
    const render = rendersManifests(settings, options.kubeconfig !== undefined);
    const provider = new k8s.Provider(
        "kubernetes",
        render
            ? { renderYamlToDirectory: path.resolve(options.projectRoot, settings.renderDir ?? `.shipgate/manifests/${options.stack}`) }
            : { kubeconfig: options.kubeconfig, context: settings.context, enableServerSideApply: true },
    );
    const namespace = settings.createNamespace
        ? new k8s.core.v1.Namespace(settings.namespace, { metadata: { name: settings.namespace } }, { provider })
        : undefined;
    const endpoints = new Map<string, pulumi.Output<string>>();
    return {
        name: "kubernetes",
        createService(name, spec, opts) {
            const links = Object.fromEntries(Object.entries(spec.links).map(([env, target]) => [env, endpoints.get(target)!]));
            const service = createKubernetesService(
                name,
                // The context, when set, goes into the router descriptor: the engine reaches the cluster as the provider does.
                { namespace: settings.namespace, service: spec, router: settings.router, links, ...(settings.context ? { context: settings.context } : {}) },
                {
                    ...opts,
                    providers: [provider],
                    dependsOn: [...((opts.dependsOn as pulumi.Resource[] | undefined) ?? []), ...(namespace ? [namespace] : [])],
                },
            );
            endpoints.set(name, service.endpoint);
            return service;
        },
    };
}
