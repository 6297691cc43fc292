// In-memory stand-ins for the engine around the promotion state machine, so its decisions can
// be tested step by step. (The same machine runs through the real engine in
// tests/integration/release-engine.test.ts.)
import { ReleaseState, ReleaseStateInput, liveArtifact, parseReleaseState, planTraffic, trafficSplit } from "../../../components/release";
import { HookContext, HookFailure, HookOutcome, HookPoint, Hooks, NotificationEvent, Notifier } from "../../../stacks/automation/hooks/hook-types";
import { PromotionEnvironment } from "../../../stacks/automation/promotion/promote";
import { PromotionEvent } from "../../../stacks/automation/promotion/promotion-events";
import { latestPerRun } from "../../../stacks/automation/records/deployment-log";
import { PromotionRecord, VerificationSummary } from "../../../stacks/automation/records/promotion-record";
import { ApplyOutcome, PolicyPreviewOutcome, StackDriver } from "../../../stacks/automation/stack-driver";
import { StackOutputs } from "../../../stacks/automation/stack-outputs";
import { StepVerifier, VerifyStepContext } from "../../../stacks/automation/promotion/step-verifier";
import { Router, RouterReading } from "../../../stacks/automation/routers/router";

export interface AppliedState {
    readonly stack: string;
    readonly service: string;
    readonly state: ReleaseState;
}

/** A stack whose config holds release states and whose `up` just records what was applied. */
export class FakeStack implements StackDriver {
    readonly releases = new Map<string, ReleaseState>();
    failApplyWhen?: (service: string, state: ReleaseState) => boolean;
    /** What the router reads back; by default exactly the state's split. */
    routerWeights?: (service: string, state: ReleaseState) => Record<string, number>;
    /** Services whose blue-green switch is a platform action (an App Service slot swap). */
    readonly swapped = new Set<string>();
    /** What a router holds once the engine set it directly (an emergency route, a slot swap), until an `up` declares it again. */
    readonly live = new Map<string, Record<string, number>>();
    /** Makes the direct setting of a service's router fail (the emergency path then falls back to the `up`). */
    failSetWeights?: (service: string) => string | undefined;
    previewViolations: PolicyPreviewOutcome["violations"] = [];
    previews = 0;
    /** What the stack runs when it is not what the file says (a stale clone, a write-back that never landed). */
    readonly running = new Map<string, ReleaseState>();
    /** The stack's `shipgate:promotion`, when a test sets one. */
    promotion?: Record<string, unknown>;

    constructor(
        readonly name: string,
        private readonly environment: string,
        services: Record<string, ReleaseStateInput>,
        private readonly log: AppliedState[],
    ) {
        for (const [service, release] of Object.entries(services)) this.releases.set(service, parseReleaseState(release));
    }

    release(service: string): ReleaseState {
        return this.releases.get(service)!;
    }

    services(): string[] {
        return [...this.releases.keys()];
    }

    config(): Record<string, unknown> {
        return {
            "shipgate:environment": this.environment,
            ...(this.promotion ? { "shipgate:promotion": this.promotion } : {}),
            "shipgate:platform": "local",
            "shipgate:local": {
                routerStatsPort: 17001,
                prometheusPort: 17090,
                services: Object.fromEntries(this.services().map((s, i) => [s, { port: 17010 + 10 * i, run: { args: [`${s}.ts`] } }])),
            },
            "shipgate:services": Object.fromEntries(
                this.services().map((s) => [s, { image: `acme/${s}`, release: this.releases.get(s), links: s === "frontend" ? { BACKEND_URL: "backend" } : {} }]),
            ),
        };
    }

    async allConfig() {
        return {};
    }

    async apply(service: string, state: ReleaseState): Promise<ApplyOutcome> {
        if (this.failApplyWhen?.(service, state)) throw new Error(`engine error applying ${service}`);
        this.releases.set(service, state);
        this.running.delete(service);
        // An `up` declares the router's weights again (a slot swap stays what the action made it).
        if (!this.swapped.has(service)) this.live.delete(service);
        this.log.push({ stack: this.name, service, state });
        return { outputs: await this.outputs(), engineMs: 5, changes: { update: 1 } };
    }

    async outputs(): Promise<StackOutputs> {
        return {
            environment: this.environment,
            platform: "local",
            deployOrder: this.services(),
            metrics: {},
            services: Object.fromEntries(
                this.services().map((s) => {
                    const state = this.running.get(s) ?? this.releases.get(s)!;
                    const tracks = Object.fromEntries(
                        planTraffic(state, 1).tracks.map((t) => [t.name, { version: t.artifact.version, image: `acme/${s}:${t.artifact.version}`, replicas: t.replicas, weight: t.weight, endpoint: `http://${this.name}-${s}-${t.name}` }]),
                    );
                    return [
                        s,
                        {
                            strategy: state.strategy,
                            version: liveArtifact(state).version,
                            tracks,
                            endpoint: `http://${this.name}-${s}`,
                            previewEndpoint: null,
                            router: { kind: "haproxy" as const, socket: `/fake/${this.name}`, backend: s, servers: {} },
                        },
                    ];
                }),
            ),
        };
    }

    async previewWithPolicies(): Promise<PolicyPreviewOutcome> {
        this.previews++;
        return { passed: !this.previewViolations.some((v) => v.level === "mandatory"), violations: this.previewViolations, engineMs: 1 };
    }
}

/**
 * The router of a fake stack's service: reads back what it was set to directly, else the stack's
 * `routerWeights` (the applied state's split by default); a service in `swapped` switches by
 * action (an App Service slot swap), recorded in `switches` as "<service>/staging"; a direct
 * setting of any other is recorded as "<stack>/<service> stable 100 canary 0".
 */
export class FakeRouter implements Router {
    readonly kind = "haproxy";
    readonly name: string;
    readonly switchesByAction: boolean;

    constructor(
        private readonly stack: FakeStack,
        private readonly service: string,
        private readonly switches: string[],
    ) {
        this.name = `fake ${stack.name}/${service}`;
        this.switchesByAction = stack.swapped.has(service);
    }

    async readWeights(): Promise<RouterReading> {
        const state = this.stack.release(this.service);
        const live = this.stack.live.get(this.service);
        if (live) return { supported: true, weights: live, problems: [] };
        return { supported: true, weights: this.stack.routerWeights ? this.stack.routerWeights(this.service, state) : { ...trafficSplit(state) }, problems: [] };
    }

    async setWeights(weights: Record<string, number>): Promise<void> {
        const refused = this.stack.failSetWeights?.(this.service);
        if (refused) throw new Error(refused);
        this.switches.push(this.switchesByAction ? `${this.service}/staging` : `${this.stack.name}/${this.service} ${Object.entries(weights).map(([t, w]) => `${t} ${w}`).join(" ")}`);
        this.stack.live.set(this.service, { ...weights });
    }
}

/** A verifier that passes every step unless told which one fails (and can abort a run). */
export class ScriptedVerifier implements StepVerifier {
    readonly verified: string[] = [];
    failWhen?: (context: VerifyStepContext) => string | undefined;
    onVerify?: (context: VerifyStepContext) => void;
    /** A step whose verification never returns: the runner is "killed" there (only the log is left). */
    hangWhen?: (context: VerifyStepContext) => boolean;
    onHang?: () => void;

    async verify(context: VerifyStepContext): Promise<VerificationSummary> {
        this.verified.push(`${context.stage}/${context.service}/${context.step.kind}`);
        this.onVerify?.(context);
        if (this.hangWhen?.(context)) {
            this.hangWhen = undefined;
            this.onHang?.();
            return new Promise(() => undefined);
        }
        if (context.signal?.aborted) {
            return { kind: "analysis", outcome: "aborted", reason: "interrupted", checks: [], measurements: 0, healthChecks: 0, durationMs: 0 };
        }
        const failure = this.failWhen?.(context);
        return {
            kind: context.step.verify === "none" ? "none" : context.step.verify,
            outcome: failure ? "fail" : context.step.verify === "none" ? "skipped" : "pass",
            reason: failure ?? "ok",
            healthColor: failure ? "RED" : "GREEN",
            checks: [],
            measurements: 1,
            healthChecks: 1,
            durationMs: 1,
        };
    }

    /** The metric source each stage has; every stage has one unless told otherwise. */
    sources: Record<string, string | undefined> = {};

    metricSource(stage: string): string | undefined {
        return stage in this.sources ? this.sources[stage] : `fake metrics of ${stage}`;
    }

    async measureBaseline() {
        return undefined;
    }
}

export class RecordingHooks implements Hooks {
    readonly calls: string[] = [];
    failAt?: HookPoint;

    async run(point: HookPoint, context: HookContext): Promise<HookOutcome[]> {
        this.calls.push(`${point}:${context.stage}${context.service ? `/${context.service}` : ""}`);
        const outcome: HookOutcome = { point, name: "check", outcome: point === this.failAt ? "fail" : "pass", durationMs: 1, detail: "" };
        if (point === this.failAt) throw new HookFailure([outcome]);
        return [outcome];
    }
}

export interface FakeWorld {
    readonly applied: AppliedState[];
    readonly stacks: Record<string, FakeStack>;
    readonly verifier: ScriptedVerifier;
    readonly hooks: RecordingHooks;
    readonly notifications: NotificationEvent[];
    readonly events: PromotionEvent[];
    readonly saved: PromotionRecord[];
    /** Every line appended to the deployment log, progress included (env.history reads it). */
    readonly log: PromotionRecord[];
    readonly controller: AbortController;
    locked: string[][];
    /** Platform switch actions performed (app/slot). */
    readonly switches: string[];
    env: PromotionEnvironment;
}

/** Staging (blue-green) and production (canary), backend and frontend, on 1.0.0. */
export function fakeWorld(options: { withPolicy?: boolean } = {}): FakeWorld {
    const applied: AppliedState[] = [];
    const stacks = {
        staging: new FakeStack("staging", "staging", { backend: { strategy: "blueGreen", blue: "1.0.0" }, frontend: { strategy: "blueGreen", blue: "1.0.0" } }, applied),
        production: new FakeStack(
            "production",
            "production",
            { backend: { strategy: "canary", stable: "1.0.0" }, frontend: { strategy: "canary", stable: "1.0.0" } },
            applied,
        ),
    };
    const verifier = new ScriptedVerifier();
    const hooks = new RecordingHooks();
    const notifications: NotificationEvent[] = [];
    const events: PromotionEvent[] = [];
    const saved: PromotionRecord[] = [];
    // The deployment log's lines: progress ("running") and final records, as the CLI appends them.
    const log: PromotionRecord[] = [];
    const controller = new AbortController();
    const notifier: Notifier = { notify: async (event) => void notifications.push(event) };
    let clock = Date.parse("2026-11-17T10:00:00Z");
    const world: FakeWorld = {
        applied,
        stacks,
        verifier,
        hooks,
        notifications,
        events,
        saved,
        log,
        controller,
        locked: [],
        switches: [],
        env: undefined as unknown as PromotionEnvironment,
    };
    world.env = {
        openStack: async (name) => {
            const stack = (stacks as Record<string, FakeStack>)[name];
            if (!stack) throw new Error(`no stack ${name}`);
            return stack;
        },
        verifier,
        hooks: async () => hooks,
        notifier: async () => notifier,
        saveRecord: async (record) => {
            saved.push(structuredClone(record));
            log.push(structuredClone(record));
        },
        saveProgress: async (record) => void log.push({ ...structuredClone(record), result: "running" }),
        history: () => latestPerRun(log),
        listener: (event) => void events.push(event),
        lock: async (stages) => {
            world.locked.push([...stages]);
            return { release: async () => undefined };
        },
        policy: () => (options.withPolicy ? { packs: ["pack"], configs: [], problems: [] } : { packs: [], configs: [], problems: [] }),
        gates: [],
        signal: controller.signal,
        now: () => new Date((clock += 1000)),
        sleep: async () => undefined,
        routerFor: async (driver, descriptor) => new FakeRouter(stacks[driver.name as keyof typeof stacks], descriptor.kind === "haproxy" ? descriptor.backend : "", world.switches),
    };
    return world;
}
