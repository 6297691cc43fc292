import { RestError } from "@azure/storage-blob";
import { GateRefusal } from "../errors";

/**
 * The shared store could not be used (unreachable, refused credentials, no container): the
 * run refuses before it changes anything, because without the lock and the log it cannot know
 * whether another runner is on the stack or left it half-way. One line: the storage service's
 * own error text is XML over several lines.
 */
export function storeUnavailable(where: string, err: unknown): Error {
    if (err instanceof GateRefusal) return err;
    return new GateRefusal(
        "store",
        `cannot use ${where}: ${summary(err)}`,
        "check that the storage answers and that the credentials the Pulumi backend uses are set (see README, \"Many runners, one store\")",
    );
}

function summary(err: unknown): string {
    if (err instanceof RestError) {
        const parts = [err.statusCode, err.code].filter((p) => p !== undefined && p !== "");
        const first = (err.message.split("\n")[0] ?? "").trim();
        return `${parts.join(" ")}${parts.length && first ? ": " : ""}${first}`.slice(0, 200);
    }
    return ((err as Error)?.message ?? String(err)).split("\n")[0].slice(0, 200);
}
