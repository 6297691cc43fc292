import { LogContents } from "../records/deployment-log";
import { PromotionRecord } from "../records/promotion-record";

/** Who holds a stack's promotion lock, kept with the lock so a refusal can say. */
export interface Holder {
    readonly promotionId: string;
    readonly host: string;
    readonly pid: number;
    readonly since: string;
}

/** The locks one run holds: every stack it asked for, or none. */
export interface HeldLocks {
    /** Locks taken over from a holder that is gone (it stopped without releasing): one line each. */
    readonly broken: readonly string[];
    release(): Promise<void>;
}

export interface LockOptions {
    /**
     * Called once if a held lock is lost (a lease that could not be renewed in time): another
     * runner may take the stack from then on, so the run must stop.
     */
    readonly onLost?: (stack: string, reason: string) => void;
}

/** One promotion per stack at a time, for every runner that shares the store. */
export interface LockStore {
    /** Where the locks live, for a person: a path or a URL without credentials. */
    readonly where: string;
    /** True when runners on other machines see the same locks. */
    readonly shared: boolean;
    /** Takes every stack's lock or none; a refusal (GateRefusal "lock") names the holder. */
    lock(stacks: readonly string[], promotionId: string, options?: LockOptions): Promise<HeldLocks>;
    /** Who holds a stack's lock now, if anybody. */
    holder(stack: string): Promise<Holder | undefined>;
}

/** The deployment log: append-only, one record per write; a run is its last write. */
export interface LogStore {
    readonly where: string;
    readonly shared: boolean;
    /** Appends one record (validated first); never rewrites an earlier one. */
    append(record: unknown): Promise<PromotionRecord>;
    /** Every run's last record, in the order they were written; damaged records are reported, not fatal. */
    read(): Promise<LogContents>;
}

/**
 * What shipgate keeps beside the Pulumi state, so every runner that shares the backend shares
 * it too (open-store.ts): `file://` keeps files (file-store.ts), `azblob://` keeps blobs
 * (azure-blob-lock.ts, azure-blob-log.ts).
 */
export interface ShipgateStore {
    readonly locks: LockStore;
    readonly log: LogStore;
}
