import { z } from "zod";

/** One thing wrong with an input: where it is, and what to do about it. */
export interface InputProblem {
    /** Dotted path of the offending field, e.g. `services.backend.release.steps[1]`. */
    readonly path: string;
    readonly message: string;
}

/**
 * Bad input to shipgate. Carries every problem found (not only the first) so a user fixes
 * their config in one pass; the CLI maps it to the "bad input" exit code.
 */
export class InvalidInputError extends Error {
    readonly problems: readonly InputProblem[];

    constructor(subject: string, problems: readonly InputProblem[]) {
        const lines = problems.map((p) => `  - ${p.path ? `${p.path}: ` : ""}${p.message}`);
        super(`invalid ${subject}:\n${lines.join("\n")}`);
        this.name = "InvalidInputError";
        this.problems = problems;
    }
}

export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
    let out = prefix;
    for (const key of path) {
        if (typeof key === "number") {
            out += `[${key}]`;
        } else {
            out += out ? `.${String(key)}` : String(key);
        }
    }
    return out;
}

/** Turns zod issues into problems whose path starts at `prefix` (e.g. a config key). */
export function problemsFromZod(error: z.ZodError, prefix = ""): InputProblem[] {
    return error.issues.map((issue) => ({
        path: formatPath(issue.path, prefix),
        message: issue.message,
    }));
}

/** Parses `input` with `schema` or throws an InvalidInputError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(
    schema: S,
    input: unknown,
    subject: string,
    prefix = "",
): z.output<S> {
    const result = schema.safeParse(input);
    if (!result.success) {
        throw new InvalidInputError(subject, problemsFromZod(result.error, prefix));
    }
    return result.data;
}
