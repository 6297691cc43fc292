import { GateRefusal } from "../errors";
import { Holder } from "./shipgate-store";

/** The refusal of a lock somebody holds, the same words for every store: who, since when, and when it frees itself. */
export function lockRefusal(stack: string, holder: Holder | undefined, frees: string): GateRefusal {
    return new GateRefusal(
        "lock",
        `another promotion is running on stack ${stack}${holder ? ` (${holder.promotionId}, pid ${holder.pid} on ${holder.host}, since ${holder.since})` : ""}`,
        `wait for it to finish; ${frees}`,
    );
}
