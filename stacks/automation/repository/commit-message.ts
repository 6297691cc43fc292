import { PromotionRecord } from "../records/promotion-record";

/**
 * The write-back commit's message: a subject a person scans in `git log --oneline`, then one
 * line per service, and trailers (`git log --format=%(trailers)`) that tie the commit to the
 * deployment log's record.
 */
export function commitMessage(record: PromotionRecord, step?: string): string {
    const stages = record.stages.join(", ");
    const subject =
        record.kind === "promote"
            ? `shipgate: promote ${record.version} on ${stages}: ${step ?? record.result}`
            : `shipgate: roll back ${stages} to ${record.version}: ${step ?? record.result}`;
    const services = new Map<string, { from: string; to: string; final?: string; stages: string[] }>();
    for (const v of record.versions) {
        const key = `${v.service} ${v.from} → ${v.to}`;
        const entry = services.get(key) ?? { from: v.from, to: v.to, final: v.final, stages: [] };
        entry.stages.push(v.stage);
        services.set(key, entry);
    }
    const body = [...services.entries()].map(([key, e]) => `${key} (${e.stages.join(", ")})${e.final && e.final !== e.to ? `: back on ${e.final}` : ""}`);
    const trailers = [`Shipgate-Promotion: ${record.id}`, `Shipgate-Result: ${step ? "in progress" : record.result}`];
    if (record.deployer) trailers.push(`Shipgate-Deployer: ${record.deployer}`);
    return [subject, "", ...body, "", ...trailers].join("\n");
}
