/**
 * SIGINT/SIGTERM stop a promotion: the first one aborts the run, which then rolls back; a
 * second one during the rollback is refused loudly, because leaving mid-rollback is what puts
 * traffic on an unknown version. A third one exits anyway (a person insists).
 */
export function interruptSignal(onInterrupt: (signal: NodeJS.Signals, count: number) => void): { signal: AbortSignal; stop(reason: string): void; dispose(): void } {
    const controller = new AbortController();
    let count = 0;
    const handler = (sig: NodeJS.Signals) => {
        count++;
        onInterrupt(sig, count);
        if (count === 1) controller.abort(new Error(`interrupted by ${sig}`));
        if (count >= 3) process.exit(130);
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return {
        signal: controller.signal,
        /** Stops the run as a first signal would (its stage in flight rolls back), for a reason that is not a signal. */
        stop(reason: string) {
            if (!controller.signal.aborted) controller.abort(new Error(reason));
        },
        dispose() {
            process.off("SIGINT", handler);
            process.off("SIGTERM", handler);
        },
    };
}
