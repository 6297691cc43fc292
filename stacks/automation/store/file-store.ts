import { appendRecord, LogContents, readLog } from "../records/deployment-log";
import { PromotionRecord } from "../records/promotion-record";
import { PromotionLock } from "./file-lock";
import { HeldLocks, Holder, LockOptions, LockStore, LogStore } from "./shipgate-store";

/** The locks as files in a folder: a file:// backend's own (shared by every checkout on that filesystem), or this checkout's. */
export class FileLockStore implements LockStore {
    constructor(
        readonly where: string,
        readonly shared: boolean,
    ) {}

    lock(stacks: readonly string[], promotionId: string, options?: LockOptions): Promise<HeldLocks> {
        return PromotionLock.acquire(this.where, stacks, promotionId, options);
    }

    async holder(stack: string): Promise<Holder | undefined> {
        return PromotionLock.holder(this.where, stack);
    }
}

/** The deployment log as a JSON Lines file (deployment-log.ts): on this runner, unless the path is shared storage. */
export class FileLogStore implements LogStore {
    readonly shared = false;

    constructor(readonly where: string) {}

    async append(record: unknown): Promise<PromotionRecord> {
        return appendRecord(this.where, record);
    }

    async read(): Promise<LogContents> {
        return readLog(this.where);
    }
}
