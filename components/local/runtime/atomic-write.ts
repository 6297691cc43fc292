import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** Writes through a temporary file and a rename, so a reader (HAProxy, Prometheus) never sees half a file. */
export function writeFileAtomic(file: string, content: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, content);
    renameSync(tmp, file);
}
