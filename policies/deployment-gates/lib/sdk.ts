// The parts of @pulumi/policy that rules and their tests use. Tests import them from here: the SDK
// is a dependency of this pack (its own node_modules), not of the repository root.
export { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
export type {
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
