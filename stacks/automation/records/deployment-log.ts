import { closeSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { PromotionRecord, PromotionRecordSchema } from "./promotion-record";

/**
 * The deployment log: one PromotionRecord per finished run, one JSON object per line (JSON Lines),
 * append-only. It is the protocol's deployment log (seed 001) and the only input of the DORA
 * metrics, so it is written so that it cannot be damaged by the writers it has:
 * - every append is one `write(2)` of one whole line on a descriptor opened with O_APPEND. On a
 *   local filesystem the kernel moves the end of file and writes under the inode's lock, so lines
 *   from concurrent `shipgate` processes (two stacks promoted at once) never interleave;
 * - a record is validated before it is written: a line the reader would refuse is never added;
 * - a reader survives a damaged line (a disk that filled mid-write, a hand edit): it reports the
 *   line number and goes on, because losing a year of history to one bad line is worse.
 */

/** Where the log lives unless configured: inside the project, beside the engine's own state. */
export function defaultLogPath(projectDir: string): string {
    return path.join(projectDir, ".shipgate", "deployments.jsonl");
}

/** A record that the schema refuses: nothing was written. */
export class InvalidRecordError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`refusing to append an invalid promotion record to the deployment log:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "InvalidRecordError";
    }
}

function zodProblems(error: z.ZodError): string[] {
    return error.issues.map((issue) => `${issue.path.length ? issue.path.map(String).join(".") : "(record)"}: ${issue.message}`);
}

export interface AppendOptions {
    /** fdatasync after the write (default true): a record of a production change must survive a crash of the CI runner. */
    readonly sync?: boolean;
}

/**
 * Appends one record (validated, with the schema's defaults filled in) and returns what was written.
 * Throws InvalidRecordError when the record does not match the schema.
 */
export function appendRecord(logPath: string, record: unknown, options: AppendOptions = {}): PromotionRecord {
    const valid = validRecord(record);
    // JSON.stringify escapes newlines inside strings, so the record is exactly one line.
    const line = `${JSON.stringify(valid)}\n`;
    mkdirSync(path.dirname(logPath), { recursive: true });
    // "a+": O_APPEND for the write, readable for the last-byte check.
    const fd = openSync(logPath, "a+", 0o644);
    try {
        // A line left without its newline (a crash mid-write) would swallow this record when read:
        // start on a fresh line. Two writers racing here at worst leave an empty line, which is skipped.
        const buffer = Buffer.from(endsWithoutNewline(fd) ? `\n${line}` : line, "utf8");
        const written = writeSync(fd, buffer, 0, buffer.length);
        if (written !== buffer.length) {
            // Only a full disk or a quota does this to a regular file; the reader will flag the partial line.
            throw new Error(`deployment log ${logPath}: wrote ${written} of ${buffer.length} bytes (disk full?)`);
        }
        if (options.sync !== false) {
            fdatasyncSync(fd);
        }
    } finally {
        closeSync(fd);
    }
    return valid;
}

/** The record with the schema's defaults filled in; InvalidRecordError when the schema refuses it. */
export function validRecord(record: unknown): PromotionRecord {
    const parsed = PromotionRecordSchema.safeParse(record);
    if (!parsed.success) {
        throw new InvalidRecordError(zodProblems(parsed.error));
    }
    return parsed.data;
}

/** One stored record's text: the record, or why it is not one (for the reader to report and skip). */
export function parseRecord(text: string): { record: PromotionRecord } | { problem: string } {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        const snippet = text.length > 60 ? `${text.slice(0, 57)}...` : text;
        return { problem: `not JSON (${(err as Error).message}): ${JSON.stringify(snippet)}` };
    }
    const parsed = PromotionRecordSchema.safeParse(json);
    if (!parsed.success) {
        return { problem: `not a promotion record: ${zodProblems(parsed.error).slice(0, 4).join("; ")}` };
    }
    return { record: parsed.data };
}

function endsWithoutNewline(fd: number): boolean {
    const size = fstatSync(fd).size;
    if (size === 0) {
        return false;
    }
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
}

/** A line that is not a valid record, with its 1-based number (or, in an object store, the object's name). */
export interface LogProblem {
    readonly line: number;
    readonly object?: string;
    readonly message: string;
}

export interface LogContents {
    readonly path: string;
    /** Valid records, in file order (the order runs finished). */
    readonly records: PromotionRecord[];
    /** Lines skipped, each with why. */
    readonly problems: LogProblem[];
}

/** Lines in one chunk read: the log is read in chunks so a long history never needs one huge string. */
const CHUNK_BYTES = 1 << 20;

/** Calls `onLine` with each line (without its newline) and its 1-based number. */
function forEachLine(logPath: string, onLine: (line: string, n: number) => void): boolean {
    let fd: number;
    try {
        fd = openSync(logPath, "r");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
            return false;
        }
        throw err;
    }
    try {
        const chunk = Buffer.alloc(CHUNK_BYTES);
        let pending: Buffer[] = [];
        let n = 0;
        for (;;) {
            const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
            if (read === 0) {
                break;
            }
            let start = 0;
            for (let i = 0; i < read; i++) {
                if (chunk[i] === 0x0a) {
                    pending.push(chunk.subarray(start, i));
                    onLine(Buffer.concat(pending).toString("utf8"), ++n);
                    pending = [];
                    start = i + 1;
                }
            }
            // Copy: the chunk buffer is reused by the next read.
            pending.push(Buffer.from(chunk.subarray(start, read)));
        }
        const rest = Buffer.concat(pending).toString("utf8");
        if (rest.length > 0) {
            onLine(rest, ++n);
        }
        return true;
    } finally {
        closeSync(fd);
    }
}

/**
 * Reads and validates every line. A missing file is an empty log (a project that has not
 * promoted yet). Blank lines are ignored; a line that is not JSON or not a record is a problem,
 * reported with its number, and skipped.
 */
export function readLog(logPath: string): LogContents {
    const records: PromotionRecord[] = [];
    const problems: LogProblem[] = [];
    forEachLine(logPath, (text, line) => {
        if (text.trim() === "") {
            return;
        }
        const parsed = parseRecord(text);
        if ("problem" in parsed) problems.push({ line, message: parsed.problem });
        else records.push(parsed.record);
    });
    return { path: logPath, records: latestPerRun(records), problems };
}

/**
 * A run writes its record when it starts and before each step ("running"), then once more when
 * it ends, so a runner that is killed still leaves a line. The run is its last line, placed
 * where that line is: the log stays append-only and a reader sees one record per run.
 */
export function latestPerRun(records: readonly PromotionRecord[]): PromotionRecord[] {
    const last = new Map<string, number>();
    records.forEach((r, i) => {
        // A run's end outranks its "running" lines whatever their order: in a shared log, the
        // runner that closes another's interrupted run may have a clock behind the first one's.
        const before = last.get(r.id);
        if (before === undefined || r.result !== "running" || records[before].result === "running") last.set(r.id, i);
    });
    return records.filter((r, i) => last.get(r.id) === i);
}

/** Runs whose last line says "running": finished by nobody, unless they are running now (the lock says). */
export function unfinishedRuns(records: readonly PromotionRecord[], stage?: string): PromotionRecord[] {
    return records.filter((r) => r.result === "running" && (stage === undefined || r.stages.includes(stage)));
}

/** One line per problem, for a CLI to print on stderr: "deployments.jsonl:7: not JSON ...". */
export function describeProblems(contents: LogContents): string[] {
    return contents.problems.map((p) => (p.object ? `${p.object}: ${p.message} (record skipped)` : `${contents.path}:${p.line}: ${p.message} (line skipped)`));
}

export interface RecordQuery {
    /** Records that touched or targeted this stage (stack). */
    readonly stage?: string;
    /** Records that include this service. */
    readonly service?: string;
    readonly kind?: PromotionRecord["kind"];
    readonly result?: PromotionRecord["result"] | readonly PromotionRecord["result"][];
    /** Runs that started at or after this time. */
    readonly since?: Date | string;
    /** Runs that started before this time. */
    readonly until?: Date | string;
    /** The newest `limit` matching records (after the other filters). */
    readonly limit?: number;
}

function time(value: Date | string): number {
    const t = value instanceof Date ? value.getTime() : Date.parse(value);
    if (Number.isNaN(t)) {
        throw new Error(`not a date: ${String(value)}`);
    }
    return t;
}

/** The records matching every given filter, in log order. */
export function queryRecords(records: readonly PromotionRecord[], query: RecordQuery = {}): PromotionRecord[] {
    const since = query.since === undefined ? undefined : time(query.since);
    const until = query.until === undefined ? undefined : time(query.until);
    const results = query.result === undefined ? undefined : ([] as PromotionRecord["result"][]).concat(query.result);
    const matched = records.filter((r) => {
        if (query.stage !== undefined && !r.stages.includes(query.stage) && !r.steps.some((s) => s.stage === query.stage)) return false;
        if (query.service !== undefined && !r.services.includes(query.service)) return false;
        if (query.kind !== undefined && r.kind !== query.kind) return false;
        if (results !== undefined && !results.includes(r.result)) return false;
        const started = Date.parse(r.startedAt);
        if (since !== undefined && !(started >= since)) return false;
        if (until !== undefined && !(started < until)) return false;
        return true;
    });
    return query.limit === undefined ? matched : matched.slice(Math.max(0, matched.length - query.limit));
}
