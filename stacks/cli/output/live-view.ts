import { createLogUpdate } from "log-update";
import type { PromotionEvent } from "../../automation/promotion/promotion-events";
import { OUTPUT_COLUMNS, fitWidth } from "./fit-width";
import { formatEvent } from "./format-event";
import { View } from "./view";

/**
 * A terminal's live view (log-update redraws a status block in place): finished lines scroll
 * above it, each step's under its own header; the block shows the current step and its latest
 * analysis figures and health. Lines fit 120 columns (and the terminal, when narrower).
 */
export function liveView(stream: NodeJS.WriteStream = process.stdout): View {
    const update = createLogUpdate(stream, { showCursor: true });
    const fit = (text: string) => fitWidth(text, Math.min(OUTPUT_COLUMNS, stream.columns || OUTPUT_COLUMNS));
    let step = "";
    let figures = "";
    let health = "";
    const print = (text: string) => {
        update.clear();
        stream.write(`${fit(text)}\n`);
        redraw();
    };
    const redraw = () => update(fit([step, figures, health].filter(Boolean).join("\n")));
    return {
        event(event: PromotionEvent) {
            const text = formatEvent(event);
            switch (event.type) {
                case "step-start":
                    // The header is printed now, so the step's lines (applied, analysing…) come under it.
                    if (text) print(text);
                    step = `▶ ${text}`;
                    figures = "";
                    health = "";
                    redraw();
                    return;
                case "analysis":
                    if (event.event.type === "measurement") figures = text ?? figures;
                    else if (event.event.type === "health") health = text ? text : `  health ${event.event.round.color}`;
                    else if (text) print(text);
                    redraw();
                    return;
                case "step-done":
                    if (figures) print(figures);
                    step = figures = health = "";
                    if (text) print(text);
                    return;
                default:
                    if (text) print(text);
            }
        },
        line(text) {
            print(text);
        },
        close() {
            update.done();
        },
    };
}
