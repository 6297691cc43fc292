// The pack and nothing else: @pulumi/policy starts its gRPC server when a PolicyPack is
// constructed, so the rules live in modules of their own (policies.ts, rules/) that tests import.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, deploymentGates } from "./policies";

new PolicyPack(PACK_NAME, {
    description: "shipgate's deployment checklist as gates: what a stack declares and what CI proved about the release.",
    enforcementLevel: "mandatory",
    policies: deploymentGates(),
});
