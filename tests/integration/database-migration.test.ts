import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readLog } from "../../stacks/automation/records/deployment-log";
import { Traffic } from "../../stacks/demo/traffic";
import { Postgres, startPostgres } from "../helpers/postgres";
import { PromotionFixture, promotionFixture, usersOf } from "../helpers/promotion-fixture";

// The protocol's migration rules (seeds 001, 002) on a real PostgreSQL from Debian's packages,
// through `shipgate promote`: a backup with pg_dump before the migration, the migration before
// the new version takes traffic, and on a failed canary the down migration, with the data intact.
describe("a database migration on PostgreSQL, through shipgate promote", function () {
    this.timeout(600_000);
    const PORT = 22790; // outside both stacks' ranges (22500-22699)
    let pg: Postgres;
    let files: string;
    let fx: PromotionFixture;
    let users: Traffic[];

    const database = (stack: string) => `shop_${stack}`;
    const columns = (stack: string) => pg.query(database(stack), "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'items'");
    const items = (stack: string) => pg.query(database(stack), "SELECT string_agg(id || ':' || name || ':' || price, ',' ORDER BY id) FROM items");

    before(async function () {
        this.timeout(300_000);
        pg = startPostgres(PORT);
        files = mkdtempSync(path.join(os.tmpdir(), "shipgate-migrations-"));
        writeFileSync(path.join(files, "add-stock.up.sql"), "ALTER TABLE items ADD COLUMN stock integer NOT NULL DEFAULT 0;\n");
        writeFileSync(path.join(files, "add-stock.down.sql"), "ALTER TABLE items DROP COLUMN stock;\n");
        for (const stack of ["staging", "production"]) {
            pg.query("postgres", `CREATE DATABASE ${database(stack)}`);
            pg.query(database(stack), "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price integer NOT NULL); INSERT INTO items VALUES (1, 'teapot', 18), (2, 'mug', 6)");
        }
        // Each stage migrates its own database; the commands are argv, as a team's CI would give them.
        const psql = (stack: string, file: string) => [path.join(pg.bin, "psql"), ...pg.connection(database(stack)), "-v", "ON_ERROR_STOP=1", "-X", "-f", path.join(files, file)];
        fx = await promotionFixture(22500, {}, {
            promotion: (stack) => ({
                migration: {
                    backup: [path.join(pg.bin, "pg_dump"), ...pg.connection(database(stack)), "-f", path.join(files, `backup-${stack}.sql`)],
                    up: psql(stack, "add-stock.up.sql"),
                    down: psql(stack, "add-stock.down.sql"),
                    service: "backend",
                },
            }),
        });
        users = usersOf(fx);
    });

    after(async function () {
        this.timeout(300_000);
        await Promise.all((users ?? []).map((u) => u.stop()));
        await fx?.cleanup();
        pg?.stop();
        if (files) rmSync(files, { recursive: true, force: true });
    });

    it("backs up, migrates before traffic moves, and on a failed canary runs the down: schema back, data intact", async () => {
        const stagingBefore = items("staging");
        let duringCanary: string | undefined;
        let production = false;
        fx.setFaults({ "2.1.0": { errorRate: 0.3 } }, ["production"]);
        let run;
        try {
            run = await fx.shipgate(["promote", "2.1.0", "--service", "backend", "--approver", "alice"], (line) => {
                production ||= /^== production ==/.test(line);
                // The canary takes traffic on the migrated schema.
                if (production && duringCanary === undefined && /^ {2}analysing canary/.test(line)) duringCanary = columns("production");
            });
        } finally {
            fx.setFaults({});
        }
        assert.equal(run.code, 1, run.output);
        assert.match(run.flat, /ROLLED-BACK: backend step 1 \(send 25% of traffic to 2\.1\.0/);

        // Staging released 2.1.0: its database keeps the migration.
        assert.equal(columns("staging"), "id,name,price,stock");
        assert.equal(pg.query(database("staging"), "SELECT string_agg(id || ':' || stock, ',' ORDER BY id) FROM items"), "1:0,2:0");
        assert.equal(items("staging"), stagingBefore);
        // Production: migrated while the canary ran, put back by the down, every row as it was.
        assert.equal(duringCanary, "id,name,price,stock", "the migration ran before the canary took traffic");
        assert.equal(columns("production"), "id,name,price");
        assert.equal(items("production"), "1:teapot:18,2:mug:6");
        // The backup came first and holds the data.
        const backup = readFileSync(path.join(files, "backup-production.sql"), "utf8");
        assert.match(backup, /CREATE TABLE public\.items/);
        assert.match(backup, /teapot/);
        assert.doesNotMatch(backup, /stock/, "taken before the migration");

        // The record and the report say what the database did, in order.
        const log = readLog(path.join(fx.project.dir, ".shipgate", "deployments.jsonl"));
        const record = log.records[log.records.length - 1];
        const done = record.hooks.filter((h) => h.stage === "production" && h.name.startsWith("migration/")).map((h) => `${h.name} ${h.outcome}`);
        assert.deepEqual(done, ["migration/backup pass", "migration/up pass", "migration/down pass"]);
        const report = readFileSync(/report: (\S+\.md)/.exec(run.flat)![1], "utf8");
        for (const name of ["migration/backup", "migration/up", "migration/down"]) {
            assert.match(report, new RegExp(`\\| [a-zA-Z]+ \\| ${name} \\| production \\|[^\\n]*pass`), `the report's hooks table has ${name} on production`);
        }
        assert.match(report, /ALTER TABLE/, "psql's own last line is in the report");
        assert.ok(existsSync(path.join(files, "backup-staging.sql")), "staging took its own backup");
    });
});
