import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import lockfile from "proper-lockfile";
import { GateRefusal } from "./errors";

/** Who holds a stack's promotion lock, written beside it so a refusal can say. */
interface Holder {
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
    private constructor(private readonly releases: (() => Promise<void>)[]) {}

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
        try {
            for (const stack of stacks) {
                const file = path.join(dir, `${stack}.lock-target`);
                if (!existsSync(file)) writeFileSync(file, "");
                let release: () => Promise<void>;
                try {
                    release = await lockfile.lock(file, { stale: 30_000, update: 5_000, retries: 0, realpath: false });
                } catch (err) {
                    if ((err as { code?: string }).code === "ELOCKED") {
                        const holder = readHolder(file);
                        throw new GateRefusal(
                            "lock",
                            `another promotion is running on stack ${stack}${holder ? ` (${holder.promotionId}, pid ${holder.pid} on ${holder.host}, since ${holder.since})` : ""}`,
                            "wait for it to finish; a lock whose holder died frees itself after 30 s",
                        );
                    }
                    throw err;
                }
                writeFileSync(`${file}.holder`, JSON.stringify({ promotionId, host: os.hostname(), pid: process.pid, since: new Date().toISOString() } satisfies Holder));
                releases.push(release);
            }
            return new PromotionLock(releases);
        } catch (err) {
            await Promise.all(releases.map((r) => r().catch(() => undefined)));
            throw err;
        }
    }

    async release(): Promise<void> {
        await Promise.all(this.releases.map((r) => r().catch(() => undefined)));
    }
}

function readHolder(file: string): Holder | undefined {
    try {
        return JSON.parse(readFileSync(`${file}.holder`, "utf8")) as Holder;
    } catch {
        return undefined;
    }
}
