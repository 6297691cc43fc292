import { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ChecklistInput, ChecklistSchema, InvalidInputError, problemsFromZod } from "../../../components/release";
import { promote } from "../../automation/promotion/promote";
import { deployer, gitInfo } from "../git-info";
import { RunFlags, runWithEngine } from "../run-context";
import { collect, gitPushFlag, globalOptions, withGitOptions } from "./common";

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
    checklist?: string;
}

/** CI's checklist file: validated here, so a typo is bad input before anything runs. */
function readChecklist(file: string, cwd: string): Partial<ChecklistInput> {
    const full = path.resolve(cwd, file);
    if (!existsSync(full)) throw new InvalidInputError("--checklist", [{ path: file, message: "no such file: pass the checklist JSON CI wrote (see README, Deployment gates)" }]);
    let raw: unknown;
    try {
        raw = JSON.parse(readFileSync(full, "utf8"));
    } catch (err) {
        throw new InvalidInputError("--checklist", [{ path: file, message: `not valid JSON: ${(err as Error).message}` }]);
    }
    // The run fills environment, version, approvers, the rollback target and staging itself.
    const result = ChecklistSchema.partial().safeParse(raw);
    if (!result.success) throw new InvalidInputError("--checklist", problemsFromZod(result.error, "checklist"));
    return raw as Partial<ChecklistInput>;
}

export function promoteCommand(): Command {
    return withGitOptions(new Command("promote"))
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
        .option("--checklist <file>", "CI's deployment checklist (JSON: tests, coverage, vulnerabilities, review, migrations) for the policy gates")
        .option("--dry-run", "pre-flight checks and policy previews only; change nothing")
        .option("--report-dir <dir>", "where the Markdown and JSON reports go", ".shipgate/reports")
        .option("--log <file>", "the deployment log (JSON Lines; default .shipgate/deployments.jsonl)")
        .option("--json", "print the run's record as JSON on stdout at the end")
        .action(async (version: string, flags: PromoteFlags, command: Command) => {
            const global = globalOptions(command);
            process.exitCode = await runWithEngine(
                "promote",
                global,
                { ...flags, gitPush: gitPushFlag(command) },
                async ({ project, env }) => {
                    const git = gitInfo(project.dir, flags.commit);
                    const checklist = flags.checklist ? readChecklist(flags.checklist, global.cwd) : undefined;
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
                            checklist,
                        },
                        env,
                    );
                },
                () => `${flags.dryRun ? "DRY RUN OK: pre-flight and policy previews passed for" : "SUCCEEDED:"} ${version} on ${flags.stages.join(", ")}`,
            );
        });
}
