import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    InvalidRecordError,
    appendRecord,
    defaultLogPath,
    describeProblems,
    queryRecords,
    readLog,
} from "../../../stacks/automation/records/deployment-log";
import { PromotionRecordInput } from "../../../stacks/automation/records/promotion-record";
import { refusedRecord, rollbackRecord, successRecord } from "./fixtures";

describe("deployment log", () => {
    let dir: string;
    let log: string;

    beforeEach(() => {
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-log-"));
        log = defaultLogPath(dir);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("lives in <project>/.shipgate/deployments.jsonl by default", () => {
        assert.equal(defaultLogPath("/srv/app"), "/srv/app/.shipgate/deployments.jsonl");
    });

    it("appends one JSON line per record (creating the folder) and reads them back in order", () => {
        appendRecord(log, successRecord());
        appendRecord(log, rollbackRecord());
        const text = readFileSync(log, "utf8");
        assert.equal(text.split("\n").length, 3, "two lines and a final newline");
        assert.ok(text.endsWith("\n"));
        const { records, problems } = readLog(log);
        assert.deepEqual(problems, []);
        assert.deepEqual(
            records.map((r) => [r.id, r.result]),
            [
                ["p-20261123-100000-1.3.0", "succeeded"],
                ["p-20261123-100000-1.3.1", "rolled-back"],
            ],
        );
        // The schema's defaults are written, so the line stands on its own.
        assert.equal(records[0].schemaVersion, 1);
        assert.equal(records[1].rollback?.trafficRestoredAt, "2026-11-23T10:16:44.000Z");
    });

    it("keeps a record with newlines in its strings on one line", () => {
        appendRecord(log, refusedRecord()); // its error has a newline
        assert.equal(readFileSync(log, "utf8").trimEnd().split("\n").length, 1);
        assert.equal(readLog(log).records[0].error, "change-window: Friday afternoon\n  fix: wait for Monday or use --emergency");
    });

    it("refuses a record that fails the schema, naming the field, and writes nothing", () => {
        const bad = { ...successRecord(), result: "partly" } as unknown as PromotionRecordInput;
        assert.throws(() => appendRecord(log, bad), (err: Error) => err instanceof InvalidRecordError && /result/.test(err.message));
        const noId = { ...successRecord() } as Record<string, unknown>;
        delete noId.id;
        assert.throws(() => appendRecord(log, noId), /id:/);
        assert.equal(existsSync(log), false);
    });

    it("reads a missing log as empty", () => {
        assert.deepEqual(readLog(path.join(dir, "nope.jsonl")), { path: path.join(dir, "nope.jsonl"), records: [], problems: [] });
    });

    it("skips corrupt lines, reporting each with its line number, and keeps the good ones", () => {
        appendRecord(log, successRecord());
        appendFileSync(log, "this is not json\n");
        appendFileSync(log, '{"id": "half a rec\n');
        appendFileSync(log, `${JSON.stringify({ id: "x", kind: "promote" })}\n`);
        appendFileSync(log, "\n");
        appendRecord(log, rollbackRecord());
        const contents = readLog(log);
        assert.deepEqual(
            contents.records.map((r) => r.id),
            ["p-20261123-100000-1.3.0", "p-20261123-100000-1.3.1"],
        );
        assert.deepEqual(
            contents.problems.map((p) => p.line),
            [2, 3, 4],
        );
        assert.match(contents.problems[0].message, /^not JSON/);
        assert.match(contents.problems[2].message, /^not a promotion record: .*version/);
        const lines = describeProblems(contents);
        assert.match(lines[0], /deployments\.jsonl:2: not JSON .* \(line skipped\)$/);
    });

    it("starts a fresh line after a line cut short by a crash, so the next record is not lost", () => {
        mkdirSync(path.dirname(log), { recursive: true });
        writeFileSync(log, '{"id": "cut sh'); // no newline: a writer died mid-line
        appendRecord(log, successRecord());
        const contents = readLog(log);
        assert.deepEqual(contents.records.map((r) => r.id), ["p-20261123-100000-1.3.0"]);
        assert.deepEqual(contents.problems.map((p) => p.line), [1]);
    });

    it("refuses a line of a log format version it does not know", () => {
        mkdirSync(path.dirname(log), { recursive: true });
        appendFileSync(log, `${JSON.stringify({ ...successRecord(), schemaVersion: 2 })}\n`);
        const contents = readLog(log);
        assert.equal(contents.records.length, 0);
        assert.match(contents.problems[0].message, /schemaVersion/);
    });

    it("concurrent appends from several processes never interleave lines", async function () {
        this.timeout(60_000);
        const writers = 4;
        const worker = path.join(__dirname, "append-worker.ts");
        const children = Array.from({ length: writers }, (_, w) => {
            const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", worker, log, `w${w}`, "1000", "600"], { stdio: ["pipe", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            const ready = new Promise<void>((resolve) => child.stdout.on("data", (c) => (stdout += c) && stdout.includes("ready") && resolve()));
            child.stderr.on("data", (c) => (stderr += c));
            const done = new Promise<number>((resolve, reject) =>
                child.on("exit", (code) => (code === 0 ? resolve(Number(/appended (\d+)/.exec(stdout)?.[1])) : reject(new Error(`worker w${w} exited ${code}: ${stderr}`)))),
            );
            return { child, ready, done };
        });
        // Loaded, then started together: the appends overlap (600 records each, or 1 s).
        await Promise.all(children.map((c) => c.ready));
        for (const c of children) c.child.stdin.end("go\n");
        const counts = await Promise.all(children.map((c) => c.done));
        const contents = readLog(log);
        assert.deepEqual(contents.problems, []);
        const total = counts.reduce((a, b) => a + b, 0);
        assert.ok(counts.every((c) => c > 10), `each writer appended: ${counts}`);
        assert.equal(contents.records.length, total);
        const ids = new Set(contents.records.map((r) => r.id));
        counts.forEach((count, w) => {
            for (let n = 0; n < count; n++) assert.ok(ids.has(`w${w}-${n}`), `w${w}-${n} missing`);
        });
        // The writers did run at the same time (else this test would prove nothing): their lines alternate in the file.
        const switches = contents.records.filter((r, i) => i > 0 && r.id.split("-")[0] !== contents.records[i - 1].id.split("-")[0]).length;
        assert.ok(switches > writers * 4, `only ${switches} switches between writers: the appends did not overlap`);
        // Every line carries only its own writer's padding.
        for (const r of contents.records) {
            const writer = r.id.split("-")[0];
            assert.ok(r.changes!.split(":").filter(Boolean).every((p) => p === writer), `${r.id} has another writer's bytes`);
        }
    });
});

describe("deployment log queries", () => {
    const records = [successRecord(), rollbackRecord(), refusedRecord()].map((r, i) => {
        const dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-q-"));
        const log = path.join(dir, "log.jsonl");
        appendRecord(log, r);
        const parsed = readLog(log).records[0];
        rmSync(dir, { recursive: true });
        return i === 2 ? { ...parsed, services: ["frontend"] } : parsed;
    });
    const manual = { ...records[0], id: "rb-1", kind: "rollback" as const, stages: ["staging"], steps: [], startedAt: "2026-11-30T09:00:00.000Z" };
    const all = [...records, manual];

    it("filters by stage, service, kind, result and time", () => {
        assert.deepEqual(queryRecords(all, { stage: "staging" }).map((r) => r.id), ["p-20261123-100000-1.3.0", "p-20261123-100000-1.3.1", "p-20261127-150000-1.3.0", "rb-1"]);
        assert.deepEqual(queryRecords(all, { service: "frontend" }).map((r) => r.id), ["p-20261127-150000-1.3.0"]);
        assert.deepEqual(queryRecords(all, { kind: "rollback" }).map((r) => r.id), ["rb-1"]);
        assert.deepEqual(queryRecords(all, { result: ["rolled-back", "refused"] }).map((r) => r.id), ["p-20261123-100000-1.3.1", "p-20261127-150000-1.3.0"]);
        assert.deepEqual(queryRecords(all, { since: "2026-11-24T00:00:00Z" }).map((r) => r.id), ["p-20261127-150000-1.3.0", "rb-1"]);
        assert.deepEqual(queryRecords(all, { until: new Date("2026-11-24T00:00:00Z") }).length, 2);
        assert.deepEqual(queryRecords(all, { limit: 1 }).map((r) => r.id), ["rb-1"]);
        assert.throws(() => queryRecords(all, { since: "yesterday" }), /not a date/);
    });
});
