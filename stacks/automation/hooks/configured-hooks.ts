import * as path from "node:path";
import { InvalidInputError, problemsFromZod } from "../../../components/release";
import { HookRunOptions, PreparedCommand, runCommandHook } from "./command-hook";
import { HookContext, HookFailure, HookOutcome, HookPoint, Hooks, HOOK_POINTS } from "./hook-types";
import { HookSpec, HooksConfigSchema, hookTimeoutMs } from "./hooks-config";
import { LogSink, silentLog } from "./log-sink";
import { MIGRATION_NAMES, MigrationNote, MigrationPlan } from "./migration";
import { MigrationConfigSchema } from "./migration-config";
import { ConfigLookup, Redactor, displayUrl, resolveSecret } from "./secrets";
import { PreparedWebhook, runWebhookHook } from "./webhook-hook";

/**
 * The Hooks the promotion runner calls, built from a stack's `shipgate:promotion` config. Built
 * once per run and stack: everything is validated and every secret resolved at construction, so
 * a bad hook config or a missing secret refuses the promotion in pre-flight, before anything moves.
 *
 * At each point: the migration first (beforeRollout: backup, then up; onRollback: down), then the
 * configured hooks in order. Outside onRollback the first failure stops the point (a failed
 * backup must not be followed by the migration). On rollback every hook runs, failing or not,
 * because each is part of cleaning up; the failures are reported together afterwards.
 */

/** An outcome as the record keeps it: with the stage and service it ran for. */
export interface HookRunOutcome extends HookOutcome {
    readonly stage: string;
    readonly service?: string;
}

export interface HooksOptions {
    /** Relative `cwd`s and commands are resolved against it (the Pulumi project folder). */
    readonly projectDir: string;
    /** Inherited by commands, and where {fromEnv} is read; default process.env. */
    readonly env?: NodeJS.ProcessEnv;
    /** Where {fromConfig} is read: the stack's decrypted config (see configLookup). */
    readonly config?: ConfigLookup;
    readonly logger?: LogSink;
    /** After a timeout's SIGTERM, how long a command's process group gets before SIGKILL (default 2 s). */
    readonly killGraceMs?: number;
}

/** The part of `shipgate:promotion` that hooks read. */
export interface PromotionHooksConfig {
    readonly hooks?: unknown;
    readonly migration?: unknown;
}

type Prepared = PreparedCommand | PreparedWebhook;

const PREFIX = "shipgate:promotion";

export class ConfiguredHooks implements Hooks {
    /** Every outcome so far, in order, including those of a point that threw: what the record keeps. */
    readonly outcomes: HookRunOutcome[] = [];

    constructor(
        private readonly points: Readonly<Record<HookPoint, readonly Prepared[]>>,
        private readonly migration: MigrationPlan | undefined,
        private readonly redactor: Redactor,
        private readonly options: HooksOptions,
    ) {}

    private get log(): LogSink {
        return this.options.logger ?? silentLog;
    }

    /** True when nothing is configured at any point (the runner can skip the calls). */
    get empty(): boolean {
        return !this.migration && HOOK_POINTS.every((p) => this.points[p].length === 0);
    }

    /** What is configured, one line per hook, secrets masked: for a pre-flight summary. */
    describe(): string[] {
        const lines: string[] = [];
        if (this.migration) {
            lines.push(`beforeRollout: ${MIGRATION_NAMES.backup}, ${MIGRATION_NAMES.up} (command)${this.migration.service ? ` for ${this.migration.service}` : ""}`);
            lines.push(`onRollback: ${MIGRATION_NAMES.down} (${this.migration.down ? "command" : "none configured: the database is not rolled back"})`);
        }
        for (const point of HOOK_POINTS) {
            for (const h of this.points[point]) {
                const what = h.kind === "command" ? `command ${this.redactor.redact(h.argv[0])}` : `webhook ${h.display}`;
                lines.push(`${point}: ${h.name} (${what}, timeout ${h.timeoutMs / 1000} s${h.services ? `, for ${h.services.join(", ")}` : ""})`);
            }
        }
        return lines;
    }

    async run(point: HookPoint, context: HookContext, signal?: AbortSignal): Promise<HookOutcome[]> {
        const queue: (Prepared | MigrationNote)[] = [];
        if (this.migration?.owns(context)) {
            if (point === "beforeRollout") queue.push(...this.migration.rolloutSteps(context.stage));
            if (point === "onRollback") {
                const step = this.migration.rollbackStep(context.stage);
                if (step) queue.push(step);
            }
        }
        queue.push(...this.points[point].filter((h) => !h.services || context.service === undefined || h.services.includes(context.service)));

        const results: HookRunOutcome[] = [];
        const runOptions: HookRunOptions = { baseEnv: this.options.env ?? process.env, redactor: this.redactor, killGraceMs: this.options.killGraceMs, signal };
        for (const item of queue) {
            if (signal?.aborted) {
                throw signal.reason ?? new HookFailure(results);
            }
            if (item.kind === "note") {
                this.keep(results, { point, name: item.name, stage: context.stage, service: context.service, outcome: "pass", durationMs: 0, detail: item.detail }, item.warn);
                continue;
            }
            const r = item.kind === "command" ? await runCommandHook(item, point, context, runOptions) : await runWebhookHook(item, point, context, runOptions);
            this.keep(results, { point, name: item.name, stage: context.stage, service: context.service, outcome: r.outcome, durationMs: r.durationMs, detail: r.detail });
            if (item.name.startsWith("migration/")) this.migration?.observe(context, item.name, r.outcome);
            if (r.interrupted) {
                throw signal?.reason ?? new HookFailure(results);
            }
            if (r.outcome === "fail" && point !== "onRollback") break;
        }
        if (results.some((o) => o.outcome === "fail")) {
            throw new HookFailure(results);
        }
        return results;
    }

    private keep(results: HookRunOutcome[], outcome: HookRunOutcome, warn = false): void {
        results.push(outcome);
        this.outcomes.push(outcome);
        const fields = { point: outcome.point, hook: outcome.name, stage: outcome.stage, service: outcome.service, outcome: outcome.outcome, durationMs: outcome.durationMs, detail: outcome.detail };
        if (outcome.outcome === "fail") this.log.warn(fields, `hook ${outcome.point}/${outcome.name} failed`);
        else if (warn) this.log.warn(fields, `hook ${outcome.point}/${outcome.name}: ${outcome.detail.split("\n")[0]}`);
        else this.log.info(fields, `hook ${outcome.point}/${outcome.name} passed`);
    }
}

function prepare(hook: HookSpec, where: string, options: HooksOptions, redactor: Redactor): Prepared {
    const sources = { env: options.env, config: options.config };
    if (hook.webhook) {
        const url = resolveSecret(hook.webhook.url, `${where}.webhook.url`, sources);
        try {
            const u = new URL(url.value);
            if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
        } catch {
            // The value itself is not repeated: it may be a secret.
            throw new InvalidInputError("hook configuration", [{ path: `${where}.webhook.url`, message: `not an http(s) URL (from ${url.source})` }]);
        }
        redactor.addUrl(url.value, url.secret);
        const headers: Record<string, string> = {};
        for (const [name, ref] of Object.entries(hook.webhook.headers)) {
            const value = resolveSecret(ref, `${where}.webhook.headers.${name}`, sources);
            // A header's value is a credential as often as not (Authorization): always masked.
            redactor.add(value.value);
            headers[name] = value.value;
        }
        return {
            kind: "webhook",
            name: hook.name,
            url: url.value,
            display: displayUrl(url.value, url.secret),
            headers,
            timeoutMs: hookTimeoutMs(hook),
            expect: hook.webhook.expect,
            services: hook.services,
        };
    }
    return {
        kind: "command",
        name: hook.name,
        argv: hook.command!,
        cwd: path.resolve(options.projectDir, hook.cwd ?? "."),
        env: hook.env ?? {},
        timeoutMs: hookTimeoutMs(hook),
        services: hook.services,
    };
}

/** Builds the Hooks from `hooks` and `migration` (as under `shipgate:promotion`); throws InvalidInputError naming the key. */
export function createHooks(config: PromotionHooksConfig, options: HooksOptions): ConfiguredHooks {
    const hooks = HooksConfigSchema.safeParse(config.hooks ?? {});
    const migration = config.migration === undefined ? undefined : MigrationConfigSchema.safeParse(config.migration);
    const problems = [
        ...(hooks.success ? [] : problemsFromZod(hooks.error, `${PREFIX}.hooks`)),
        ...(migration && !migration.success ? problemsFromZod(migration.error, `${PREFIX}.migration`) : []),
    ];
    if (problems.length) throw new InvalidInputError("hook configuration", problems);

    const redactor = new Redactor();
    const points = Object.fromEntries(
        HOOK_POINTS.map((point) => [point, hooks.data![point].map((h, i) => prepare(h, `${PREFIX}.hooks.${point}[${i}]`, options, redactor))]),
    ) as Record<HookPoint, Prepared[]>;

    let plan: MigrationPlan | undefined;
    if (migration?.success) {
        const m = migration.data;
        const cwd = path.resolve(options.projectDir, m.cwd ?? ".");
        const command = (name: string, argv: string[]): PreparedCommand => ({ kind: "command", name, argv, cwd, env: m.env, timeoutMs: m.timeoutSeconds * 1000 });
        plan = new MigrationPlan(
            command(MIGRATION_NAMES.backup, m.backup),
            command(MIGRATION_NAMES.up, m.up),
            m.down ? command(MIGRATION_NAMES.down, m.down) : undefined,
            m.service,
        );
    }
    return new ConfiguredHooks(points, plan, redactor, options);
}

/**
 * `shipgate:promotion` from a stack's config: the plain object of the stack file, or the JSON
 * string the Automation API's getAllConfig() gives for a structured value.
 */
export function promotionConfig(stackConfig: Readonly<Record<string, unknown>>): Record<string, unknown> {
    let value = stackConfig[PREFIX];
    if (value && typeof value === "object" && "value" in value && typeof (value as { value: unknown }).value === "string") {
        value = (value as { value: string }).value; // a ConfigValue {value, secret}
    }
    if (typeof value === "string") {
        try {
            value = JSON.parse(value);
        } catch {
            throw new InvalidInputError("stack config", [{ path: PREFIX, message: "must be a map (hooks, migration, notifications, ...)" }]);
        }
    }
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) {
        throw new InvalidInputError("stack config", [{ path: PREFIX, message: "must be a map (hooks, migration, notifications, ...)" }]);
    }
    return value as Record<string, unknown>;
}

/** createHooks over `shipgate:promotion.hooks` and `.migration` of a stack's config. */
export function hooksFromStackConfig(stackConfig: Readonly<Record<string, unknown>>, options: HooksOptions): ConfiguredHooks {
    const promotion = promotionConfig(stackConfig);
    return createHooks({ hooks: promotion.hooks, migration: promotion.migration }, options);
}
