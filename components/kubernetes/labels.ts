import { Color } from "../release/blue-green";

/** A canary track (`stable`, `canary`), a rolling service's track (`current`, and `next` mid-update), or a blue-green color. */
export type Track = "stable" | "canary" | "current" | "next";

/** Which pods a selector picks: one track, one color, or every pod of the service. */
export type PodGroup = { readonly track: Track } | { readonly color: Color } | Record<string, never>;

export const LABEL = {
    name: "app.kubernetes.io/name",
    partOf: "app.kubernetes.io/part-of",
    version: "app.kubernetes.io/version",
    managedBy: "app.kubernetes.io/managed-by",
    track: "shipgate.dev/track",
    color: "shipgate.dev/color",
} as const;

/**
 * The labels a Service or Deployment selects on. Never the version: a Deployment's selector is
 * immutable, and a Service must keep selecting a track while its version changes.
 */
export function selectorLabels(app: string, group: PodGroup): Record<string, string> {
    const labels: Record<string, string> = { [LABEL.name]: app };
    if ("track" in group) {
        labels[LABEL.track] = group.track;
    }
    if ("color" in group) {
        labels[LABEL.color] = group.color;
    }
    return labels;
}

/** The labels every object carries: the selector labels, shipgate's own, the version when there is one, and the user's extras. */
export function resourceLabels(
    app: string,
    group: PodGroup,
    version?: string,
    extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
    return {
        ...extra,
        ...selectorLabels(app, group),
        [LABEL.partOf]: "shipgate",
        [LABEL.managedBy]: "pulumi",
        ...(version ? { [LABEL.version]: version } : {}),
    };
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** True for a valid Kubernetes label key: an optional DNS prefix and "/", then a name of at most 63 characters. */
export function isLabelKey(key: string): boolean {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = key.slice(slash + 1);
    return LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix)));
}

/** True for a valid Kubernetes label value: empty, or at most 63 letters, digits, "-", "_", "." starting and ending alphanumeric. */
export function isLabelValue(value: string): boolean {
    return LABEL_VALUE.test(value);
}
