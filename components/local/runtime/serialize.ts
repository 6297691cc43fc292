const chains = new Map<string, Promise<unknown>>();

/**
 * Runs `task` after every earlier task under the same key has settled. The engine calls a
 * dynamic provider concurrently; HAProxy reloads and config writes of one stack must not interleave.
 */
export function serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    chains.set(key, next);
    return next;
}
