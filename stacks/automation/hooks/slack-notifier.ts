import { InvalidInputError, problemsFromZod } from "../../../components/release";
import type { PromotionRecord } from "../records/promotion-record";
import { ciRunUrl } from "./ci-run-url";
import { promotionConfig } from "./configured-hooks";
import { NotificationEvent, Notifier } from "./hook-types";
import { postJson } from "./http-post";
import { LogSink, silentLog } from "./log-sink";
import { NotificationsConfigSchema, SlackConfig } from "./notifications-config";
import { ConfigLookup, Redactor, displayUrl, resolveSecret } from "./secrets";
import { slackMessage } from "./slack-message";

/**
 * Posts promotion events to a Slack incoming webhook. A notification is a courtesy, not a gate:
 * it never throws and never waits long (a short timeout); a failure is logged as a warning and
 * the release goes on. The webhook URL is the credential: it is never logged, in any message,
 * whatever its source; logs say `https://hooks.slack.com/***`.
 */

export interface NotifierOptions {
    /** Where {fromEnv} is read, and the CI run link; default process.env. */
    readonly env?: NodeJS.ProcessEnv;
    /** Where {fromConfig} is read: the stack's decrypted config (see configLookup). */
    readonly config?: ConfigLookup;
    readonly logger?: LogSink;
}

export interface SlackNotifierInit {
    readonly webhookUrl: string;
    readonly events: readonly NotificationEvent[];
    readonly timeoutMs: number;
    readonly mention?: string;
    readonly channel?: string;
    readonly username?: string;
    readonly iconEmoji?: string;
}

export class SlackNotifier implements Notifier {
    private readonly redactor: Redactor;
    /** Where it posts, as it may be shown. */
    readonly display: string;
    /** The whole configuration: in memory only (it holds the webhook's secret URL). */
    readonly sameAs: string;

    constructor(
        private readonly init: SlackNotifierInit,
        private readonly options: Omit<NotifierOptions, "config"> = {},
    ) {
        this.redactor = new Redactor().addUrl(init.webhookUrl, true);
        this.display = displayUrl(init.webhookUrl, true);
        this.sameAs = JSON.stringify({ slack: init });
    }

    async notify(event: NotificationEvent, record: PromotionRecord): Promise<void> {
        const log = this.options.logger ?? silentLog;
        try {
            if (!this.init.events.includes(event)) return;
            const payload = slackMessage(event, record, {
                mention: this.init.mention,
                runUrl: ciRunUrl(this.options.env ?? process.env),
                channel: this.init.channel,
                username: this.init.username,
                iconEmoji: this.init.iconEmoji,
            });
            const r = await postJson(this.init.webhookUrl, payload, { timeoutMs: this.init.timeoutMs, maxBodyBytes: 4096 });
            if (r.status !== undefined && r.status >= 200 && r.status <= 299) {
                log.info({ event, promotionId: record.id, webhook: this.display, durationMs: r.durationMs }, `notification ${event} sent`);
                return;
            }
            const why = r.status === undefined ? r.error : `HTTP ${r.status}: ${r.body.replace(/\s+/g, " ").trim().slice(0, 200)}`;
            log.warn(
                { event, promotionId: record.id, webhook: this.display, durationMs: r.durationMs, error: this.redactor.redact(why ?? "unknown") },
                `notification ${event} not delivered (the release goes on)`,
            );
        } catch (err) {
            // A bug in building the message must not fail a release either.
            const message = err instanceof Error ? err.message : String(err);
            try {
                log.warn({ event, webhook: this.display, error: this.redactor.redact(message) }, `notification ${event} not sent (the release goes on)`);
            } catch {
                /* a logger that throws is not a reason to fail a release */
            }
        }
    }
}

/** Sends to every notifier at once; one that is slow does not delay another. */
export class Notifiers implements Notifier {
    constructor(readonly notifiers: readonly Notifier[]) {}

    /**
     * Every notifier of the stages, each configuration once: a channel that staging and
     * production both name hears of a promotion once, not once per stage.
     */
    static distinct(notifiers: readonly Notifier[]): Notifiers {
        const leaves = [...new Set(notifiers.flatMap((n) => (n instanceof Notifiers ? n.notifiers : [n])))];
        const seen = new Set<string>();
        return new Notifiers(
            leaves.filter((n) => {
                if (n.sameAs === undefined) return true;
                if (seen.has(n.sameAs)) return false;
                seen.add(n.sameAs);
                return true;
            }),
        );
    }

    async notify(event: NotificationEvent, record: PromotionRecord): Promise<void> {
        await Promise.all(this.notifiers.map((n) => n.notify(event, record).catch(() => undefined)));
    }
}

function slackNotifier(config: SlackConfig, where: string, options: NotifierOptions): SlackNotifier {
    const url = resolveSecret(config.webhookUrl, `${where}.webhookUrl`, { env: options.env, config: options.config });
    try {
        const u = new URL(url.value);
        if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("not http(s)");
    } catch {
        throw new InvalidInputError("notification configuration", [{ path: `${where}.webhookUrl`, message: `not an http(s) URL (from ${url.source})` }]);
    }
    return new SlackNotifier(
        {
            webhookUrl: url.value,
            events: config.events,
            timeoutMs: config.timeoutSeconds * 1000,
            mention: config.mention,
            channel: config.channel,
            username: config.username,
            iconEmoji: config.iconEmoji,
        },
        { env: options.env, logger: options.logger },
    );
}

/**
 * The Notifier for a `notifications` config (as under `shipgate:promotion`); with nothing
 * configured, one that does nothing. Throws InvalidInputError (in pre-flight) for a bad config
 * or a webhook URL whose secret is missing.
 */
export function createNotifier(config: unknown, options: NotifierOptions = {}): Notifiers {
    const parsed = NotificationsConfigSchema.safeParse(config ?? {});
    if (!parsed.success) {
        throw new InvalidInputError("notification configuration", problemsFromZod(parsed.error, "shipgate:promotion.notifications"));
    }
    const slack = parsed.data.slack === undefined ? [] : Array.isArray(parsed.data.slack) ? parsed.data.slack : [parsed.data.slack];
    const where = (i: number) => `shipgate:promotion.notifications.slack${Array.isArray(parsed.data.slack) ? `[${i}]` : ""}`;
    return new Notifiers(slack.map((s, i) => slackNotifier(s, where(i), options)));
}

/** createNotifier over `shipgate:promotion.notifications` of a stack's config. */
export function notifierFromStackConfig(stackConfig: Readonly<Record<string, unknown>>, options: NotifierOptions = {}): Notifiers {
    return createNotifier(promotionConfig(stackConfig).notifications, options);
}
