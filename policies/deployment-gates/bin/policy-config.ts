// Hands a release's checklist to the deployment-gates pack. CI writes the checklist (JSON, see
// checklist.schema.json), then merges it into the stack's policy config:
//
//   npx ts-node --transpile-only policies/deployment-gates/bin/policy-config.ts \
//       --base policies/config/production.json --checklist checklist.json --out policies/config/production.json
//   pulumi preview --policy-pack policies/deployment-gates --policy-pack-config policies/config/production.json
//
// Policy config is per policy, so the checklist is copied into the entry of every policy that
// reads it; levels and settings stay as they are. A bad checklist stops here, naming each field.
//   --schema   prints the checklist's JSON Schema instead.
import { readFileSync, writeFileSync } from "node:fs";
import { InvalidInputError, attachChecklist, checklistJsonSchema } from "../../../components/release";

const USAGE = "usage: policy-config.ts --base <policy config JSON> --checklist <checklist JSON | -> [--out <file>]\n       policy-config.ts --schema";

function main(argv: string[]): number {
    const opts: Record<string, string | true> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith("--")) {
            process.stderr.write(`unexpected argument ${arg}\n${USAGE}\n`);
            return 2;
        }
        const key = arg.slice(2);
        if (key === "schema" || key === "help") opts[key] = true;
        else if (i + 1 < argv.length) opts[key] = argv[++i];
        else {
            process.stderr.write(`${arg} needs a value\n${USAGE}\n`);
            return 2;
        }
    }
    if (opts.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (opts.schema) {
        process.stdout.write(`${JSON.stringify(checklistJsonSchema(), null, 2)}\n`);
        return 0;
    }
    if (typeof opts.base !== "string" || typeof opts.checklist !== "string") {
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
    const read = (file: string, what: string): unknown => {
        try {
            return JSON.parse(readFileSync(file === "-" ? 0 : file, "utf8"));
        } catch (err) {
            throw new Error(`cannot read the ${what} ${file}: ${(err as Error).message}`);
        }
    };
    try {
        const base = read(opts.base, "policy config") as Record<string, string | Record<string, unknown>>;
        const merged = attachChecklist(base, read(opts.checklist, "checklist"));
        const text = `${JSON.stringify(merged, null, 2)}\n`;
        if (typeof opts.out === "string") writeFileSync(opts.out, text);
        else process.stdout.write(text);
        return 0;
    } catch (err) {
        process.stderr.write(`${err instanceof InvalidInputError ? err.message : `error: ${(err as Error).message}`}\n`);
        return err instanceof InvalidInputError ? 2 : 1;
    }
}

process.exitCode = main(process.argv.slice(2));
