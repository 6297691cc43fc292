import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

/** The ports the Azure suites own (the CloudWatch suite has 25000-25499). */
export const AZURE_PORTS: [number, number] = [25500, 25999];

/**
 * A self-signed certificate for 127.0.0.1, made with openssl for this run: the Azure SDK
 * pipelines refuse to send a bearer token over plain HTTP, so the loopback servers speak TLS and
 * the clients trust this certificate (the SDKs' `tlsOptions.ca`), nothing else.
 */
export function loopbackCertificate(): { key: string; cert: string } {
    const dir = mkdtempSync(path.join(tmpdir(), "shipgate-azure-tls-"));
    try {
        execFileSync(
            "openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            { cwd: dir, stdio: "ignore" },
        );
        return { key: readFileSync(path.join(dir, "key.pem"), "utf8"), cert: readFileSync(path.join(dir, "cert.pem"), "utf8") };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** A credential that hands out a fixed token and records the scopes it was asked for. */
export class StaticCredential implements TokenCredential {
    readonly scopes: string[] = [];
    constructor(private readonly token = "shipgate-test-token") {}
    async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
        this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
        return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
    }
}

/** SDK client options for the loopback: trust its certificate, retry fast. */
export function loopbackClientOptions(cert: string, maxRetries = 2): Record<string, unknown> {
    return { tlsOptions: { ca: cert }, retryOptions: { maxRetries, retryDelayInMs: 20, maxRetryDelayInMs: 100 } };
}
