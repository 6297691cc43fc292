import { PromotionRecord } from "./promotion-record";
import { RunReport } from "./report-model";

/**
 * The report for machines: the derived report (colors, figures as text, incident) next to the
 * record it came from, so a dashboard can use either the words people read or the raw numbers.
 * `reportVersion` lets a consumer refuse a shape it does not know.
 */
export function reportJson(report: RunReport, record: PromotionRecord): string {
    const { rollback, ...rest } = report;
    const body = {
        ...rest,
        // The rollback's steps appear once, as a report; the raw ones are in `record.rollback`.
        rollback: rollback && { ...rollback, steps: rollback.stepsReport, stepsReport: undefined },
        record,
    };
    return `${JSON.stringify(body, null, 2)}\n`;
}
