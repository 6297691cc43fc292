/** Who this process is, from the environment the platform starts it with. */
export interface Identity {
    service: string;
    version: string;
    track: string;
    port: number;
}

export function identityFromEnv(defaultService: string): Identity {
    const port = Number(process.env.PORT ?? 8080);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
    }
    return {
        service: process.env.APP_SERVICE ?? defaultService,
        version: process.env.APP_VERSION ?? "0.0.0-dev",
        track: process.env.APP_TRACK ?? "stable",
        port,
    };
}
