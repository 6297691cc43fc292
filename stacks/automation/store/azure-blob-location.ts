import { DefaultAzureCredential } from "@azure/identity";
import { AnonymousCredential, ContainerClient, StoragePipelineOptions, StorageSharedKeyCredential } from "@azure/storage-blob";
import { InvalidInputError } from "../../../components/release";

/** A container and a folder in it, with the client that reaches them. */
export interface AzureBlobLocation {
    readonly container: ContainerClient;
    /** The backend URL's path, with a trailing slash ("" for the container's root). */
    readonly prefix: string;
    /** The backend URL as a person may read it: no key, no SAS token. */
    readonly where: string;
}

/**
 * Opens an `azblob://container/path?…` backend URL the way the Pulumi CLI does (gocloud's
 * azureblob opener), so shipgate reaches the same storage account with the same credentials:
 * - the account: `AZURE_STORAGE_ACCOUNT`, the `storage_account` query parameter, or the
 *   connection string's `AccountName`;
 * - the endpoint: `<protocol>://<account>.<domain>`, flipped to `<protocol>://<domain>/<account>`
 *   for an emulator (`AZURE_STORAGE_IS_LOCAL_EMULATOR`, `localemu=true`, or a loopback domain);
 *   `domain`/`protocol` come from `AZURE_STORAGE_DOMAIN`/`AZURE_STORAGE_PROTOCOL` or the query;
 * - the credential: the account key, else a SAS token, else the connection string, else the
 *   default Azure credential chain (environment, workload identity, managed identity, az login).
 */
export function azureBlobLocation(backendUrl: string, env: NodeJS.ProcessEnv): AzureBlobLocation {
    const url = new URL(backendUrl);
    const containerName = url.hostname;
    if (!containerName) {
        throw new InvalidInputError("backend URL", [{ path: "PULUMI_BACKEND_URL", message: `${backendUrl} names no container: use azblob://<container>[/<folder>]` }]);
    }
    const query = url.searchParams;
    const connectionString = env.AZURE_STORAGE_CONNECTION_STRING || env.AZURE_STORAGEBLOB_CONNECTIONSTRING || "";
    const fromConnection = (key: string) =>
        connectionString
            .split(";")
            .map((part) => part.split("="))
            .find(([k]) => k.trim() === key)?.[1];
    const account = query.get("storage_account") ?? (env.AZURE_STORAGE_ACCOUNT || fromConnection("AccountName"));
    const protocol = query.get("protocol") ?? (env.AZURE_STORAGE_PROTOCOL || fromConnection("DefaultEndpointsProtocol") || "https");
    const domain = query.get("domain") ?? (env.AZURE_STORAGE_DOMAIN || "blob.core.windows.net");
    const emulator = truthy(query.get("localemu") ?? env.AZURE_STORAGE_IS_LOCAL_EMULATOR) || /^(127\.0\.0\.1|localhost)/.test(domain);
    const cdn = truthy(query.get("cdn") ?? env.AZURE_STORAGE_IS_CDN);
    const prefix = url.pathname.replace(/^\/+/, "").replace(/\/?$/, "/").replace(/^\/$/, "");
    const where = `azblob://${containerName}/${prefix}`;

    if (!account && !connectionString) {
        throw new InvalidInputError("backend URL", [
            { path: "AZURE_STORAGE_ACCOUNT", message: `${where} needs a storage account: set AZURE_STORAGE_ACCOUNT (as for \`pulumi login ${where}\`)` },
        ]);
    }
    if (protocol !== "http" && protocol !== "https") {
        throw new InvalidInputError("backend URL", [{ path: "AZURE_STORAGE_PROTOCOL", message: `"${protocol}" is not http or https` }]);
    }
    const service = emulator ? `${protocol}://${domain}/${account}` : cdn ? `${protocol}://${domain}` : `${protocol}://${account}.${domain}`;
    const containerUrl = `${service}/${containerName}`;
    const key = env.AZURE_STORAGE_KEY;
    const sas = env.AZURE_STORAGE_SAS_TOKEN?.replace(/^\?/, "");
    let container: ContainerClient;
    if (account && key) {
        container = new ContainerClient(containerUrl, new StorageSharedKeyCredential(account, key), PIPELINE);
    } else if (sas) {
        container = new ContainerClient(`${containerUrl}?${sas}`, new AnonymousCredential(), PIPELINE);
    } else if (connectionString) {
        container = new ContainerClient(connectionString, containerName, PIPELINE);
    } else {
        container = new ContainerClient(containerUrl, new DefaultAzureCredential(), PIPELINE);
    }
    return { container, prefix, where };
}

/**
 * A few quick retries: a store that does not answer must refuse the run within seconds, and a
 * lease renewal must not wait longer than the lease lasts.
 */
const PIPELINE: StoragePipelineOptions = { retryOptions: { maxTries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 2_000, tryTimeoutInMs: 8_000 } };

function truthy(value: string | undefined | null): boolean {
    return value !== undefined && value !== null && /^(1|t|true)$/i.test(value);
}
