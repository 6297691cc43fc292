import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A throwaway PostgreSQL server on loopback (Debian's `postgresql` package), for real migrations. */
export interface Postgres {
    readonly port: number;
    /** Where its binaries are (initdb, pg_ctl, psql, pg_dump of one version). */
    readonly bin: string;
    /** psql's connection arguments for a database: `-h 127.0.0.1 -p <port> -U shipgate -d <db>`. */
    connection(database: string): string[];
    /** Runs SQL in a database and returns psql's unaligned, tuples-only output, trimmed. */
    query(database: string, sql: string): string;
    stop(): void;
}

const USER = "shipgate";

/** The newest server Debian installed under /usr/lib/postgresql/<major>/bin. */
function serverBin(): string {
    const root = "/usr/lib/postgresql";
    const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(path.join(root, d, "bin", "initdb"))) : [];
    if (!majors.length) throw new Error("no PostgreSQL server in /usr/lib/postgresql: ./dev.sh setup installs Debian's postgresql package");
    return path.join(root, majors.sort((a, b) => Number(b) - Number(a))[0], "bin");
}

/**
 * Starts a cluster of its own in a temporary folder on `port` (loopback only, trust auth, no
 * fsync: a test database). PostgreSQL refuses to run as root, so as root it runs as the package's
 * `postgres` user.
 */
export function startPostgres(port: number): Postgres {
    const bin = serverBin();
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipgate-postgres-"));
    const asServer = (program: string, args: string[]) => {
        const argv = [path.join(bin, program), ...args];
        return process.getuid?.() === 0
            ? execFileSync("runuser", ["-u", "postgres", "--", ...argv], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
            : execFileSync(argv[0], argv.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    };
    if (process.getuid?.() === 0) {
        const { uid, gid } = userIds("postgres");
        chownSync(dir, uid, gid);
    }
    const data = path.join(dir, "data");
    asServer("initdb", ["-D", data, "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync"]);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    asServer("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
    const connection = (database: string) => ["-h", "127.0.0.1", "-p", String(port), "-U", USER, "-d", database];
    return {
        port,
        bin,
        connection,
        query: (database, sql) =>
            execFileSync(path.join(bin, "psql"), [...connection(database), "-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", "-c", sql], { encoding: "utf8" }).trim(),
        stop() {
            try {
                asServer("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        },
    };
}

function userIds(name: string): { uid: number; gid: number } {
    const [uid, gid] = execFileSync("id", ["-u", name], { encoding: "utf8" }).trim().split("\n").concat(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
    return { uid: Number(uid), gid: Number(gid) };
}
