// The backend tier: a JSON API over a small file-backed store (the "database" its health checks).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { liveFaults } from "./faults.ts";
import { identityFromEnv } from "./identity.ts";
import { serve } from "./server.ts";

const identity = identityFromEnv("backend");
const faults = liveFaults(identity.version);
const dataDir = process.env.SHOP_DATA_DIR ?? process.env.SHIPGATE_DATA_DIR ?? path.join(os.tmpdir(), "shop-backend");
const dbFile = path.join(dataDir, "items.json");
mkdirSync(dataDir, { recursive: true });
try {
    readFileSync(dbFile);
} catch {
    writeFileSync(dbFile, JSON.stringify([{ id: 1, name: "teapot", price: 18 }, { id: 2, name: "mug", price: 6 }]));
}

serve(
    identity,
    faults,
    {
        "/api/items": async () => ({
            status: 200,
            type: "application/json",
            body: JSON.stringify({ version: identity.version, items: JSON.parse(readFileSync(dbFile, "utf8")) }),
        }),
    },
    async () => {
        // Database connectivity: the store can be read and written.
        try {
            JSON.parse(readFileSync(dbFile, "utf8"));
            writeFileSync(path.join(dataDir, ".health"), new Date().toISOString());
            return { database: true };
        } catch {
            return { database: false };
        }
    },
);
