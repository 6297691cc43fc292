import { UnknownValueError } from "@pulumi/policy";

/**
 * Reads a value that may still be unknown in a preview, without letting the engine downgrade the
 * whole policy: an unknown value comes back as `undefined`. Use it for what a message merely
 * mentions (a namespace) or what a gate can do without; let a value the gate decides on throw, so
 * the engine re-runs the check at `up`, when it is known.
 */
export function ifKnown<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (err) {
        if (err instanceof UnknownValueError) {
            return undefined;
        }
        throw err;
    }
}

/** What {@link readKnown} returns for a value unknown at preview. */
export const UNKNOWN_AT_PREVIEW: unique symbol = Symbol("unknown at preview");

/** Like {@link ifKnown}, but tells "unknown at preview" apart from "absent". */
export function readKnown<T>(read: () => T): T | typeof UNKNOWN_AT_PREVIEW {
    try {
        return read();
    } catch (err) {
        if (err instanceof UnknownValueError) {
            return UNKNOWN_AT_PREVIEW;
        }
        throw err;
    }
}
