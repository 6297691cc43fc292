import { Command } from "commander";
import { promote } from "../../automation/promotion/promote";
import { deployer, gitInfo } from "../git-info";
import { RunFlags, runWithEngine } from "../run-context";
import { collect, globalOptions } from "./common";

interface PromoteFlags extends RunFlags {
    service?: string[];
    stages: string[];
    approver?: string[];
    image?: string;
    hotfix?: string;
    commit?: string;
    deployer?: string;
    changes?: string;
    dryRun?: boolean;
}

export function promoteCommand(): Command {
    return new Command("promote")
        .description("release a version of one service or all of them through staging, then production, step by step; roll back on a failed check")
        .argument("<version>", "the version to release, e.g. 2.0.0")
        .option("-s, --service <name>", "a service to release (repeatable or comma-separated; default: all, backend before frontend)", collect)
        .option("--stages <list>", "the stacks to walk, in order (never skips staging)", (v) => collect(v), ["staging", "production"])
        .option("-a, --approver <name>", "a named approver (production needs one; repeatable)", collect)
        .option("--image <ref>", "run this image instead of <repository>:<version> (e.g. a digest)")
        .option("--hotfix <reason>", "an expedited release: allowed in a change freeze, with extra scrutiny; give the reason")
        .option("--commit <sha>", "the commit being released (default: $GITHUB_SHA, $BUILD_SOURCEVERSION or git HEAD)")
        .option("--deployer <name>", "who releases (default: the CI actor or $USER)")
        .option("--changes <text>", "what the release changes, for the deployment log")
        .option("--dry-run", "pre-flight checks and policy previews only; change nothing")
        .option("--report-dir <dir>", "where the Markdown and JSON reports go", ".shipgate/reports")
        .option("--log <file>", "the deployment log (JSON Lines; default .shipgate/deployments.jsonl)")
        .option("--json", "print the run's record as JSON on stdout at the end")
        .action(async (version: string, flags: PromoteFlags, command: Command) => {
            const global = globalOptions(command);
            process.exitCode = await runWithEngine(
                "promote",
                global,
                flags,
                async ({ project, env }) => {
                    const git = gitInfo(project.dir, flags.commit);
                    return promote(
                        {
                            version,
                            image: flags.image,
                            services: flags.service,
                            stages: flags.stages,
                            approvers: flags.approver ?? [],
                            hotfixReason: flags.hotfix,
                            gitCommit: git.commit,
                            committedAt: git.committedAt,
                            deployer: flags.deployer ?? deployer(),
                            changes: flags.changes,
                            dryRun: flags.dryRun,
                        },
                        env,
                    );
                },
                () => `${flags.dryRun ? "DRY RUN OK: pre-flight and policy previews passed for" : "SUCCEEDED:"} ${version} on ${flags.stages.join(", ")}`,
            );
        });
}
