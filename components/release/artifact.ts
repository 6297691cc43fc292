import { z } from "zod";

/**
 * A release version as users write it: a semantic version, a build number or a git sha.
 * Kept to characters that are valid in an image tag and a Kubernetes label value.
 */
export const VersionSchema = z
    .string({ error: "version is missing: set it to the release's version, e.g. \"1.4.2\"" })
    .trim()
    .min(1, { error: "version is empty: set it to the release's version, e.g. \"1.4.2\"", abort: true })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
        error: "version must be 1-63 letters, digits, '.', '_' or '-' starting with a letter or digit (it becomes an image tag and a label), e.g. \"1.4.2\"",
    });

/** What a track or color runs. `image` overrides the service's `repository:version`, e.g. to pin a digest. */
export interface Artifact {
    readonly version: string;
    readonly image?: string;
}

const ArtifactObjectSchema = z
    .object(
        {
            version: VersionSchema,
            image: z
                .string()
                .trim()
                .min(1, { error: "image is empty: remove it to use the service's repository, or set a full image reference" })
                .optional(),
        },
        {
            error: (issue) =>
                issue.input === undefined
                    ? "version is missing: set it to the release's version, e.g. \"1.4.2\""
                    : "expected a version string such as \"1.4.2\" or an object {version, image}",
        },
    )
    .strict();

/** Accepts the shorthand `"1.4.2"` or `{version: "1.4.2", image: "repo@sha256:…"}`. */
export const ArtifactSchema = z.preprocess(
    (value) => (typeof value === "string" ? { version: value } : value),
    ArtifactObjectSchema,
) as z.ZodType<Artifact, Artifact | string>;

export function sameArtifact(a: Artifact | undefined, b: Artifact | undefined): boolean {
    if (!a || !b) {
        return a === b;
    }
    return a.version === b.version && a.image === b.image;
}

/** The image a track runs: the artifact's explicit image, else `repository:version`. */
export function imageRef(repository: string, artifact: Artifact): string {
    return artifact.image ?? `${repository}:${artifact.version}`;
}
