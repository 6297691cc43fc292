/**
 * The little a hook or a notifier needs from a logger. A pino logger satisfies it (the runner
 * passes its own, so hook lines land in the same structured JSON log); the default is silent
 * because the outcomes are returned and recorded anyway.
 */
export interface LogSink {
    info(fields: object, message?: string): void;
    warn(fields: object, message?: string): void;
    error(fields: object, message?: string): void;
}

export const silentLog: LogSink = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
};
