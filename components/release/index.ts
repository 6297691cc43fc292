// The pure release model: schemas, sizing and the step planner. No Pulumi engine, no cloud.
export * from "./analysis";
export * from "./artifact";
export * from "./blue-green";
export * from "./canary";
export * from "./change-window";
export * from "./checklist";
export * from "./deploy-order";
export * from "./environment";
export * from "./errors";
export * from "./planner";
export * from "./release-state";
export * from "./rolling";
export * from "./router-descriptor";
export * from "./service-spec";
export * from "./sizing";
export * from "./steps";
export * from "./traffic-plan";
