// A real Pulumi engine on a temporary file:// backend, for integration tests (the pattern of
// pulumi/pulumi's own automation tests). Each test project is a temporary folder holding a
// Pulumi.yaml that points at this repository's program and copies of stack files, so tests
// never touch the repository's stacks, state or ports.
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { relocatedProject } from "../../stacks/demo/demo-workspace";

export const REPO_ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(REPO_ROOT, ".shipgate", "bin");

/** The engine `./dev.sh setup` prepared: .shipgate/bin, else a pulumi on PATH. */
export async function pulumiCommand(): Promise<PulumiCommand> {
    if (existsSync(path.join(BIN, "pulumi"))) {
        return PulumiCommand.get({ root: path.dirname(BIN), skipVersionCheck: false });
    }
    return PulumiCommand.get();
}

/** Reads one of the repository's stack files as a plain object. */
export function shippedStackConfig(stack: string): Record<string, unknown> {
    const doc = YAML.parse(readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    return doc.config;
}

/**
 * Moves a stack's local platform onto other ports (tests must not collide with a running demo
 * or with each other) and makes run.cwd absolute (the test project is elsewhere).
 */
export function relocateLocalPlatform(config: Record<string, unknown>, basePort: number): Record<string, unknown> {
    const copy = structuredClone(config) as Record<string, any>;
    const local = copy["shipgate:local"];
    if (local) {
        local.routerStatsPort = basePort;
        local.prometheusPort = basePort + 1;
        let port = basePort + 10;
        for (const svc of Object.values(local.services) as any[]) {
            svc.port = port;
            delete svc.previewPort;
            svc.run = { ...svc.run, cwd: REPO_ROOT };
            port += 10;
        }
    }
    return copy;
}

export interface TestProject {
    readonly dir: string;
    readonly env: Record<string, string>;
    /** Writes Pulumi.<name>.yaml and selects (creating) the stack. */
    stack(name: string, config: Record<string, unknown>): Promise<Stack>;
    /** Destroys every stack created here, then removes the folder. */
    cleanup(): Promise<void>;
}

/** `env` adds to (or replaces) the project's environment: another backend and its credentials. */
export async function createTestProject(prefix = "shipgate-it-", extraEnv: Record<string, string> = {}): Promise<TestProject> {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    const state = path.join(dir, "state");
    const home = path.join(dir, "pulumi-home");
    mkdirSync(state);
    mkdirSync(home);
    writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        YAML.stringify({
            name: "shipgate",
            ...relocatedProject(REPO_ROOT, dir),
        }),
    );
    const env: Record<string, string> = {
        PATH: `${BIN}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        PULUMI_HOME: home,
        PULUMI_BACKEND_URL: `file://${state}`,
        PULUMI_CONFIG_PASSPHRASE: "integration-tests",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        ...extraEnv,
    };
    const pulumiCmd = await pulumiCommand();
    const stacks: Stack[] = [];
    return {
        dir,
        env,
        async stack(name, config) {
            writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), YAML.stringify({ config }));
            const stack = await LocalWorkspace.createOrSelectStack(
                { stackName: name, workDir: dir },
                { workDir: dir, envVars: env, pulumiCommand: pulumiCmd, pulumiHome: home },
            );
            stacks.push(stack);
            return stack;
        },
        async cleanup() {
            for (const stack of stacks) {
                await stack.destroy({ color: "never" }).catch(() => undefined);
            }
            rmSync(dir, { recursive: true, force: true });
            rmSync(`${dir}.origin.git`, { recursive: true, force: true });
        },
    };
}

/** An engine summary without its "same" count: {} when an up or a preview changes nothing. */
export function changesOtherThanSame(summary: Readonly<Record<string, number | undefined>> | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter((e): e is [string, number] => e[0] !== "same" && !!e[1]));
}
