import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

/** The demo's own Pulumi project: .shipgate/demo, next to the repository's program and stacks. */
/** Who approves the demo's production promotions (`--approver`), and its stack's list of approvers. */
export const DEMO_APPROVER = "demo-approver";

export interface DemoWorkspace {
    readonly dir: string;
    readonly repo: string;
    readonly env: Record<string, string>;
    stack(name: "staging" | "production"): Promise<Stack>;
    stackFile(name: string): string;
}

/** The repository's Pulumi.yaml runtime and program, for a project folder elsewhere. */
export function relocatedProject(repo: string, dir: string): { runtime: unknown; main: string } {
    const project = YAML.parse(readFileSync(path.join(repo, "Pulumi.yaml"), "utf8")) as { runtime: unknown; main: string };
    return { runtime: project.runtime, main: path.relative(dir, path.join(repo, project.main)) };
}

/**
 * The demo runs the shipped stacks, on the local platform, in a project folder of its own so
 * it never edits the repository's Pulumi.<stack>.yaml: each run starts from copies of them with
 * demo timings (seconds instead of the protocol's minutes; every threshold stays the protocol's).
 */
export async function demoWorkspace(repo: string, timings: { bakeSeconds: number; intervalSeconds: number }): Promise<DemoWorkspace> {
    const dir = path.join(repo, ".shipgate", "demo");
    mkdirSync(path.join(dir, "state"), { recursive: true });
    writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        YAML.stringify({
            name: "shipgate",
            description: "shipgate's demo: the shipped stacks with demo timings (see stacks/demo)",
            ...relocatedProject(repo, dir),
        }),
    );
    for (const name of ["staging", "production"]) {
        const doc = YAML.parseDocument(readFileSync(path.join(repo, `Pulumi.${name}.yaml`), "utf8"));
        const config = doc.get("config") as YAML.YAMLMap;
        const local = config.get("shipgate:local") as YAML.YAMLMap;
        local.set("scrapeIntervalSeconds", 1);
        for (const svc of (local.get("services") as YAML.YAMLMap).items) {
            // The example app lives in the repository, two folders up from the demo project.
            ((svc.value as YAML.YAMLMap).get("run") as YAML.YAMLMap).set("cwd", path.relative(dir, repo));
        }
        for (const svc of (config.get("shipgate:services") as YAML.YAMLMap).items) {
            const release = (svc.value as YAML.YAMLMap).get("release") as YAML.YAMLMap;
            release.set("bakeSeconds", timings.bakeSeconds);
            if (release.get("strategy") === "canary") release.set("watchSeconds", timings.bakeSeconds);
            if (release.get("strategy") === "blueGreen") release.set("scaleDownDelaySeconds", Math.max(3, Math.round(timings.bakeSeconds / 2)));
            release.set(
                "analysis",
                doc.createNode({
                    ...((release.get("analysis") as YAML.YAMLMap | undefined)?.toJSON() ?? {}),
                    intervalSeconds: timings.intervalSeconds,
                    minRequests: 10,
                    health: { intervalSeconds: 1, consecutiveFailures: 3, timeoutSeconds: 2 },
                }),
            );
        }
        const policyConfig = demoPolicyConfig(repo, dir, name, timings.bakeSeconds);
        const promotion: Record<string, unknown> = {};
        if (existsSync(path.join(repo, "policies", "deployment-gates", "PulumiPolicy.yaml")) && policyConfig) {
            promotion.policy = {
                packs: [path.relative(dir, path.join(repo, "policies", "deployment-gates"))],
                configs: [path.relative(dir, policyConfig)],
            };
        }
        // Production counts an approval only from its list; the demo's approver is on it.
        if (name === "production") promotion.approvals = { approvers: [DEMO_APPROVER] };
        if (Object.keys(promotion).length) config.set("shipgate:promotion", doc.createNode(promotion));
        // Keep the salt Pulumi wrote at the stack's creation: it belongs to the stack's state.
        const file = path.join(dir, `Pulumi.${name}.yaml`);
        const salt = existsSync(file) ? /^encryptionsalt: .*$/m.exec(readFileSync(file, "utf8"))?.[0] : undefined;
        writeFileSync(file, doc.toString({ lineWidth: 0 }) + (salt ? `${salt}\n` : ""));
    }
    const passphraseFile = path.join(repo, ".shipgate", "passphrase");
    const env: Record<string, string> = {
        PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PATH: `${path.join(repo, ".shipgate", "bin")}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        ...(existsSync(passphraseFile) ? { PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile } : { PULUMI_CONFIG_PASSPHRASE: "shipgate-demo" }),
    };
    const pulumiCommand = await PulumiCommand.get({ root: path.join(repo, ".shipgate") });
    return {
        dir,
        repo,
        env,
        stack: (name) => LocalWorkspace.createOrSelectStack({ stackName: name, workDir: dir }, { workDir: dir, envVars: env, pulumiCommand }),
        stackFile: (name) => path.join(dir, `Pulumi.${name}.yaml`),
    };
}

/**
 * The stage's policy config with the one change a demo needs: production's analysis-thresholds
 * gate asks for 5-minute bakes and a 15-minute watch, the demo bakes for seconds. Everything
 * else (probes, pinned images, approvers, the checklist, the change window) is as shipped.
 */
function demoPolicyConfig(repo: string, dir: string, stage: string, bakeSeconds: number): string | undefined {
    const source = path.join(repo, "policies", "config", `${stage}.json`);
    if (!existsSync(source)) return undefined;
    const config = JSON.parse(readFileSync(source, "utf8")) as Record<string, unknown>;
    const entry = config["analysis-thresholds"];
    if (entry && typeof entry === "object") {
        config["analysis-thresholds"] = { ...(entry as Record<string, unknown>), minBakeSeconds: bakeSeconds, minWatchSeconds: bakeSeconds };
    }
    const out = path.join(dir, "policy-config", `${stage}.json`);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(config, null, 2));
    return out;
}
