import type { InputProblem } from "../release/errors";
import type { ServiceSpec } from "../release/service-spec";
import { LABEL, isLabelValue } from "./labels";

/** The fields of each strategy's release state that hold an artifact. */
const ARTIFACT_FIELDS: Record<ServiceSpec["release"]["strategy"], readonly string[]> = {
    canary: ["stable", "canary"],
    blueGreen: ["blue", "green"],
    rolling: ["current", "next"],
};

const CPU = /^([0-9]+)m$|^([0-9]+(?:\.[0-9]+)?)$/;
const MEMORY = /^([0-9]+)(Ki|Mi|Gi|K|M|G)?$/;
const MEMORY_UNITS: Record<string, number> = { "": 1, K: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** A quantity as the service spec's schema accepts it, in cores or bytes; undefined if it cannot be read. */
function quantity(kind: "cpu" | "memory", value: string): number | undefined {
    if (kind === "cpu") {
        const m = CPU.exec(value);
        return m ? (m[1] !== undefined ? Number(m[1]) / 1000 : Number(m[2])) : undefined;
    }
    const m = MEMORY.exec(value);
    return m ? Number(m[1]) * MEMORY_UNITS[m[2] ?? ""] : undefined;
}

/**
 * What the API server refuses in a service spec that the platform-neutral schema lets through,
 * so `preview` names the field instead of `up` failing half-way on the cluster's message. Paths
 * are relative to the service spec (`release.canary`, `resources.requests.cpu`).
 *
 * - Every artifact's version becomes the label `app.kubernetes.io/version`, and a label value
 *   must end with a letter or digit (`2.0.0-` is a valid image tag but not a label).
 * - A container's request may not exceed its limit (the limits default to 500m / 256Mi, so
 *   raising only a request above them is refused).
 */
export function clusterSpecProblems(service: ServiceSpec): InputProblem[] {
    const problems: InputProblem[] = [];
    const release = service.release as unknown as Record<string, { version: string } | undefined>;
    for (const field of ARTIFACT_FIELDS[service.release.strategy]) {
        const version = release[field]?.version;
        if (version !== undefined && !isLabelValue(version)) {
            problems.push({
                path: `release.${field}`,
                message: `version "${version}" becomes the label ${LABEL.version}, which the API server refuses: a label value starts and ends with a letter or digit, e.g. "${version.replace(/[^A-Za-z0-9]+$/, "") || "1.0.0"}"`,
            });
        }
    }
    for (const kind of ["cpu", "memory"] as const) {
        const request = service.resources.requests[kind];
        const limit = service.resources.limits[kind];
        const r = quantity(kind, request);
        const l = quantity(kind, limit);
        if (r !== undefined && l !== undefined && r > l) {
            problems.push({
                path: `resources.requests.${kind}`,
                message: `the ${kind} request ${request} is above the ${kind} limit ${limit} (resources.limits.${kind}), which the API server refuses: raise the limit or lower the request`,
            });
        }
    }
    return problems;
}
