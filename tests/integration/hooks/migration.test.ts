import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHooks } from "../../../stacks/automation/hooks/configured-hooks";
import { HookContext, HookFailure } from "../../../stacks/automation/hooks/hook-types";

/**
 * The database migration as a hook, with real commands that append to a journal: backup before
 * migrate, once per stage; down on rollback only after an up that succeeded; said plainly when
 * there is no down.
 */

const production: HookContext = { promotionId: "p-9", stage: "production", environment: "production", version: "1.4.0", previousVersion: "1.3.0" };

describe("database migration hook (real commands)", function () {
    this.timeout(30_000);
    let dir: string;
    let journal: string;
    beforeEach(() => {
        dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-migration-"));
        journal = path.join(dir, "journal");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** A command that appends "<what> <stage> <version>" to the journal, then exits with `code`. */
    const step = (what: string, code = 0) => ["sh", "-c", `echo "${what} $SHIPGATE_STAGE $SHIPGATE_VERSION" >> ${journal}; exit ${code}`];
    const entries = () => (existsSync(journal) ? readFileSync(journal, "utf8").trim().split("\n") : []);

    it("takes the backup, then migrates, before the user's own beforeRollout hooks; once per stage", async () => {
        const hooks = createHooks(
            {
                migration: { backup: step("backup"), up: step("up"), down: step("down") },
                hooks: { beforeRollout: [{ name: "announce", command: step("announce") }] },
            },
            { projectDir: dir },
        );
        const outcomes = await hooks.run("beforeRollout", production);
        assert.deepEqual(outcomes.map((o) => o.name), ["migration/backup", "migration/up", "announce"]);
        assert.deepEqual(entries(), ["backup production 1.4.0", "up production 1.4.0", "announce production 1.4.0"]);
        // The next service's rollout in the same stage does not migrate again.
        await hooks.run("beforeRollout", { ...production, service: "frontend" });
        assert.deepEqual(entries().slice(3), ["announce production 1.4.0"]);
        // Another stage does.
        await hooks.run("beforeRollout", { ...production, stage: "staging", environment: "staging" });
        assert.deepEqual(entries().slice(4), ["backup staging 1.4.0", "up staging 1.4.0", "announce staging 1.4.0"]);
    });

    it("on rollback runs the down migration first, once, after the up it undoes", async () => {
        const hooks = createHooks(
            { migration: { backup: step("backup"), up: step("up"), down: step("down") }, hooks: { onRollback: [{ name: "notify", command: step("notify") }] } },
            { projectDir: dir },
        );
        await hooks.run("beforeRollout", production);
        const outcomes = await hooks.run("onRollback", { ...production, reason: "error rate 12.0% > 5.0%" });
        assert.deepEqual(outcomes.map((o) => [o.name, o.outcome]), [
            ["migration/down", "pass"],
            ["notify", "pass"],
        ]);
        assert.deepEqual(entries(), ["backup production 1.4.0", "up production 1.4.0", "down production 1.4.0", "notify production 1.4.0"]);
        await hooks.run("onRollback", { ...production, service: "frontend" });
        assert.deepEqual(entries().slice(4), ["notify production 1.4.0"], "the down ran once");
    });

    it("without a down migration says clearly that the database was not rolled back", async () => {
        const hooks = createHooks({ migration: { backup: step("backup"), up: step("up") } }, { projectDir: dir });
        await hooks.run("beforeRollout", production);
        const [note] = await hooks.run("onRollback", production);
        assert.equal(note.name, "migration/down");
        assert.equal(note.outcome, "pass", "a missing down does not fail the rollback");
        assert.match(note.detail, /^NOT RUN: no down migration is configured \(shipgate:promotion\.migration\.down\), so the database in production keeps the schema migrated for 1\.4\.0\./);
        assert.match(note.detail, /restore the backup taken at \d{4}-\d\d-\d\dT/);
        assert.deepEqual(entries(), ["backup production 1.4.0", "up production 1.4.0"]);
    });

    it("a failed backup stops there: no migration, and nothing to undo on rollback", async () => {
        const hooks = createHooks({ migration: { backup: step("backup", 1), up: step("up"), down: step("down") } }, { projectDir: dir });
        await assert.rejects(hooks.run("beforeRollout", production), (err: HookFailure) => err instanceof HookFailure && err.outcomes.length === 1 && err.outcomes[0].name === "migration/backup");
        const [note] = await hooks.run("onRollback", production);
        assert.match(note.detail, /^not run: the backup failed in production, so the up migration never ran/);
        assert.deepEqual(entries(), ["backup production 1.4.0"]);
    });

    it("a failed up is not followed by a down (it may not have applied); the backup is pointed to", async () => {
        const hooks = createHooks({ migration: { backup: step("backup"), up: step("up", 2), down: step("down") } }, { projectDir: dir });
        await assert.rejects(hooks.run("beforeRollout", production), HookFailure);
        const [note] = await hooks.run("onRollback", production);
        assert.match(note.detail, /^not run: the up migration failed in production\. If it left the schema half-migrated, restore the backup taken at /);
        assert.deepEqual(entries(), ["backup production 1.4.0", "up production 1.4.0"]);
    });

    it("a rollback in a run that did not migrate does not run the down", async () => {
        const hooks = createHooks({ migration: { backup: step("backup"), up: step("up"), down: step("down") } }, { projectDir: dir });
        const [note] = await hooks.run("onRollback", production);
        assert.match(note.detail, /^not run: no migration ran in production during this run/);
        assert.deepEqual(entries(), []);
    });

    it("a migration owned by one service runs in that service's rollout only", async () => {
        const hooks = createHooks({ migration: { backup: step("backup"), up: step("up"), service: "backend" } }, { projectDir: dir });
        assert.deepEqual(await hooks.run("beforeRollout", { ...production, service: "frontend" }), []);
        assert.deepEqual((await hooks.run("beforeRollout", { ...production, service: "backend" })).map((o) => o.name), ["migration/backup", "migration/up"]);
    });

    it("a failing down fails the rollback's hooks, and is reported", async () => {
        const hooks = createHooks({ migration: { backup: step("backup"), up: step("up"), down: step("down", 1) } }, { projectDir: dir });
        await hooks.run("beforeRollout", production);
        await assert.rejects(hooks.run("onRollback", production), (err: HookFailure) => /hook onRollback\/migration\/down: exit 1/.test(err.message));
    });
});
