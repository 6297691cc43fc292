import { formatEvent } from "./format-event";
import { View } from "./view";

/** CI output: one line per event, nothing redrawn (logs are read after the fact). */
export function plainView(write: (text: string) => void = (t) => process.stdout.write(t)): View {
    return {
        event(event) {
            const text = formatEvent(event);
            if (text) write(`${text}\n`);
        },
        line(text) {
            write(`${text}\n`);
        },
        close() {},
    };
}
