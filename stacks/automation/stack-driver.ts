import { Stack } from "@pulumi/pulumi/automation";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ReleaseState } from "../../components/release";
import { Project } from "./project";
import { StackConfigFile } from "./stack-config-file";
import { engineUp } from "./engine-up";
import { StackOutputs, StackOutputsSchema, parseStackOutputs } from "./stack-outputs";

export interface ApplyOutcome {
    readonly outputs: StackOutputs;
    /** Wall time of the engine's `up`. */
    readonly engineMs: number;
    readonly changes: Readonly<Record<string, number>>;
}

export interface PolicyPreviewOutcome {
    readonly passed: boolean;
    /** Policy violations (mandatory and advisory), as the engine reported them. */
    readonly violations: readonly PolicyViolation[];
    readonly engineMs: number;
}

export interface PolicyViolation {
    readonly policy: string;
    readonly level: string;
    readonly message: string;
    readonly resource?: string;
}

/**
 * Everything the promotion does to one stack, behind an interface so the state machine can
 * be tested apart from the engine: read a service's release state, apply a new one (config,
 * then one `up`), read outputs, preview a target state against the policy packs.
 */
export interface StackDriver {
    readonly name: string;
    release(service: string): ReleaseState;
    services(): string[];
    config(): Record<string, unknown>;
    /** The stack's config as the engine decrypts it (secrets included), for hooks' {fromConfig} secrets. */
    allConfig(): Promise<Record<string, { value: string; secret?: boolean }>>;
    apply(service: string, state: ReleaseState, options?: { signal?: AbortSignal; message?: string }): Promise<ApplyOutcome>;
    outputs(): Promise<StackOutputs>;
    previewWithPolicies(
        target: ReadonlyMap<string, ReleaseState>,
        options: { policyPacks: string[]; policyPackConfigs: string[]; signal?: AbortSignal },
    ): Promise<PolicyPreviewOutcome>;
}

/** The real driver: the stack's config file and the Pulumi engine through the Automation API. */
export class EngineStackDriver implements StackDriver {
    private readonly file: StackConfigFile;

    constructor(
        readonly name: string,
        project: Project,
        private readonly stack: Stack,
    ) {
        this.file = project.config(name);
    }

    static async open(project: Project, name: string): Promise<EngineStackDriver> {
        return new EngineStackDriver(name, project, await project.stack(name));
    }

    release(service: string): ReleaseState {
        this.file.reload();
        return this.file.release(service);
    }

    services(): string[] {
        return this.file.services();
    }

    config(): Record<string, unknown> {
        this.file.reload();
        return this.file.config();
    }

    async allConfig(): Promise<Record<string, { value: string; secret?: boolean }>> {
        return (await this.stack.getAllConfig()) as Record<string, { value: string; secret?: boolean }>;
    }

    async apply(service: string, state: ReleaseState, options: { signal?: AbortSignal; message?: string } = {}): Promise<ApplyOutcome> {
        this.file.reload();
        this.file.setRelease(service, state);
        this.file.save();
        const started = Date.now();
        const result = await engineUp(this.stack, { signal: options.signal, message: options.message });
        const engineMs = Date.now() - started;
        // The event log masks secret outputs; the stack's own outputs then say what they are.
        const masked = JSON.stringify(result.outputs ?? {}).includes('"[secret]"');
        const fromEvents = result.outputs && !masked ? StackOutputsSchema.safeParse(result.outputs) : undefined;
        return {
            outputs: fromEvents?.success ? fromEvents.data : await this.outputs(),
            engineMs,
            changes: result.changes,
        };
    }

    async outputs(): Promise<StackOutputs> {
        return parseStackOutputs((await this.stack.outputs()) as Record<string, { value: unknown }>);
    }

    async previewWithPolicies(
        target: ReadonlyMap<string, ReleaseState>,
        options: { policyPacks: string[]; policyPackConfigs: string[]; signal?: AbortSignal },
    ): Promise<PolicyPreviewOutcome> {
        // The preview runs on a copy of the stack file that holds the target states, so the
        // gates judge the change before any traffic moves and the real file stays untouched.
        const dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-preview-"));
        const copy = StackConfigFile.load(this.file.path, this.name);
        for (const [service, state] of target) copy.setRelease(service, state);
        const configFile = path.join(dir, path.basename(this.file.path));
        writeFileSync(configFile, copy.text());
        const violations: PolicyViolation[] = [];
        const started = Date.now();
        try {
            await this.stack.preview({
                color: "never",
                configFile,
                policyPacks: options.policyPacks,
                policyPackConfigs: options.policyPackConfigs,
                signal: options.signal,
                onEvent: (event) => {
                    const p = event.policyEvent;
                    if (p) {
                        violations.push({ policy: p.policyName, level: p.enforcementLevel, message: p.message.trim(), resource: p.resourceUrn });
                    }
                },
            });
            return { passed: true, violations, engineMs: Date.now() - started };
        } catch (err) {
            if (violations.some((v) => v.level === "mandatory")) {
                return { passed: false, violations, engineMs: Date.now() - started };
            }
            throw err;
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    }
}
