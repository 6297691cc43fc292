import { PromotionSettingsSchema } from "../../automation/promotion/promotion-settings";
import { StackOutputs } from "../../automation/stack-outputs";
import { createMetricSource } from "../../automation/verify";

/** Whether a stack's metric source answers: a dead Prometheus fails every later analysis as inconclusive, so status says so first. */
export interface MetricSourceCheck {
    readonly source?: string;
    readonly answers?: boolean;
    readonly reason?: string;
}

/** One query of the stack's metric source (a minute of the first service's live track), as the analysis makes it. */
export async function checkMetricSource(rawSettings: unknown, outputs: StackOutputs, service: string, track: string): Promise<MetricSourceCheck> {
    const parsed = PromotionSettingsSchema.safeParse(rawSettings ?? {});
    if (!parsed.success) return { answers: false, reason: "shipgate:promotion is not valid: run `shipgate promote --dry-run` for the details" };
    const source = createMetricSource(parsed.data.analysis, outputs);
    if (!source) return {};
    try {
        await source.measure({ service, track, windowSeconds: 60 }, AbortSignal.timeout(5_000));
        return { source: source.name, answers: true };
    } catch (err) {
        // The status line already names the source; the query text belongs to the promotion's report, not here.
        const message = (err as Error).message.split("\n")[0];
        const reason = message.replace(`${source.name}: `, "").replace(/ \(query: .*$/, "");
        return { source: source.name, answers: false, reason };
    }
}
