// Azure platform: Container Apps revisions and App Service slots.
export * from "./args";
export * from "./container";
export * from "./container-app-service";
export * from "./create-service";
export * from "./metrics";
export * from "./revision-ledger";
export * from "./web-app-service";
