import { LocalWorkspace, PulumiCommand, Stack, StackNotFoundError } from "@pulumi/pulumi/automation";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { InvalidInputError } from "../../components/release";
import { StackConfigFile } from "./stack-config-file";

/**
 * The Pulumi project the automation drives: its folder (where Pulumi.yaml is), the engine,
 * and the environment every `pulumi` run gets. The embedded default (a file:// backend in
 * .shipgate/state and a passphrase file) applies only where the caller set nothing, exactly
 * as `./dev.sh env` does; CI that sets PULUMI_BACKEND_URL and a passphrase gets those.
 */
export class Project {
    private constructor(
        readonly dir: string,
        readonly env: Record<string, string>,
        private readonly command: PulumiCommand,
    ) {}

    static async open(dir: string, environment: NodeJS.ProcessEnv = process.env): Promise<Project> {
        const root = findProjectRoot(path.resolve(dir));
        const env: Record<string, string> = {
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        };
        if (!environment.PULUMI_BACKEND_URL) {
            env.PULUMI_BACKEND_URL = `file://${path.join(root, ".shipgate", "state")}`;
        }
        if (!environment.PULUMI_CONFIG_PASSPHRASE && !environment.PULUMI_CONFIG_PASSPHRASE_FILE) {
            const file = path.join(root, ".shipgate", "passphrase");
            if (existsSync(file)) env.PULUMI_CONFIG_PASSPHRASE_FILE = file;
        }
        const bin = path.join(root, ".shipgate", "bin");
        if (existsSync(path.join(bin, "pulumi"))) {
            env.PATH = `${bin}:${environment.PATH ?? ""}`;
        }
        const command = existsSync(path.join(bin, "pulumi"))
            ? await PulumiCommand.get({ root: path.dirname(bin) })
            : await PulumiCommand.get().catch((err: Error) => {
                  throw new Error(`no Pulumi CLI: run ./dev.sh setup (it builds one) or install Pulumi. ${err.message}`);
              });
        return new Project(root, env, command);
    }

    stackFile(stack: string): string {
        return path.join(this.dir, `Pulumi.${stack}.yaml`);
    }

    config(stack: string): StackConfigFile {
        return StackConfigFile.load(this.stackFile(stack), stack);
    }

    /** Selects an existing stack; a missing one is bad input (a promotion never creates stacks). */
    async stack(name: string): Promise<Stack> {
        try {
            return await LocalWorkspace.selectStack(
                { stackName: name, workDir: this.dir },
                { workDir: this.dir, envVars: this.env, pulumiCommand: this.command },
            );
        } catch (err) {
            if (err instanceof StackNotFoundError || /no stack named|not found/i.test(String(err))) {
                throw new InvalidInputError("stack", [
                    { path: name, message: `stack ${name} does not exist in the backend ${this.env.PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL ?? "(pulumi login)"}: check PULUMI_BACKEND_URL, or create and deploy it (\`pulumi stack init ${name} && pulumi up\`)` },
                ]);
            }
            throw err;
        }
    }
}

function findProjectRoot(start: string): string {
    for (let dir = start; ; dir = path.dirname(dir)) {
        if (existsSync(path.join(dir, "Pulumi.yaml")) || existsSync(path.join(dir, "Pulumi.yml"))) return dir;
        if (path.dirname(dir) === dir) {
            throw new InvalidInputError("project", [{ path: start, message: "no Pulumi.yaml here or above: run shipgate from the project folder or pass --cwd" }]);
        }
    }
}
