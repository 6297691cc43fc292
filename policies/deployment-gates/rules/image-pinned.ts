import { z } from "zod";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { EnvironmentName, ENVIRONMENT_NAMES } from "../../../components/release";
import { configSchemaOf, readConfig } from "../lib/config";
import { ENGINE_DEPS, PolicyDeps } from "../lib/facts";
import { violation } from "../lib/messages";
import { containers, owningServiceComponent, releaseArtifacts, serviceComponent, serviceKey, serviceSubject, workload } from "../lib/resources";

export const NAME = "image-pinned";

const Config = z
    .object({
        /** Where a tag must be immutable: a digest or a semantic version. */
        immutableIn: z.array(z.enum(ENVIRONMENT_NAMES)).default(["production"]),
    })
    .strict();

export interface ImageRef {
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}

/** Splits `registry:5000/org/app:1.2.3@sha256:…` into repository, tag and digest. */
export function parseImageRef(ref: string): ImageRef {
    const at = ref.indexOf("@");
    const digest = at >= 0 ? ref.slice(at + 1) : undefined;
    const rest = at >= 0 ? ref.slice(0, at) : ref;
    const slash = rest.lastIndexOf("/");
    const colon = rest.lastIndexOf(":");
    const tag = colon > slash ? rest.slice(colon + 1) : undefined;
    return { repository: tag !== undefined ? rest.slice(0, colon) : rest, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const SEMVER = /^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-[0-9A-Za-z.-]+)?$/;

/** What is wrong with an image reference in an environment, or undefined when it is pinned well enough. */
export function imageProblem(ref: string, environment: EnvironmentName, immutableIn: readonly EnvironmentName[]): string | undefined {
    if (!ref.trim()) return "has no image";
    const { tag, digest } = parseImageRef(ref.trim());
    if (digest !== undefined) {
        return DIGEST.test(digest) ? undefined : `image ${ref} has a malformed digest "${digest}"`;
    }
    if (tag === undefined) return `image ${ref} is untagged, which means whatever "latest" points to when a node pulls it`;
    if (tag.toLowerCase() === "latest") return `image ${ref} uses the mutable tag "latest"`;
    if (immutableIn.includes(environment) && !SEMVER.test(tag)) {
        return `image ${ref} is pinned by the tag "${tag}", which is neither a digest nor a semantic version: in ${environment} a tag must not move`;
    }
    return undefined;
}

const FIX_IMAGE = 'a semantic version ("1.4.2") or a digest ("repo@sha256:…")';

/**
 * Images are pinned: never `latest`, never untagged; where immutability is required (production)
 * a digest or a semantic-version tag, so what was verified in staging is what runs.
 */
export function imagePinned(deps: PolicyDeps = ENGINE_DEPS): ResourceValidationPolicy {
    return {
        name: NAME,
        description:
            "Images are pinned: no \"latest\", no untagged image; in production a digest or a semantic-version tag, so the artifact staging verified is the one that runs.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Release versions as semantic versions (1.4.2), or pin the artifact's image by digest (release.<track>: {version, image: \"repo@sha256:…\"}). On a Kubernetes workload set every container's image to repo:1.4.2 or repo@sha256:….",
        configSchema: configSchemaOf(Config),
        validateResource: (args, report) => {
            const config = readConfig(NAME, Config, args);
            const environment = deps.facts().environment;
            const svc = serviceComponent(args.type, args.name, args.props);
            if (svc) {
                for (const a of releaseArtifacts(svc.service.release)) {
                    const ref = a.image ?? `${svc.service.image}:${a.version}`;
                    const problem = imageProblem(ref, environment, config.immutableIn);
                    if (problem) {
                        report(violation(`${serviceSubject(svc)}, ${a.track}`, problem, `set ${serviceKey(svc, `release.${a.track}`)} to ${FIX_IMAGE}`));
                    }
                }
                return;
            }
            // A workload a shipgate service rendered takes its images from the release, checked above.
            if (owningServiceComponent(args.urn)) return;
            const w = workload(args.type, args.name, args.props);
            if (!w) return;
            for (const c of containers(w)) {
                const image = c.spec.image;
                const problem = imageProblem(typeof image === "string" ? image : "", environment, config.immutableIn);
                if (problem) {
                    report(violation(c.subject, problem, `set the container's image to ${FIX_IMAGE}`));
                }
            }
        },
    };
}
