import type { PromotionSettings } from "../promotion/promotion-settings";
import type { StackOutputs } from "../stack-outputs";
import type { AzureMonitorSourceInput } from "./azure-monitor-source";
import type { CloudWatchSourceInput } from "./cloudwatch-source";
import { HttpJsonSource } from "./http-json-source";
import { MetricSource } from "./metric-source";
import { PrometheusSource } from "./prometheus-source";

// The cloud SDKs load only for stacks that need them (they cost seconds at every start otherwise).
/* eslint-disable @typescript-eslint/no-require-imports */
const cloudWatch = () => require("./cloudwatch-source") as typeof import("./cloudwatch-source");
const azureMonitor = () => require("./azure-monitor-source") as typeof import("./azure-monitor-source");

/**
 * The metric source a stage's analysis reads, from its `shipgate:promotion.analysis` and the
 * stack's outputs: a configured Prometheus or the stack's own (local, Kubernetes), else what an
 * AWS or Azure stack exports for CloudWatch or Azure Monitor; an HTTP JSON endpoint; or none.
 */
export function createMetricSource(analysis: PromotionSettings["analysis"], outputs: StackOutputs): MetricSource | undefined {
    switch (analysis.source) {
        case "prometheus": {
            const url = analysis.prometheus.url ?? outputs.metrics.prometheusUrl;
            if (url) return new PrometheusSource({ ...analysis.prometheus, url });
            if (outputs.metrics.cloudwatch) return new (cloudWatch().CloudWatchSource)(outputs.metrics.cloudwatch as CloudWatchSourceInput);
            if (outputs.metrics.azureMonitor) return new (azureMonitor().AzureMonitorSource)(outputs.metrics.azureMonitor as AzureMonitorSourceInput);
            return undefined;
        }
        case "httpJson":
            return new HttpJsonSource(analysis.httpJson);
        case "none":
            return undefined;
    }
}
