import wrapAnsi from "wrap-ansi";

/** What a person reads fits this many columns; every figure stays, the JSON log and report keep whole lines. */
export const OUTPUT_COLUMNS = 120;

/** Continuation lines sit this much deeper than the line they continue, so they read as one. */
const CONTINUATION = 4;

/**
 * Wraps each line of `text` at word boundaries to `columns` (wide characters and colors counted
 * as the terminal shows them). A wrapped line keeps its indent; its continuations are indented
 * a little more. A word longer than the room (a path, a URL) stays whole on a line of its own:
 * cut, it could not be copied or clicked.
 */
export function fitWidth(text: string, columns: number = OUTPUT_COLUMNS): string {
    return text
        .split("\n")
        .map((line) => {
            // wrap-ansi measures as the terminal shows it (✔, —, emoji); a line that fits is kept as is.
            if (!wrapAnsi(line, columns, { trim: false }).includes("\n")) return line;
            const indent = /^ */.exec(line)![0].length;
            const room = Math.max(20, columns - indent - CONTINUATION);
            const [first, ...rest] = wrapAnsi(line.slice(indent), room).split("\n");
            if (!rest.length) return line;
            return [" ".repeat(indent) + first, ...rest.map((l) => " ".repeat(indent + CONTINUATION) + l)].join("\n");
        })
        .join("\n");
}
