// A separate process appending records to one log, for the concurrency test.
// argv: log path, writer id, how long to keep appending (ms), at most how many records. Says "ready" once loaded, starts on a line
// on stdin (so every writer starts together), and prints how many records it appended.
import { appendRecord } from "../../../stacks/automation/records/deployment-log";

const [logPath, writer, forText, maxText] = process.argv.slice(2);
// Big lines (~8 KB, more than a page and a pipe buffer) make an interleaving visible if writes were not atomic.
const padding = `${writer}:`.repeat(Math.ceil(8_000 / (writer.length + 1)));

function main(): void {
    // Every writer appends for the same period of time, so the writes overlap whatever the start-up jitter.
    const until = Date.now() + Number(forText);
    let n = 0;
    while (Date.now() < until && n < Number(maxText)) {
        appendRecord(
            logPath,
            {
                id: `${writer}-${n++}`,
                kind: "promote",
                version: "1.0.0",
                services: ["backend"],
                stages: ["production"],
                versions: [],
                startedAt: new Date().toISOString(),
                result: "succeeded",
                changes: padding,
            },
            { sync: false },
        );
    }
    process.stdout.write(`appended ${n}\n`);
}

process.stdin.once("data", () => {
    main();
    process.exit(0);
});
process.stdout.write("ready\n");
