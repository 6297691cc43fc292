import { RouterContext } from "../../../stacks/automation/routers/router";
import { StaticCredential, loopbackClientOptions } from "../verify/azure-loopback";
import { Reply } from "../verify/cloudwatch-loopback";

/** The ports the router suites own: AWS routers (plain HTTP) and Azure routers (TLS). */
export const AWS_ROUTER_PORTS: [number, number] = [28000, 28499];
export const AZURE_ROUTER_PORTS: [number, number] = [28500, 28999];

/** A router context on an AWS loopback: static keys, one attempt (the tests script every answer). */
export function awsContext(endpoint: string): RouterContext {
    return {
        env: {},
        awsEndpoint: endpoint,
        clientOptions: { credentials: { accessKeyId: "AKIDSHIPGATETEST", secretAccessKey: "shipgate-test-secret" }, maxAttempts: 1 },
    };
}

/** A router context on an Azure TLS loopback: a fixed token, the loopback's certificate. */
export function azureContext(endpoint: string, cert: string, env: Record<string, string> = { ARM_SUBSCRIPTION_ID: SUBSCRIPTION }): RouterContext {
    return { env, azureEndpoint: endpoint, azureCredential: new StaticCredential(), clientOptions: loopbackClientOptions(cert, 0) };
}

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

/** An AWS Query-protocol (ELBv2) answer: XML, as the service sends it. */
export function xml(body: string, status = 200): Reply {
    return { status, headers: { "content-type": "text/xml", "x-amzn-requestid": "c2f3b9a4-0000-4000-8000-000000000000" }, body };
}

/** ARM's JSON answer. */
export function arm(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
    return { status, headers: { "content-type": "application/json; charset=utf-8", "x-ms-request-id": "6f1c2d3e-0000-4000-8000-000000000000", ...headers }, body };
}

/** ARM's refusal for a missing role assignment. */
export function armForbidden(action: string, scope: string): Reply {
    return arm(
        {
            error: {
                code: "AuthorizationFailed",
                message: `The client 'f2c1a7e0-1111-2222-3333-444455556666' with object id 'f2c1a7e0-1111-2222-3333-444455556666' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
            },
        },
        403,
    );
}

/** ARM's answer for a resource that is not there. */
export function armNotFound(type: string, name: string, group: string): Reply {
    return arm({ error: { code: "ResourceNotFound", message: `The Resource '${type}/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix` } }, 404);
}
