import { fitWidth } from "./fit-width";
import { formatEvent } from "./format-event";
import { View } from "./view";

/** CI output: one line per event (wrapped to 120 columns), nothing redrawn (logs are read after the fact). */
export function plainView(write: (text: string) => void = (t) => process.stdout.write(t)): View {
    return {
        event(event) {
            const text = formatEvent(event);
            if (text) write(`${fitWidth(text)}\n`);
        },
        line(text) {
            write(`${fitWidth(text)}\n`);
        },
        close() {},
    };
}
