/** Structured JSON logs, one object a line (the protocol's logging requirement). */
export function log(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}): void {
    const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
    (level === "error" ? process.stderr : process.stdout).write(line + "\n");
}
