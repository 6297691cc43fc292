import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import lockfile from "proper-lockfile";
import { GateRefusal } from "./errors";

/** Who holds a stack's promotion lock, written beside it so a refusal can say. */
export interface Holder {
    readonly promotionId: string;
    readonly host: string;
    readonly pid: number;
    readonly since: string;
}

/**
 * One promotion per stack at a time. The lock lives next to a file:// backend's state (shared
 * by everyone using that backend) or in the project's .shipgate/locks; proper-lockfile keeps it
 * fresh while held and treats it as stale when its holder died. For remote backends, also
 * serialise CI jobs per stack (a GitHub Actions `concurrency` group; see README).
 */
export class PromotionLock {
    private constructor(
        private readonly releases: (() => Promise<void>)[],
        /** Locks taken over from a holder that is gone (its process ended without releasing): one line each. */
        readonly broken: readonly string[],
    ) {}

    static lockDir(projectDir: string, backendUrl: string | undefined): string {
        if (backendUrl?.startsWith("file://")) {
            return path.join(backendUrl.slice("file://".length), ".shipgate-locks");
        }
        return path.join(projectDir, ".shipgate", "locks");
    }

    /** Takes every stack's lock or none: a refusal names the holder. */
    static async acquire(dir: string, stacks: readonly string[], promotionId: string): Promise<PromotionLock> {
        mkdirSync(dir, { recursive: true });
        const releases: (() => Promise<void>)[] = [];
        const broken: string[] = [];
        try {
            for (const stack of stacks) {
                const file = path.join(dir, `${stack}.lock-target`);
                if (!existsSync(file)) writeFileSync(file, "");
                const attempt = () => lockfile.lock(file, { stale: 30_000, update: 5_000, retries: 0, realpath: false });
                let release: () => Promise<void>;
                try {
                    release = await attempt();
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
                        broken.push(`${stack}: the lock of ${holder.promotionId} was stale (pid ${holder.pid} on ${holder.host} is gone)`);
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
    return new GateRefusal(
        "lock",
        `another promotion is running on stack ${stack}${holder ? ` (${holder.promotionId}, pid ${holder.pid} on ${holder.host}, since ${holder.since})` : ""}`,
        "wait for it to finish; a lock whose holder died frees itself after 30 s",
    );
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
