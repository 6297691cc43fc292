import * as path from "node:path";
import { InvalidInputError } from "../../../components/release";
import { defaultLogPath } from "../records/deployment-log";
import { FileLockStore, FileLogStore } from "./file-store";
import { ShipgateStore } from "./shipgate-store";

export interface StoreOptions {
    readonly projectDir: string;
    /** The Pulumi backend the project uses (Project.env.PULUMI_BACKEND_URL). */
    readonly backendUrl: string;
    /** `--log <file>`: the deployment log in this file instead of beside the state. */
    readonly logFile?: string;
    readonly env?: NodeJS.ProcessEnv;
}

/**
 * Where shipgate keeps its locks and its deployment log, from the Pulumi backend: beside the
 * state, so every runner that shares the state shares them.
 * - `azblob://<container>/<folder>`: both as blobs under `<folder>/.shipgate/`;
 * - `file://<dir>`: the locks in `<dir>/.shipgate-locks`, the log in the project's `.shipgate/`;
 * - anything else (s3://, gs://, Pulumi Cloud): both on this runner, in the project's `.shipgate/`.
 * `SHIPGATE_LOCK_LEASE_SECONDS` (15 to 60, default 30) sets how long a blob lease outlives its holder.
 */
export function openStore(options: StoreOptions): ShipgateStore {
    const env = options.env ?? process.env;
    const url = options.backendUrl;
    const logFile = path.resolve(options.projectDir, options.logFile ?? defaultLogPath(options.projectDir));
    if (url.startsWith("azblob://")) {
        // Azure's SDKs load only for azblob:// backends: they cost half a second at every start.
        /* eslint-disable @typescript-eslint/no-require-imports */
        const { azureBlobLocation } = require("./azure-blob-location") as typeof import("./azure-blob-location");
        const { AzureBlobLock } = require("./azure-blob-lock") as typeof import("./azure-blob-lock");
        const { AzureBlobLog } = require("./azure-blob-log") as typeof import("./azure-blob-log");
        /* eslint-enable @typescript-eslint/no-require-imports */
        const location = azureBlobLocation(url, env);
        return {
            locks: new AzureBlobLock(location, leaseSeconds(env.SHIPGATE_LOCK_LEASE_SECONDS)),
            log: options.logFile ? new FileLogStore(logFile) : new AzureBlobLog(location),
        };
    }
    if (url.startsWith("file://")) {
        return { locks: new FileLockStore(path.join(url.slice("file://".length).replace(/\?.*$/, ""), ".shipgate-locks"), true, url), log: new FileLogStore(logFile) };
    }
    return { locks: new FileLockStore(path.join(options.projectDir, ".shipgate", "locks"), false), log: new FileLogStore(logFile) };
}

function leaseSeconds(value: string | undefined): number {
    if (value === undefined || value === "") return 30;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 15 || n > 60) {
        throw new InvalidInputError("environment", [{ path: "SHIPGATE_LOCK_LEASE_SECONDS", message: `"${value}" is not a whole number of seconds from 15 to 60 (Azure's lease limits)` }]);
    }
    return n;
}
