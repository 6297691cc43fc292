import { Project } from "../automation/project";
import { openStore } from "../automation/store/open-store";
import { ShipgateStore } from "../automation/store/shipgate-store";

/** The project's lock and deployment log, beside its Pulumi state (open-store.ts); `--log` moves the log to a file. */
export function projectStore(project: Project, logFile?: string): ShipgateStore {
    const env = { ...process.env, ...project.env };
    return openStore({ projectDir: project.dir, backendUrl: env.PULUMI_BACKEND_URL ?? "", logFile, env });
}
