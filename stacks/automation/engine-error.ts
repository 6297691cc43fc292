import { CommandError } from "@pulumi/pulumi/automation";

/**
 * A `pulumi` command that failed, said in one line: the engine's own `error:` line (a wrong
 * passphrase, an unreachable backend), not the Automation API's dump of exit code, stdout and
 * stderr. The whole text stays on the error (`raw`) for the JSON log.
 */
export class EngineCommandFailed extends Error {
    constructor(
        readonly exitCode: number,
        readonly summary: string,
        readonly raw: string,
    ) {
        super(`pulumi failed (exit ${exitCode}): ${summary}`);
        this.name = "EngineCommandFailed";
    }
}

/** The Automation API's CommandError as an EngineCommandFailed; any other error as it is. */
export function summariseEngineError(err: unknown): unknown {
    if (!(err instanceof CommandError)) return err;
    const result = (err as unknown as { commandResult?: { stdout?: string; stderr?: string; code?: number } }).commandResult ?? {};
    const line = errorLine(result.stderr ?? "") ?? errorLine(result.stdout ?? "") ?? "no error text";
    return new EngineCommandFailed(result.code ?? -1, `${line}${hint(line)}`, err.message);
}

/** The fix, for the engine errors a CI run meets most. */
function hint(line: string): string {
    if (/passphrase/i.test(line)) return ": check PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE)";
    return "";
}

function errorLine(text: string): string | undefined {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    const said = [...lines].reverse().find((l) => /^error:/i.test(l)) ?? lines[0];
    return said?.replace(/^error:\s*/i, "").slice(0, 240);
}
