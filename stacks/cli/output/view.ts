import type { PromotionEvent } from "../../automation/promotion/promotion-events";

/** Renders a run's events for a person: a live view in a terminal, plain lines in CI. */
export interface View {
    event(event: PromotionEvent): void;
    /** A line that is not an event (a refusal, the final word). */
    line(text: string): void;
    close(): void;
}
