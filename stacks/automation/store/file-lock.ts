import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import lockfile from "proper-lockfile";
import { lockRefusal } from "./lock-refusal";
import { HeldLocks, Holder, LockOptions } from "./shipgate-store";

/**
 * One promotion per stack at a time, as files in a folder (open-store.ts says which):
 * proper-lockfile keeps a lock fresh while held and treats it as stale when its holder died.
 */
export class PromotionLock implements HeldLocks {
    private constructor(
        private readonly releases: (() => Promise<void>)[],
        /** Locks taken over from a holder that is gone (its process ended without releasing): one line each. */
        readonly broken: readonly string[],
    ) {}

    /** Takes every stack's lock or none: a refusal names the holder. */
    static async acquire(dir: string, stacks: readonly string[], promotionId: string, options: LockOptions = {}): Promise<PromotionLock> {
        mkdirSync(dir, { recursive: true });
        const releases: (() => Promise<void>)[] = [];
        const broken: string[] = [];
        try {
            for (const stack of stacks) {
                const file = path.join(dir, `${stack}.lock-target`);
                if (!existsSync(file)) writeFileSync(file, "");
                // A lock whose mtime could not be kept fresh may be taken by another run: the run must stop.
                const onCompromised = (err: Error) => options.onLost?.(stack, err.message);
                const attempt = () => lockfile.lock(file, { stale: 30_000, update: 5_000, retries: 0, realpath: false, onCompromised });
                let release: () => Promise<void>;
                // A lock folder left behind is a holder that never released: killed, or gone.
                const left = existsSync(`${file}.lock`) ? readHolder(file) : undefined;
                try {
                    release = await attempt();
                    // proper-lockfile took it as stale (not refreshed for 30 s): say whose it was.
                    if (left && !(left.host === os.hostname() && alive(left.pid))) broken.push(staleLine(stack, left));
                } catch (err) {
                    if ((err as { code?: string }).code !== "ELOCKED") throw err;
                    const holder = readHolder(file);
                    // A lock taken a moment ago may still show its previous holder: look twice.
                    const gone = holder && holder.host === os.hostname() && !alive(holder.pid) && (await delay(250), readHolder(file)?.promotionId === holder.promotionId);
                    if (holder && gone) {
                        // Its holder was killed on this machine: the lock is stale now, not in 30 s.
                        // proper-lockfile unlocks only its own locks: remove the dead holder's lock folder.
                        rmSync(`${file}.lock`, { recursive: true, force: true });
                        release = await attempt().catch((again) => {
                            throw refusal(stack, readHolder(file), again);
                        });
                        broken.push(staleLine(stack, holder));
                    } else {
                        throw refusal(stack, holder, err);
                    }
                }
                writeFileSync(`${file}.holder`, JSON.stringify({ promotionId, host: os.hostname(), pid: process.pid, since: new Date().toISOString() } satisfies Holder));
                releases.push(release);
            }
            return new PromotionLock(releases, broken);
        } catch (err) {
            await Promise.all(releases.map((r) => r().catch(() => undefined)));
            throw err;
        }
    }

    /** Who holds a stack's lock now: a live process on this machine, or a lock kept fresh elsewhere. */
    static holder(dir: string, stack: string): Holder | undefined {
        const file = path.join(dir, `${stack}.lock-target`);
        if (!existsSync(`${file}.lock`)) return undefined;
        const holder = readHolder(file);
        if (!holder) return undefined;
        if (holder.host === os.hostname()) return alive(holder.pid) ? holder : undefined;
        try {
            return lockfile.checkSync(file, { stale: 30_000, realpath: false }) ? holder : undefined;
        } catch {
            return undefined;
        }
    }

    async release(): Promise<void> {
        await Promise.all(this.releases.map((r) => r().catch(() => undefined)));
    }
}

function refusal(stack: string, holder: Holder | undefined, err: unknown): Error {
    if ((err as { code?: string }).code !== "ELOCKED") return err as Error;
    return lockRefusal(stack, holder, "a lock whose holder died frees itself after 30 s");
}

/** True while a process with this pid exists (signal 0 checks without signalling). */
function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}

function readHolder(file: string): Holder | undefined {
    try {
        return JSON.parse(readFileSync(`${file}.holder`, "utf8")) as Holder;
    } catch {
        return undefined;
    }
}

function staleLine(stack: string, holder: Holder): string {
    const why = holder.host === os.hostname() ? "is gone" : "stopped refreshing it";
    return `${stack}: the lock of ${holder.promotionId} was stale (pid ${holder.pid} on ${holder.host} ${why})`;
}
