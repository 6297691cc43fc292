import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { PromotionSettings } from "./promotion-settings";

/** A stage's policy packs and their configs, and what is wrong with the ones it names. */
export interface PolicyFiles {
    /** Pack folders that are packs (absolute). */
    readonly packs: string[];
    /** Config files paired with `packs` (absolute); empty when none is paired. */
    readonly configs: string[];
    /** Named or defaulted packs and configs that are missing, unreadable or not what they claim. */
    readonly problems: string[];
}

/**
 * Finds a stage's policy packs (`shipgate:promotion.policy.packs`, default
 * policies/deployment-gates) and configs (`policy.configs`, default
 * policies/config/<environment>.json), relative to the project. A path that is named (or
 * defaulted) and is not there is a problem to report, never quietly dropped: a pack mis-pathed
 * in CI must not open production without its gates.
 */
export function resolvePolicyFiles(projectDir: string, environment: string, settings: PromotionSettings): PolicyFiles {
    const problems: string[] = [];
    const packs: string[] = [];
    for (const [i, p] of settings.policy.packs.entries()) {
        const dir = path.resolve(projectDir, p);
        const key = `shipgate:promotion.policy.packs[${i}]`;
        if (!existsSync(dir)) problems.push(`policy pack ${p} (${key}) does not exist: fix the path or restore the folder`);
        else if (!statSync(dir).isDirectory() || !existsSync(path.join(dir, "PulumiPolicy.yaml"))) problems.push(`policy pack ${p} (${key}) is not a policy pack: it has no PulumiPolicy.yaml`);
        else packs.push(dir);
    }
    const named = settings.policy.configs !== undefined;
    const wanted = settings.policy.configs ?? (settings.policy.packs.length ? [`policies/config/${environment}.json`] : []);
    const configs: string[] = [];
    for (const [i, c] of wanted.entries()) {
        const file = path.resolve(projectDir, c);
        const key = named ? `shipgate:promotion.policy.configs[${i}]` : `the default policy config for ${environment}`;
        const problem = unreadableJson(file);
        if (problem) problems.push(`policy config ${c} (${key}) ${problem}`);
        else configs.push(file);
    }
    if (configs.length && configs.length !== settings.policy.packs.length) {
        problems.push(`${settings.policy.packs.length} policy pack(s) but ${configs.length} config(s): pair each pack with its config in shipgate:promotion.policy.configs`);
    }
    return { packs, configs: configs.length === packs.length ? configs : [], problems };
}

function unreadableJson(file: string): string | undefined {
    if (!existsSync(file)) return "does not exist: fix the path or restore the file";
    try {
        JSON.parse(readFileSync(file, "utf8"));
        return undefined;
    } catch (err) {
        return `cannot be read as JSON: ${(err as Error).message.split("\n")[0]}`;
    }
}
