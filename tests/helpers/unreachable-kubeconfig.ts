/**
 * A kubeconfig whose one context ("shop") points at a port nothing listens on: for tests that
 * build Kubernetes clients (parsing a kubeconfig contacts nothing) and never call the cluster.
 */
export const UNREACHABLE_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: admin, user: {token: t}}]
contexts: [{name: shop, context: {cluster: local, user: admin}}]
current-context: shop
`;
