import { existsSync } from "node:fs";
import * as path from "node:path";
import { InvalidInputError } from "../../../components/release";
import { appendRecord, LogContents, readLog } from "../records/deployment-log";
import { PromotionRecord } from "../records/promotion-record";
import { PromotionLock } from "./file-lock";
import { HeldLocks, Holder, LockOptions, LockStore, LogStore } from "./shipgate-store";

/** The locks as files in a folder: a file:// backend's own (shared by every checkout on that filesystem), or this checkout's. */
export class FileLockStore implements LockStore {
    constructor(
        readonly where: string,
        readonly shared: boolean,
        /** The file:// backend the folder is in: it must exist (a mistyped URL is not created). */
        private readonly backendUrl?: string,
    ) {}

    async lock(stacks: readonly string[], promotionId: string, options?: LockOptions): Promise<HeldLocks> {
        if (this.backendUrl && !existsSync(path.dirname(this.where))) {
            throw new InvalidInputError("backend URL", [
                { path: "PULUMI_BACKEND_URL", message: `${this.backendUrl}: there is no folder ${path.dirname(this.where)}: fix the URL, or create the folder (\`mkdir -p ${path.dirname(this.where)}\`)` },
            ]);
        }
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
