import type * as pulumi from "@pulumi/pulumi";
import { rmSync } from "node:fs";
import { ScrapeTarget, prometheusPaths, targetsFile, writeTargets } from "../prometheus-control";

/** A service's scrape targets (one per running track or color) in the stack's Prometheus. */
export interface PrometheusTargetsInputs {
    readonly dir: string;
    readonly service: string;
    readonly targets: ScrapeTarget[];
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async diff(_id, olds: PrometheusTargetsInputs, news: PrometheusTargetsInputs) {
        const replaces = olds.service !== news.service || olds.dir !== news.dir ? ["service"] : [];
        return { changes: JSON.stringify(olds) !== JSON.stringify(news), replaces, deleteBeforeReplace: true };
    },

    async create(inputs: PrometheusTargetsInputs) {
        writeTargets(prometheusPaths(inputs.dir), inputs.service, inputs.targets);
        return { id: `${inputs.dir}#${inputs.service}`, outs: inputs };
    },

    async update(_id, _olds, news: PrometheusTargetsInputs) {
        writeTargets(prometheusPaths(news.dir), news.service, news.targets);
        return { outs: news };
    },

    async delete(_id, props: PrometheusTargetsInputs) {
        rmSync(targetsFile(prometheusPaths(props.dir), props.service), { force: true });
    },
};
