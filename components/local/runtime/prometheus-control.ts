import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./atomic-write";
import { RunningProcess, startProcess } from "./process-control";

/** Where one stack's Prometheus keeps its config, scrape targets and data. */
export interface PrometheusPaths {
    readonly dir: string;
    readonly configFile: string;
    readonly targetsDir: string;
    readonly dataDir: string;
    readonly logFile: string;
}

export function prometheusPaths(dir: string): PrometheusPaths {
    return {
        dir,
        configFile: path.join(dir, "prometheus.yml"),
        targetsDir: path.join(dir, "targets"),
        dataDir: path.join(dir, "data"),
        logFile: path.join(dir, "prometheus.log"),
    };
}

/**
 * Scrapes every target file in targets/ (file service discovery, so services come and go
 * without a restart) and the router's own exporter. `honor_labels` keeps the application's
 * service/version/track labels as they are.
 */
export function renderPrometheusConfig(paths: PrometheusPaths, scrapeIntervalSeconds: number, routerMetrics?: string): string {
    const interval = `${scrapeIntervalSeconds}s`;
    const lines = [
        "# Written by shipgate (components/local).",
        "global:",
        `  scrape_interval: ${interval}`,
        `  evaluation_interval: ${interval}`,
        "scrape_configs:",
        "  - job_name: services",
        "    honor_labels: true",
        "    file_sd_configs:",
        `      - files: ["${path.join(paths.targetsDir, "*.json")}"]`,
        `        refresh_interval: ${interval}`,
    ];
    if (routerMetrics) {
        lines.push("  - job_name: router", "    static_configs:", `      - targets: ["${routerMetrics}"]`);
    }
    return lines.join("\n") + "\n";
}

export function prometheusBinary(): string {
    return process.env.SHIPGATE_PROMETHEUS ?? "prometheus";
}

export async function startPrometheus(
    id: string,
    paths: PrometheusPaths,
    options: { port: number; scrapeIntervalSeconds: number; routerMetrics?: string },
): Promise<RunningProcess> {
    mkdirSync(paths.targetsDir, { recursive: true });
    mkdirSync(paths.dataDir, { recursive: true });
    writeFileAtomic(paths.configFile, renderPrometheusConfig(paths, options.scrapeIntervalSeconds, options.routerMetrics));
    return startProcess({
        id,
        command: prometheusBinary(),
        args: [
            `--config.file=${paths.configFile}`,
            `--storage.tsdb.path=${paths.dataDir}`,
            "--storage.tsdb.retention.time=2d",
            `--web.listen-address=127.0.0.1:${options.port}`,
            "--web.enable-lifecycle",
        ],
        env: {},
        cwd: paths.dir,
        logFile: paths.logFile,
        readyUrl: `http://127.0.0.1:${options.port}/-/ready`,
        readyTimeoutMs: 30_000,
    });
}

export interface ScrapeTarget {
    readonly port: number;
    readonly labels: Readonly<Record<string, string>>;
}

/** One file per service; Prometheus picks changes up on its next refresh. */
export function writeTargets(paths: PrometheusPaths, service: string, targets: readonly ScrapeTarget[]): void {
    writeFileAtomic(
        path.join(paths.targetsDir, `${service}.json`),
        JSON.stringify(targets.map((t) => ({ targets: [`127.0.0.1:${t.port}`], labels: t.labels })), null, 2),
    );
}

export function targetsFile(paths: PrometheusPaths, service: string): string {
    return path.join(paths.targetsDir, `${service}.json`);
}
