import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import YAML, { Document, Pair, Scalar, YAMLMap, isMap, isScalar } from "yaml";
import { Artifact, InvalidInputError, ReleaseState, parseReleaseState } from "../../components/release";

const SERVICES = "shipgate:services";

/** The fields a promotion moves, per strategy; everything else in a release block stays as written. */
const MOVING: Record<ReleaseState["strategy"], string[]> = {
    canary: ["stable", "canary", "weight"],
    blueGreen: ["blue", "green", "active", "preview", "idleScaledDown"],
    rolling: ["current", "next", "weight"],
};

/**
 * Fields a promotion only sets for a while: at their resting value they are left out of the
 * file, so a finished or rolled-back release reads as it was written.
 */
const RESTING: Record<string, unknown> = { weight: 0, idleScaledDown: false };

/** A value as it is written in the file: scalars plain (quoted when YAML needs it), an artifact with an image as a flow map. */
function yamlText(value: unknown): string {
    if (value && typeof value === "object") {
        const artifact = value as Artifact;
        if (!artifact.image) return yamlText(artifact.version);
        return `{version: ${yamlText(artifact.version)}, image: ${yamlText(artifact.image)}}`;
    }
    return YAML.stringify(value).trimEnd();
}

interface Edit {
    readonly start: number;
    readonly end: number;
    readonly text: string;
}

/**
 * A stack's config file (Pulumi.<stack>.yaml), edited the way a person would: the release
 * state lives in `shipgate:services.<service>.release`, and a promotion rewrites only the
 * values it moves, in place. Every other byte of the file (comments, alignment, flow
 * style) stays as written, so the diff in a pull request is exactly the release.
 */
export class StackConfigFile {
    private constructor(
        readonly path: string,
        readonly stack: string,
        private source: string,
    ) {}

    static load(path: string, stack: string): StackConfigFile {
        if (!existsSync(path)) {
            throw new InvalidInputError(`stack ${stack}`, [{ path, message: `no stack config file: create Pulumi.${stack}.yaml (see Pulumi.staging.yaml)` }]);
        }
        const file = new StackConfigFile(path, stack, readFileSync(path, "utf8"));
        file.document();
        return file;
    }

    private document(): Document {
        const doc = YAML.parseDocument(this.source);
        if (doc.errors.length) {
            throw new InvalidInputError(`stack ${this.stack}`, doc.errors.map((e) => ({ path: this.path, message: `not valid YAML: ${e.message}` })));
        }
        return doc;
    }

    /** The plain config object (`config:` in the file). */
    config(): Record<string, unknown> {
        return ((this.document().toJS() as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
    }

    services(): string[] {
        return Object.keys((this.config()[SERVICES] as Record<string, unknown> | undefined) ?? {});
    }

    /** The release state of a service, validated; the error names the config key. */
    release(service: string): ReleaseState {
        const services = this.config()[SERVICES] as Record<string, { release?: unknown }> | undefined;
        if (!services?.[service]) {
            throw new InvalidInputError(`stack ${this.stack}`, [
                {
                    path: `${SERVICES}.${service}`,
                    message: `no service "${service}" in Pulumi.${this.stack}.yaml: use one of ${Object.keys(services ?? {}).join(", ") || "(none declared)"}`,
                },
            ]);
        }
        return parseReleaseState(services[service].release, `${SERVICES}.${service}.release`);
    }

    /** Writes a release state into the text (not yet to disk): only the moving values change. */
    setRelease(service: string, state: ReleaseState): void {
        const doc = this.document();
        const map = doc.getIn(["config", SERVICES, service, "release"], true);
        if (!isMap(map) || map.flow) {
            throw new Error(`${SERVICES}.${service}.release in ${this.path} must be a block map to be promoted`);
        }
        const strategy = (map as YAMLMap).get("strategy");
        if (strategy !== state.strategy) {
            throw new Error(`cannot turn ${service}'s ${String(strategy)} release into a ${state.strategy} release by promotion`);
        }
        const values = state as unknown as Record<string, unknown>;
        const edits: Edit[] = [];
        const pairs = (map as YAMLMap).items as Pair<Scalar, Scalar>[];
        const find = (field: string) => pairs.find((p) => isScalar(p.key) && p.key.value === field);
        for (const field of MOVING[state.strategy]) {
            const value = field in RESTING && values[field] === RESTING[field] ? undefined : values[field];
            const pair = find(field);
            if (pair && value === undefined) {
                edits.push(this.deleteLine(pair));
            } else if (pair && pair.value && pair.value.range) {
                const [start, end] = pair.value.range;
                edits.push({ start, end, text: yamlText(value) });
            } else if (value !== undefined) {
                edits.push(this.appendLine(pairs, `${field}: ${yamlText(value)}`));
            }
        }
        for (const edit of edits.sort((a, b) => b.start - a.start)) {
            this.source = this.source.slice(0, edit.start) + edit.text + this.source.slice(edit.end);
        }
        // Re-read what will be written, so a bad file never reaches the engine.
        this.release(service);
    }

    private lineStart(offset: number): number {
        return this.source.lastIndexOf("\n", offset - 1) + 1;
    }

    private lineEnd(offset: number): number {
        const end = this.source.indexOf("\n", offset);
        return end === -1 ? this.source.length : end + 1;
    }

    private deleteLine(pair: Pair<Scalar, Scalar>): Edit {
        const start = this.lineStart(pair.key.range![0]);
        return { start, end: this.lineEnd(pair.value?.range?.[1] ?? pair.key.range![1]), text: "" };
    }

    private appendLine(pairs: Pair<Scalar, Scalar>[], line: string): Edit {
        const first = pairs[0].key.range![0];
        const indent = first - this.lineStart(first);
        const last = pairs[pairs.length - 1];
        // A block value's end may already sit at the start of the next line.
        const end = last.value?.range?.[1] ?? last.key.range![1];
        const at = end > 0 && this.source[end - 1] === "\n" ? end : this.lineEnd(end);
        const prefix = at > 0 && this.source[at - 1] !== "\n" ? "\n" : "";
        return { start: at, end: at, text: `${prefix}${" ".repeat(indent)}${line}\n` };
    }

    text(): string {
        return this.source;
    }

    /** Writes through a temporary file and a rename: the engine never reads half a file. */
    save(): void {
        const tmp = `${this.path}.shipgate.tmp`;
        writeFileSync(tmp, this.source);
        renameSync(tmp, this.path);
    }

    /** Reads the file again (after another writer, e.g. `pulumi config set`). */
    reload(): void {
        this.source = readFileSync(this.path, "utf8");
        this.document();
    }
}
