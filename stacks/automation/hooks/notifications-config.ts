import { z } from "zod";
import { NotificationEvent } from "./hook-types";
import { SecretRefSchema } from "./secrets";

/**
 * `shipgate:promotion.notifications` in a stack's config. A Slack incoming webhook (or anything
 * that takes Slack's `{text, blocks}`: Mattermost, Rocket.Chat, Discord's /slack endpoint). The
 * webhook URL is the credential, so it is best given by reference:
 *
 *     shipgate:promotion:
 *       notifications:
 *         slack:
 *           webhookUrl: {fromConfig: shipgate:slackWebhookUrl}   # pulumi config set --secret shipgate:slackWebhookUrl https://hooks.slack.com/…
 *           events: [started, succeeded, rolled-back, rollback-failed]
 */

export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = ["started", "succeeded", "rolled-back", "refused", "failed", "rollback-failed"];

export const NotificationEventSchema = z.enum(NOTIFICATION_EVENTS as [NotificationEvent, ...NotificationEvent[]]);

export const SlackConfigSchema = z.strictObject({
    /** The incoming-webhook URL, or {fromConfig: key} / {fromEnv: VARIABLE}. Never logged, whatever its source. */
    webhookUrl: SecretRefSchema,
    /** Which events are posted; default all of them. */
    events: z.array(NotificationEventSchema).min(1).default([...NOTIFICATION_EVENTS]),
    /** A notification must not hold a release up: a short deadline, then it is logged and dropped. */
    timeoutSeconds: z.number().positive().max(60).default(5),
    /** Prepended when a person is needed (rollback-failed), e.g. "<!here>" or "<@U024BE7LH>". */
    mention: z.string().min(1).optional(),
    /** Legacy webhooks only: override the channel, user name, icon. */
    channel: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    iconEmoji: z.string().min(1).optional(),
});
export type SlackConfig = z.output<typeof SlackConfigSchema>;

export const NotificationsConfigSchema = z.strictObject({
    /** One webhook, or several (e.g. every event to #deploys, only failures to #oncall). */
    slack: z.union([SlackConfigSchema, z.array(SlackConfigSchema).min(1)]).optional(),
});
export type NotificationsConfig = z.output<typeof NotificationsConfigSchema>;
export type NotificationsConfigInput = z.input<typeof NotificationsConfigSchema>;
