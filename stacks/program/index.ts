// The Pulumi program `pulumi up` runs for every stack: read and validate the `shipgate:*`
// config, declare each service on its platform in deploy order, export what the automation
// and a person need (strategy, versions, weights, endpoints, each service's router descriptor).
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { defineStack } from "./define-stack";
import { readStackConfig } from "./read-config";
import { summarise } from "./summary";

const { config, order, secrets } = readStackConfig();
// Relative paths in config (state, rendered manifests, run.cwd) are relative to the project
// folder, where Pulumi.yaml is, as Pulumi's own are.
const projectRoot = pulumi.runtime.getRootDirectory() || path.resolve(__dirname, "../..");
const stack = defineStack(config, order, secrets, { projectRoot, stack: pulumi.getStack() });

export const environment = config.environment;
export const platform = config.platform;
export const deployOrder = order;
export const services = summarise(stack.services);
/** Where the platform's metrics answer (Prometheus, router stats), for `shipgate promote`'s analysis. */
export const metrics = stack.platform.metrics ?? {};
