import { randomBytes } from "node:crypto";
import { LogContents, LogProblem, latestPerRun, parseRecord, validRecord } from "../records/deployment-log";
import { PromotionRecord } from "../records/promotion-record";
import { AzureBlobLocation } from "./azure-blob-location";
import { LogStore } from "./shipgate-store";
import { storeUnavailable } from "./store-errors";

/** Downloads in flight at once when reading the log: enough to hide latency, few enough for a CI runner. */
const READ_CONCURRENCY = 16;

let written = 0;

/**
 * The deployment log in an `azblob://` backend: one blob per write under
 * `<prefix>.shipgate/deployments/`, created with `If-None-Match: *` so nothing is ever
 * overwritten, named `<time written>-<run id>-<sequence>.json` so a listing (which Azure returns
 * in name order) is the order the writes happened. Every runner appends here and every reader
 * lists it, so `history` and `metrics` see every runner's runs.
 */
export class AzureBlobLog implements LogStore {
    readonly shared = true;

    constructor(private readonly location: AzureBlobLocation) {}

    get where(): string {
        return `${this.location.where}.shipgate/deployments/`;
    }

    private get folder(): string {
        return `${this.location.prefix}.shipgate/deployments/`;
    }

    async append(record: unknown): Promise<PromotionRecord> {
        const valid = validRecord(record);
        const sequence = String(++written).padStart(6, "0");
        const name = `${this.folder}${new Date().toISOString()}-${valid.id}-${sequence}${randomBytes(2).toString("hex")}.json`;
        const body = JSON.stringify(valid);
        try {
            await this.location.container
                .getBlockBlobClient(name)
                .upload(body, Buffer.byteLength(body), { conditions: { ifNoneMatch: "*" }, blobHTTPHeaders: { blobContentType: "application/json" } });
        } catch (err) {
            throw storeUnavailable(`${this.location.where}${name.slice(this.location.prefix.length)}`, err);
        }
        return valid;
    }

    async read(): Promise<LogContents> {
        const where = this.where;
        const names: string[] = [];
        try {
            for await (const item of this.location.container.listBlobsFlat({ prefix: this.folder })) names.push(item.name);
        } catch (err) {
            throw storeUnavailable(where, err);
        }
        names.sort();
        const texts = new Array<string>(names.length);
        let next = 0;
        const worker = async () => {
            while (next < names.length) {
                const i = next++;
                texts[i] = (await this.location.container.getBlockBlobClient(names[i]).downloadToBuffer()).toString("utf8");
            }
        };
        try {
            await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, names.length) }, worker));
        } catch (err) {
            throw storeUnavailable(where, err);
        }
        const records: PromotionRecord[] = [];
        const problems: LogProblem[] = [];
        texts.forEach((text, i) => {
            const parsed = parseRecord(text);
            if ("problem" in parsed) problems.push({ line: i + 1, object: `${where}${names[i].slice(this.folder.length)}`, message: parsed.problem });
            else records.push(parsed.record);
        });
        return { path: where, records: latestPerRun(records), problems };
    }
}
