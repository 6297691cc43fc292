// The local platform: blue-green, canary and rolling services as real processes on loopback,
// routed by HAProxy and measured by Prometheus, managed through Pulumi dynamic providers.
export * from "./blue-green-service";
export * from "./canary-service";
export * from "./create-service";
export * from "./local-platform";
export * from "./local-service";
export * from "./local-service-args";
export * from "./rolling-service";
