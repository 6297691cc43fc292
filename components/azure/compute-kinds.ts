/** How an Azure service runs (no SDK import here: the stack's config schema reads it at every start). */
export const AZURE_COMPUTE_KINDS = ["containerApp", "appService"] as const;
export type AzureComputeKind = (typeof AZURE_COMPUTE_KINDS)[number];
