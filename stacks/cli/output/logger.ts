import { mkdirSync } from "node:fs";
import * as path from "node:path";
import pino from "pino";

/**
 * Structured JSON logs (the protocol's logging requirement), with pino: every run writes
 * its own file under .shipgate/logs/, and `--log-format json` also streams them to stderr for
 * log collectors. Errors keep their stack traces (pino's err serializer).
 */
export function createLogger(projectDir: string, runId: string, jsonToStderr: boolean): { logger: pino.Logger; file: string } {
    const dir = path.join(projectDir, ".shipgate", "logs");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${runId}.jsonl`);
    const streams: pino.StreamEntry[] = [{ stream: pino.destination({ dest: file, sync: true }) }];
    if (jsonToStderr) streams.push({ stream: pino.destination({ dest: 2, sync: true }) });
    const logger = pino(
        {
            base: { run: runId },
            timestamp: pino.stdTimeFunctions.isoTime,
            // Secrets never reach a log: anything that looks like a credential is redacted.
            redact: { paths: ["*.password", "*.token", "*.secret", "*.webhookUrl", "*.authorization", "headers.authorization"], censor: "[redacted]" },
        },
        pino.multistream(streams),
    );
    return { logger, file };
}
