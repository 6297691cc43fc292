# The versions of shipgate's Kubernetes parts, in one place (sourced by setup.sh and cluster.sh).
# Each Go version must match its go.mod (setup.sh checks): change both together.

# pulumi-kubernetes has no fetchable tags for provider/v4; this commit (2026-01-15) lies between
# sdk v4.24.0 and npm 4.24.1, and is stamped 4.24.1 because @pulumi/kubernetes 4.24.1 asks the
# engine for exactly that plugin version.
k8s_provider_module=github.com/pulumi/pulumi-kubernetes/provider/v4
k8s_provider_commit=v4.0.0-20260115033456-f47bc2d6f199
k8s_provider_version=4.24.1

kube_version=v1.33.3
kwok_version=v0.7.0
gateway_api_version=v1.4.1
