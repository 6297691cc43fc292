import { BlockBlobClient, RestError } from "@azure/storage-blob";
import { randomUUID } from "node:crypto";
import * as os from "node:os";
import { AzureBlobLocation } from "./azure-blob-location";
import { lockRefusal } from "./lock-refusal";
import { HeldLocks, Holder, LockOptions, LockStore } from "./shipgate-store";
import { storeUnavailable } from "./store-errors";

/** What the lock blob holds: its last holder, and when that holder let go (absent while held, or if it never did). */
interface LockContent {
    readonly holder?: Holder;
    readonly releasedAt?: string;
}

/**
 * One promotion per stack across every runner that shares an `azblob://` backend: a blob per
 * stack, `<prefix>.shipgate/locks/<stack>.json`, held by a blob lease. The storage service
 * enforces the lease, so two runners can never both hold it; a holder renews it every third of
 * its duration, and a holder that is killed (or loses its network) stops renewing, so the lease
 * expires and the next run takes it, saying whose lock it took over.
 */
export class AzureBlobLock implements LockStore {
    readonly shared = true;

    constructor(
        private readonly location: AzureBlobLocation,
        /** The lease's duration: Azure allows 15 to 60 s. */
        private readonly leaseSeconds: number,
    ) {}

    get where(): string {
        return `${this.location.where}.shipgate/locks/`;
    }

    private blob(stack: string): BlockBlobClient {
        return this.location.container.getBlockBlobClient(`${this.location.prefix}.shipgate/locks/${stack}.json`);
    }

    async lock(stacks: readonly string[], promotionId: string, options: LockOptions = {}): Promise<HeldLocks> {
        const held: { stack: string; release(): Promise<void> }[] = [];
        const broken: string[] = [];
        const releaseAll = () => Promise.all(held.map((h) => h.release().catch(() => undefined))).then(() => undefined);
        try {
            for (const stack of stacks) {
                held.push(await this.acquireOne(stack, promotionId, options, broken));
            }
        } catch (err) {
            await releaseAll();
            throw err;
        }
        return { broken, release: releaseAll };
    }

    private async acquireOne(stack: string, promotionId: string, options: LockOptions, broken: string[]): Promise<{ stack: string; release(): Promise<void> }> {
        const blob = this.blob(stack);
        await this.guard(stack, () => createIfAbsent(blob));
        const lease = blob.getBlobLeaseClient(randomUUID());
        try {
            await lease.acquireLease(this.leaseSeconds);
        } catch (err) {
            if (!(err instanceof RestError) || err.statusCode !== 409) throw storeUnavailable(this.location.where, err);
            throw lockRefusal(stack, (await this.read(blob).catch(() => undefined))?.holder, `a lock whose holder stopped frees itself at most ${this.leaseSeconds} s after its last renewal`);
        }
        const conditions = { leaseId: lease.leaseId };
        const holder: Holder = { promotionId, host: os.hostname(), pid: process.pid, since: new Date().toISOString() };
        try {
            const before = await this.guard(stack, () => this.read(blob));
            const gone = before?.holder && !before.releasedAt ? before.holder : undefined;
            if (gone) broken.push(`${stack}: the lock of ${gone.promotionId} had expired (pid ${gone.pid} on ${gone.host} stopped renewing it)`);
            await this.guard(stack, () => write(blob, { holder }, conditions));
        } catch (err) {
            // Taken but not recorded: let go at once rather than leave the stack blocked for a lease.
            await lease.releaseLease().catch(() => undefined);
            throw err;
        }

        let renewed = Date.now();
        let lost = false;
        const renew = async () => {
            try {
                await lease.renewLease();
                renewed = Date.now();
            } catch (err) {
                // A lease taken by someone else is lost now; a network error only once the lease has run out.
                const taken = err instanceof RestError && err.statusCode === 409;
                if (!lost && (taken || Date.now() - renewed >= this.leaseSeconds * 1000)) {
                    lost = true;
                    clearInterval(timer);
                    options.onLost?.(stack, `the lease on ${this.location.where}.shipgate/locks/${stack}.json could not be renewed: ${firstLine(err)}`);
                }
            }
        };
        const timer = setInterval(() => void renew(), (this.leaseSeconds * 1000) / 3);
        // The renewals must not keep a finished process alive; the run itself does that.
        timer.unref();
        return {
            stack,
            release: async () => {
                clearInterval(timer);
                if (lost) return;
                await write(blob, { holder, releasedAt: new Date().toISOString() }, conditions).catch(() => undefined);
                await lease.releaseLease().catch(() => undefined);
            },
        };
    }

    async holder(stack: string): Promise<Holder | undefined> {
        const blob = this.blob(stack);
        return this.guard(stack, async () => {
            const properties = await blob.getProperties().catch((err: unknown) => {
                if (err instanceof RestError && err.statusCode === 404) return undefined;
                throw err;
            });
            if (properties?.leaseState !== "leased") return undefined;
            return (await this.read(blob))?.holder;
        });
    }

    private async read(blob: BlockBlobClient): Promise<LockContent | undefined> {
        try {
            const text = (await blob.downloadToBuffer()).toString("utf8");
            return text.trim() ? (JSON.parse(text) as LockContent) : {};
        } catch (err) {
            if (err instanceof RestError && err.statusCode === 404) return undefined;
            if (err instanceof SyntaxError) return {};
            throw err;
        }
    }

    /** A storage error that is not the lock's own answer: the store cannot be used, say where. */
    private async guard<T>(stack: string, action: () => Promise<T>): Promise<T> {
        try {
            return await action();
        } catch (err) {
            throw storeUnavailable(`${this.location.where}.shipgate/locks/${stack}.json`, err);
        }
    }
}

/** The lock blob exists from the first run on; a blob already there (leased or not) is fine. */
async function createIfAbsent(blob: BlockBlobClient): Promise<void> {
    try {
        await blob.upload("{}", 2, { conditions: { ifNoneMatch: "*" }, blobHTTPHeaders: { blobContentType: "application/json" } });
    } catch (err) {
        if (err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412)) return;
        throw err;
    }
}

async function write(blob: BlockBlobClient, content: LockContent, conditions: { leaseId: string }): Promise<void> {
    const body = JSON.stringify(content);
    await blob.upload(body, Buffer.byteLength(body), { conditions, blobHTTPHeaders: { blobContentType: "application/json" } });
}

function firstLine(err: unknown): string {
    const e = err as { statusCode?: number; code?: string; message?: string };
    return [e.statusCode, e.code, (e.message ?? String(err)).split("\n")[0]].filter((p) => p !== undefined && p !== "").join(" ").slice(0, 200);
}
