// AWS platform: ECS Fargate behind an ALB (shipgate-driven or ECS-native deployments) and Lambda aliases.
export * from "./alarms";
export * from "./args";
export * from "./create-service";
export * from "./ecs-native-service";
export * from "./ecs-service";
export * from "./ecs-task";
export * from "./fargate";
export * from "./lambda-ledger";
export * from "./lambda-service";
export * from "./load-balancer";
export * from "./metrics";
