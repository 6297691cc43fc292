import { existsSync } from "node:fs";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { PromotionLock } from "../automation/lock";
import { Hooks, Notifier } from "../automation/hooks/hook-types";
import { PreflightGate, approvalsGate } from "../automation/promotion/preflight-gates";
import { PromotionEnvironment } from "../automation/promotion/promote";
import { PromotionListener } from "../automation/promotion/promotion-events";
import { PromotionSettings, PromotionSettingsSchema } from "../automation/promotion/promotion-settings";
import { EngineStepVerifier } from "../automation/promotion/step-verifier";
import { Project } from "../automation/project";
import { PromotionRecord } from "../automation/records/promotion-record";
import { EngineStackDriver, StackDriver } from "../automation/stack-driver";
import { HttpJsonSource, MetricSource, PrometheusSource } from "../automation/verify";
import type { AzureMonitorSourceInput } from "../automation/verify/azure-monitor-source";
import type { CloudWatchSourceInput } from "../automation/verify/cloudwatch-source";

// The cloud SDKs load only for stacks that need them (they cost seconds at every start otherwise).
/* eslint-disable @typescript-eslint/no-require-imports */
const cloudWatch = () => require("../automation/verify/cloudwatch-source") as typeof import("../automation/verify/cloudwatch-source");
const azureMonitor = () => require("../automation/verify/azure-monitor-source") as typeof import("../automation/verify/azure-monitor-source");

export interface EngineEnvironmentOptions {
    readonly project: Project;
    readonly listener: PromotionListener;
    readonly signal: AbortSignal;
    readonly saveRecord: (record: PromotionRecord) => Promise<void>;
    readonly hooks: (stage: string, settings: PromotionSettings, driver: StackDriver) => Promise<Hooks>;
    readonly notifier: (stage: string, driver: StackDriver) => Promise<Notifier>;
    readonly gates?: readonly PreflightGate[];
}

/** The real world for `promote` and `rollback`: the engine, the stacks' config, Prometheus, locks, hooks. */
export function engineEnvironment(options: EngineEnvironmentOptions): PromotionEnvironment {
    const { project } = options;
    const settings = new Map<string, PromotionSettings>();
    const settingsOf = (stage: string): PromotionSettings => {
        if (!settings.has(stage)) {
            const raw = project.config(stage).config()["shipgate:promotion"] ?? {};
            settings.set(stage, PromotionSettingsSchema.parse(raw));
        }
        return settings.get(stage)!;
    };
    const sources = new Map<string, MetricSource | undefined>();
    return {
        openStack: (name) => EngineStackDriver.open(project, name),
        verifier: new EngineStepVerifier({
            healthTimeoutSeconds: (stage) => settingsOf(stage).healthTimeoutSeconds,
            sourceFor(stage, outputs) {
                if (sources.has(stage)) return sources.get(stage);
                const analysis = settingsOf(stage).analysis;
                let source: MetricSource | undefined;
                if (analysis.source === "prometheus") {
                    // The stack's own source: its Prometheus (local, Kubernetes), else what an AWS
                    // or Azure stack exports for CloudWatch or Azure Monitor.
                    const url = analysis.prometheus.url ?? outputs.metrics.prometheusUrl;
                    if (url) source = new PrometheusSource({ ...analysis.prometheus, url });
                    else if (outputs.metrics.cloudwatch) source = new (cloudWatch().CloudWatchSource)(outputs.metrics.cloudwatch as CloudWatchSourceInput);
                    else if (outputs.metrics.azureMonitor) source = new (azureMonitor().AzureMonitorSource)(outputs.metrics.azureMonitor as AzureMonitorSourceInput);
                } else if (analysis.source === "httpJson") {
                    source = new HttpJsonSource(analysis.httpJson);
                }
                sources.set(stage, source);
                return source;
            },
        }),
        hooks: options.hooks,
        notifier: options.notifier,
        saveRecord: options.saveRecord,
        listener: options.listener,
        lock: (stages, id) => PromotionLock.acquire(PromotionLock.lockDir(project.dir, project.env.PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL), stages, id),
        policy(_stage, environment, stageSettings) {
            const packs = stageSettings.policy.packs.map((p) => path.resolve(project.dir, p)).filter((p) => existsSync(path.join(p, "PulumiPolicy.yaml")));
            if (!packs.length) return undefined;
            const configs = (stageSettings.policy.configs ?? [`policies/config/${environment}.json`]).map((c) => path.resolve(project.dir, c)).filter(existsSync);
            return { packs, configs: configs.length === packs.length ? configs : [] };
        },
        gates: options.gates ?? [approvalsGate],
        signal: options.signal,
        now: () => new Date(),
        sleep: (ms, signal) => delay(ms, undefined, { signal }),
        async switchTraffic(action, signal) {
            // App Service: the swap is an ARM action, not a resource (pulumi-azure-native#632).
            const subscriptionId = action.subscriptionId ?? process.env.ARM_SUBSCRIPTION_ID ?? process.env.AZURE_SUBSCRIPTION_ID;
            if (!subscriptionId) {
                throw new Error(`swapping ${action.app}/${action.slot} needs the subscription: set shipgate:azure.subscriptionId or ARM_SUBSCRIPTION_ID`);
            }
            const { swapSlots } = require("../automation/platform-actions/azure-slot-swap") as typeof import("../automation/platform-actions/azure-slot-swap");
            const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
            await swapSlots({ subscriptionId, resourceGroup: action.resourceGroup, app: action.app, slot: action.slot }, new DefaultAzureCredential(), signal);
        },
    };
}
