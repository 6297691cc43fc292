import type { PromotionRecord } from "../records/promotion-record";
import { duration } from "../records/format-time";
import { NotificationEvent } from "./hook-types";

/**
 * A Slack message (Block Kit) for a promotion event: `text` is the whole story in one line (it is
 * what a phone notification, a screen reader and a Slack-compatible server without blocks show),
 * `blocks` the same with the figures a person looks at next. Limits kept: header ≤ 150 chars,
 * section text ≤ 3000, at most 10 fields of ≤ 2000.
 */

export interface SlackMessageOptions {
    /** Prepended to a rollback-failed message ("<!here>"), so the channel is paged. */
    readonly mention?: string;
    /** The CI run, linked from the message. */
    readonly runUrl?: string;
    readonly channel?: string;
    readonly username?: string;
    readonly iconEmoji?: string;
}

export interface SlackPayload {
    readonly text: string;
    readonly blocks: readonly Record<string, unknown>[];
    readonly channel?: string;
    readonly username?: string;
    readonly icon_emoji?: string;
}

/** Slack's mrkdwn control characters. */
export function escapeMrkdwn(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function cut(text: string, max: number): string {
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function firstLine(text: string | undefined): string | undefined {
    return text?.split("\n")[0];
}

const HEALTH_EMOJI: Record<string, string> = { GREEN: "🟢", YELLOW: "🟡", RED: "🔴" };

function successEmoji(r: PromotionRecord): string {
    const colors = Object.values(r.health);
    return colors.includes("RED") ? HEALTH_EMOJI.RED : colors.includes("YELLOW") ? HEALTH_EMOJI.YELLOW : HEALTH_EMOJI.GREEN;
}

function sentence(event: NotificationEvent, r: PromotionRecord): { title: string; body: string } {
    const what = `${r.services.join(", ") || "release"} ${r.version}`;
    const stages = r.stages.join(" → ") || "no stage";
    const rb = r.rollback;
    switch (event) {
        case "started":
            return { title: `🚀 Promoting ${what}`, body: `Promotion of ${what} started: ${stages}.` };
        case "succeeded":
            return r.kind === "rollback"
                ? { title: `${successEmoji(r)} Rolled back to ${what}`, body: `${stages} is on ${what} again (manual rollback).` }
                : { title: `${successEmoji(r)} Released ${what}`, body: `${what} is live in ${stages}.` };
        case "rolled-back":
            return {
                title: `🔴 Rolled back ${what}`,
                body: `${what} was rolled back in ${rb?.stage ?? stages}: ${firstLine(rb?.reason ?? r.error) ?? "a check failed"}. It is back on the last good release.`,
            };
        case "refused": {
            const gate = r.gates.find((g) => g.outcome === "fail");
            return { title: `⛔ Refused ${what}`, body: `${what} was refused${gate ? ` by ${gate.gate}: ${gate.detail}` : `: ${firstLine(r.error) ?? "a gate said no"}`}. Nothing was changed.` };
        }
        case "failed":
            return { title: `🔴 Failed ${what}`, body: `${what} failed before changing anything: ${firstLine(r.error) ?? "unknown error"}.` };
        case "rollback-failed":
            return {
                title: `🚨 ROLLBACK FAILED: ${what}`,
                body: `The rollback of ${what} in ${rb?.stage ?? stages} FAILED: traffic may not be on the last good release. A person must act now. ${firstLine(rb?.error ?? r.error) ?? ""}`.trim(),
            };
    }
}

export function slackMessage(event: NotificationEvent, r: PromotionRecord, options: SlackMessageOptions = {}): SlackPayload {
    const { title, body } = sentence(event, r);
    const mention = event === "rollback-failed" && options.mention ? `${options.mention} ` : "";
    const fields: string[] = [`*Version*\n${escapeMrkdwn(r.version)}`, `*Stages*\n${escapeMrkdwn(r.stages.join(" → ") || "—")}`];
    if (r.approvers.length) fields.push(`*Approved by*\n${escapeMrkdwn(r.approvers.join(", "))}`);
    if (r.deployer) fields.push(`*Deployer*\n${escapeMrkdwn(r.deployer)}`);
    if (r.gitCommit) fields.push(`*Commit*\n\`${escapeMrkdwn(r.gitCommit.slice(0, 12))}\``);
    if (event !== "started" && (r.durationMs !== undefined || r.finishedAt)) {
        fields.push(`*Duration*\n${duration(r.durationMs ?? Date.parse(r.finishedAt!) - Date.parse(r.startedAt))}`);
    }
    if (r.rollback?.trafficRestoredAt && (event === "rolled-back" || event === "rollback-failed")) {
        const from = r.rollback.failedAt ?? r.rollback.startedAt;
        fields.push(`*Traffic restored*\n${duration(Date.parse(r.rollback.trafficRestoredAt) - Date.parse(from))} after the failed check`);
    }
    if (r.hotfixReason) fields.push(`*Hotfix*\n${escapeMrkdwn(r.hotfixReason)} (review within 24 h)`);

    const context = [`run \`${escapeMrkdwn(r.id)}\``];
    if (options.runUrl) context.push(`<${options.runUrl}|CI run>`);
    const blocks: Record<string, unknown>[] = [
        { type: "header", text: { type: "plain_text", text: cut(title, 150), emoji: true } },
        { type: "section", text: { type: "mrkdwn", text: cut(`${mention}${escapeMrkdwn(body)}`, 3000) } },
        { type: "section", fields: fields.slice(0, 10).map((text) => ({ type: "mrkdwn", text: cut(text, 2000) })) },
        { type: "context", elements: [{ type: "mrkdwn", text: cut(context.join(" · "), 3000) }] },
    ];
    return {
        text: `${mention}shipgate: ${escapeMrkdwn(body)}`,
        blocks,
        ...(options.channel ? { channel: options.channel } : {}),
        ...(options.username ? { username: options.username } : {}),
        ...(options.iconEmoji ? { icon_emoji: options.iconEmoji } : {}),
    };
}
