import { z } from "zod";
import { KubernetesRouterSchema } from "../../../components/kubernetes/router-spec";

/**
 * How the stack reaches Kubernetes. With neither a kubeconfig nor `context` the provider
 * renders manifests into `renderDir` instead of applying them: the mode that works with no
 * cluster (the manifests are what a GitOps pipeline or `kubectl apply -R -f` would take).
 */
export const KubernetesPlatformSchema = z
    .object({
        namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
            error: "namespace must be a Kubernetes namespace name (lower-case letters, digits, '-', at most 63)",
        }),
        /** Create the namespace, or expect it to exist. */
        createNamespace: z.boolean().default(true),
        /** Use this kubeconfig context. The kubeconfig itself is the secret key `shipgate:kubeconfig`. */
        context: z.string().min(1).optional(),
        /** Where rendered manifests go when no cluster is configured (relative to the project). */
        renderDir: z.string().min(1).optional(),
        /** How traffic is split; the components default to Gateway API when omitted. */
        router: KubernetesRouterSchema.optional(),
    })
    .strict()
    .superRefine((value, ctx) => {
        if (value.renderDir && value.context) {
            ctx.addIssue({
                code: "custom",
                path: ["renderDir"],
                message: "renderDir renders manifests instead of applying them, so it cannot be combined with context: remove one",
            });
        }
    });

export type KubernetesPlatform = z.output<typeof KubernetesPlatformSchema>;

/** True when the stack writes manifests to a directory instead of talking to a cluster. */
export function rendersManifests(platform: KubernetesPlatform, hasKubeconfig: boolean): boolean {
    return Boolean(platform.renderDir) || (!hasKubeconfig && !platform.context);
}
