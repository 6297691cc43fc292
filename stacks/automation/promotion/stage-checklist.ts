import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ChecklistInput, PolicyConfigFile, attachChecklist } from "../../../components/release";

/** What the run itself knows about a stage, which no CI checklist could (and must not) claim. */
export interface StageFacts {
    readonly environment: string;
    readonly version: string;
    readonly services: readonly string[];
    readonly approvers: readonly string[];
    readonly commit?: string;
    /** The version live before this release (the rollback target). */
    readonly rollbackTarget?: string;
    /** Staging's result for this version: observed in this run, or staging already running it. */
    readonly staging?: { readonly version: string; readonly succeeded: boolean; readonly finishedAt?: string };
    readonly hotfixReason?: string;
}

/**
 * The checklist handed to the policy pack for one stage: CI's facts (tests, coverage, scans,
 * review, migrations) from --checklist, with the facts the run owns put in by the run: the
 * stage's environment, the version, the approvers, the rollback target, and staging's outcome.
 */
export function stageChecklist(ci: Partial<ChecklistInput>, facts: StageFacts): ChecklistInput {
    const { clock: _clock, ...fromCi } = ci as ChecklistInput;
    return {
        ...fromCi,
        environment: facts.environment as ChecklistInput["environment"],
        version: facts.version,
        services: [...facts.services],
        commit: facts.commit ?? fromCi.commit,
        approvers: [...new Set([...(fromCi.approvers ?? []), ...facts.approvers])],
        rollback: { ...(fromCi.rollback ?? {}), ...(facts.rollbackTarget ? { target: facts.rollbackTarget } : {}) },
        ...(facts.staging ? { staging: { ...facts.staging } } : { staging: undefined }),
        ...(facts.hotfixReason ? { hotfix: { reason: facts.hotfixReason } } : {}),
        // A rehearsal clock may come from CI's file (tests, demos); the run never invents one.
        ...(ci.clock ? { clock: ci.clock } : {}),
    } as ChecklistInput;
}

/**
 * Writes, for one preview, each policy config with the stage's checklist attached (and some
 * policies switched off, e.g. staging-verified before staging has run); returns the files and a
 * clean-up. Without a checklist the configs are used as they are: the pack then fails closed.
 */
export function previewPolicyConfigs(
    baseFiles: readonly string[],
    checklist: ChecklistInput | undefined,
    disabled: readonly string[] = [],
): { files: string[]; cleanup(): void } {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-policy-config-"));
    const files = baseFiles.map((file, i) => {
        let config = JSON.parse(readFileSync(file, "utf8")) as PolicyConfigFile;
        if (checklist) config = attachChecklist(config, checklist);
        for (const policy of disabled) config[policy] = "disabled";
        const out = path.join(dir, `${i}-${path.basename(file)}`);
        writeFileSync(out, JSON.stringify(config, null, 2));
        return out;
    });
    return { files, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
