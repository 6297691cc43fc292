import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { LocalPlatform, createLocalService } from "../../../components/local";
import { LocalPlatformConfig } from "./local-config";
import { ServicePlatform } from "./service-platform";

export interface LocalPlatformOptions {
    readonly settings: LocalPlatformConfig;
    readonly projectRoot: string;
    readonly stack: string;
    readonly secrets?: pulumi.Output<Record<string, Record<string, string>>>;
}

/**
 * The local platform: real processes on loopback, HAProxy as the router and Prometheus for
 * the analysis, all kept in .shipgate/local/<stack>/ (git-ignored). Links between services
 * resolve to the linked service's router endpoint.
 */
export function localPlatform(options: LocalPlatformOptions): ServicePlatform {
    const { settings } = options;
    const platform = new LocalPlatform("local", {
        stack: options.stack,
        stateDir: path.resolve(options.projectRoot, settings.stateDir ?? path.join(".shipgate", "local", options.stack)),
        routerStatsPort: settings.routerStatsPort,
        prometheusPort: settings.prometheusPort,
        scrapeIntervalSeconds: settings.scrapeIntervalSeconds,
    });
    const endpoints = new Map<string, pulumi.Output<string>>();
    return {
        name: "local",
        metrics: { prometheusUrl: platform.prometheusUrl, routerStatsUrl: platform.routerStatsUrl },
        createService(name, spec, opts) {
            const local = settings.services[name];
            const links = Object.fromEntries(Object.entries(spec.links).map(([env, target]) => [env, endpoints.get(target)!]));
            const service = createLocalService(
                name,
                {
                    platform,
                    service: spec,
                    run: local.run,
                    port: local.port,
                    previewPort: local.previewPort,
                    links,
                    secrets: options.secrets,
                    canaryHeader: settings.canaryHeader,
                    projectRoot: options.projectRoot,
                },
                { ...opts, dependsOn: [...((opts.dependsOn as pulumi.Resource[] | undefined) ?? []), platform] },
            );
            endpoints.set(name, service.endpoint);
            return service;
        },
    };
}
