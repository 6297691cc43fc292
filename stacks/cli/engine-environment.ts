import { setTimeout as delay } from "node:timers/promises";
import type { RepositorySync } from "../automation/promotion/promote";
import { Hooks, Notifier } from "../automation/hooks/hook-types";
import { PreflightGate, approvalsGate } from "../automation/promotion/preflight-gates";
import { resolvePolicyFiles } from "../automation/promotion/policy-files";
import { PromotionEnvironment } from "../automation/promotion/promote";
import { PromotionListener } from "../automation/promotion/promotion-events";
import { PromotionSettings, PromotionSettingsSchema } from "../automation/promotion/promotion-settings";
import { EngineStepVerifier } from "../automation/promotion/step-verifier";
import { Project } from "../automation/project";
import { PromotionRecord } from "../automation/records/promotion-record";
import { EngineStackDriver, StackDriver } from "../automation/stack-driver";
import { createRouter } from "../automation/routers/router-factory";
import { Router } from "../automation/routers/router";
import { MetricSource, createMetricSource } from "../automation/verify";
import { kubernetesTrackProbes } from "../automation/verify/pod-readiness-probe";
import { RouterDescriptor } from "../../components/release";
import { LockOptions, LockStore } from "../automation/store/shipgate-store";

export interface EngineEnvironmentOptions {
    readonly project: Project;
    readonly listener: PromotionListener;
    readonly signal: AbortSignal;
    readonly saveRecord: (record: PromotionRecord) => Promise<void>;
    readonly saveProgress?: (record: PromotionRecord) => Promise<void>;
    readonly history?: () => Promise<readonly PromotionRecord[]>;
    /** Where the promotion locks are (open-store.ts), and what to do if one is lost mid-run. */
    readonly locks: LockStore;
    readonly onLockLost?: LockOptions["onLost"];
    readonly hooks: (stage: string, settings: PromotionSettings, driver: StackDriver) => Promise<Hooks>;
    readonly notifier: (stage: string, driver: StackDriver) => Promise<Notifier>;
    readonly gates?: readonly PreflightGate[];
    /** The repository the stack files are written back to. */
    readonly repository?: RepositorySync;
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
    const routers = new Map<string, Router>();
    // A cluster's credentials are the stack's secret config, as the program's provider reads them.
    const kubeconfigs = new Map<string, Promise<string | undefined>>();
    const kubeconfigOf = (stage: string, driver?: StackDriver): Promise<string | undefined> => {
        if (!kubeconfigs.has(stage)) {
            kubeconfigs.set(stage, (async () => ((await (driver ?? (await EngineStackDriver.open(project, stage))).allConfig())["shipgate:kubeconfig"]?.value))());
        }
        return kubeconfigs.get(stage)!;
    };
    return {
        openStack: (name) => EngineStackDriver.open(project, name),
        verifier: new EngineStepVerifier({
            healthTimeoutSeconds: (stage) => settingsOf(stage).healthTimeoutSeconds,
            async trackProbes(stage, service, tracks, outputs, reach) {
                const descriptor = outputs.services[service]?.router;
                if (!descriptor || !isCluster(descriptor)) return undefined;
                return kubernetesTrackProbes(descriptor, tracks, { env: { ...process.env, ...project.env }, kubeconfig: await kubeconfigOf(stage) }, reach);
            },
            sourceFor(stage, outputs) {
                if (!sources.has(stage)) sources.set(stage, createMetricSource(settingsOf(stage).analysis, outputs));
                return sources.get(stage);
            },
        }),
        async routerFor(driver, descriptor) {
            const key = `${driver.name}:${JSON.stringify(descriptor)}`;
            let router = routers.get(key);
            if (!router) {
                const kubeconfig = isCluster(descriptor) ? await kubeconfigOf(driver.name, driver) : undefined;
                router = createRouter(descriptor, { env: { ...process.env, ...project.env }, kubeconfig });
                routers.set(key, router);
            }
            return router;
        },
        hooks: options.hooks,
        notifier: options.notifier,
        saveRecord: options.saveRecord,
        saveProgress: options.saveProgress,
        history: options.history,
        listener: options.listener,
        lock: (stages, id) => options.locks.lock(stages, id, { onLost: options.onLockLost }),
        policy: (_stage, environment, stageSettings) => resolvePolicyFiles(project.dir, environment, stageSettings),
        gates: options.gates ?? [approvalsGate],
        repository: options.repository,
        signal: options.signal,
        now: () => new Date(),
        sleep: (ms, signal) => delay(ms, undefined, { signal }),
    };
}

const isCluster = (d: RouterDescriptor) => d.kind === "gatewayApi" || d.kind === "ingressNginx" || d.kind === "kubernetesReplicas";
