// A bare `pulumi up` of a release change, as a user runs it: the stack file edited, then the
// CLI's own `pulumi up --yes --skip-preview`. The baseline every shipgate figure is divided by.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { ReleaseState } from "../../components/release";
import { StackConfigFile } from "../../stacks/automation/stack-config-file";

export interface BareStack {
    readonly dir: string;
    readonly env: Record<string, string>;
    readonly name: string;
}

function pulumi(stack: BareStack, args: string[], extraEnv: Record<string, string> = {}): Promise<void> {
    return new Promise((resolve, reject) => {
        execFile("pulumi", [...args, "--stack", stack.name, "--non-interactive", "--color", "never"], { cwd: stack.dir, env: { ...process.env, ...stack.env, ...extraEnv }, maxBuffer: 1 << 24 }, (err, _out, stderr) =>
            err ? reject(new Error(`pulumi ${args[0]} failed: ${stderr || err.message}`)) : resolve(),
        );
    });
}

/** Writes a service's release state into the stack file (untimed) and times one bare `pulumi up`. */
export async function bareUp(stack: BareStack, service: string, state: ReleaseState | undefined, extraEnv: Record<string, string> = {}): Promise<number> {
    if (state) {
        const file = StackConfigFile.load(path.join(stack.dir, `Pulumi.${stack.name}.yaml`), stack.name);
        file.setRelease(service, state);
        file.save();
    }
    const started = Date.now();
    await pulumi(stack, ["up", "--yes", "--skip-preview"], extraEnv);
    return Date.now() - started;
}

export function releaseOf(stack: BareStack, service: string): ReleaseState {
    return StackConfigFile.load(path.join(stack.dir, `Pulumi.${stack.name}.yaml`), stack.name).release(service);
}
