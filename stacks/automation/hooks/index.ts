// Hooks and notifications of the release engine, built from a stack's `shipgate:promotion` config.
export { ciRunUrl } from "./ci-run-url";
export { ConfiguredHooks, createHooks, hooksFromStackConfig, promotionConfig } from "./configured-hooks";
export type { HookRunOutcome, HooksOptions, PromotionHooksConfig } from "./configured-hooks";
export { CONTEXT_VARIABLES, contextEnv, hookPayload } from "./context-env";
export { HOOK_POINTS, HookFailure } from "./hook-types";
export type { HookContext, HookOutcome, HookPoint, Hooks, NotificationEvent, Notifier } from "./hook-types";
export { HookSpecSchema, HooksConfigSchema, MigrationConfigSchema, WebhookSpecSchema } from "./hooks-config";
export type { HookSpec, HooksConfig, HooksConfigInput, MigrationConfig, MigrationConfigInput } from "./hooks-config";
export { silentLog } from "./log-sink";
export type { LogSink } from "./log-sink";
export { NOTIFICATION_EVENTS, NotificationsConfigSchema, SlackConfigSchema } from "./notifications-config";
export type { NotificationsConfig, NotificationsConfigInput, SlackConfig } from "./notifications-config";
export { configLookup, displayUrl, Redactor, resolveSecret, SecretRefSchema } from "./secrets";
export type { ConfigEntry, ConfigLookup, SecretRef } from "./secrets";
export { createNotifier, notifierFromStackConfig, Notifiers, SlackNotifier } from "./slack-notifier";
export type { NotifierOptions } from "./slack-notifier";
export { escapeMrkdwn, slackMessage } from "./slack-message";
