import { createLogUpdate } from "log-update";
import type { PromotionEvent } from "../../automation/promotion/promotion-events";
import { formatEvent } from "./format-event";
import { View } from "./view";

/**
 * A terminal's live view (log-update redraws a status block in place): finished lines scroll
 * above it; the block shows the current step, the traffic split and the latest analysis figures.
 */
export function liveView(stream: NodeJS.WriteStream = process.stdout): View {
    const update = createLogUpdate(stream, { showCursor: true });
    let step = "";
    let figures = "";
    let health = "";
    const print = (text: string) => {
        update.clear();
        stream.write(`${text}\n`);
        redraw();
    };
    const redraw = () => update([step, figures, health].filter(Boolean).join("\n"));
    return {
        event(event: PromotionEvent) {
            const text = formatEvent(event);
            switch (event.type) {
                case "step-start":
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
                    if (step) print(step.replace("▶", " "));
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
