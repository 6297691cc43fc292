import { strict as assert } from "node:assert";
import { RouterDescriptorSchema } from "../../../components/release";
import { LambdaAliasRouter } from "../../../stacks/automation/routers/lambda-alias-router";
import { RouterMismatch, readBackWeights } from "../../../stacks/automation/routers/read-back";
import { RouterError } from "../../../stacks/automation/routers/router";
import { createRouter } from "../../../stacks/automation/routers/router-factory";
import { LoopbackServer, Reply, Script, startLoopback } from "../verify/cloudwatch-loopback";
import { AWS_ROUTER_PORTS, awsContext } from "./router-loopback";

const PATH = "/2015-03-31/functions/shop-api/aliases/live";

/** GetAlias/UpdateAlias as Lambda's REST-JSON API answers them. */
function alias(functionVersion: string, weights?: Record<string, number>, revision = "3b7c1f52-8e0a-4f7e-9d2c-5a1b2c3d4e5f"): Reply {
    return {
        status: 200,
        headers: { "content-type": "application/json", "x-amzn-requestid": "7d1e0c6a-0000-4000-8000-000000000000" },
        body: {
            AliasArn: "arn:aws:lambda:eu-west-1:123456789012:function:shop-api:live",
            Name: "live",
            FunctionVersion: functionVersion,
            Description: "shipgate: stable 1.4.0 75%, canary 1.5.0 25%",
            RevisionId: revision,
            ...(weights ? { RoutingConfig: { AdditionalVersionWeights: weights } } : {}),
        },
    };
}

const lambdaError = (status: number, type: string, message: string): Reply => ({
    status,
    headers: { "content-type": "application/json", "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazonaws.awsgirlambda/`, "x-amzn-requestid": "e" },
    body: { Type: "User", message },
});

describe("Lambda alias router (GetAlias/UpdateAlias on a loopback speaking Lambda's REST-JSON)", () => {
    let server: LoopbackServer | undefined;

    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    async function routerWith(script: Script, versions: Record<string, string> = { stable: "7", canary: "8" }): Promise<LambdaAliasRouter> {
        server = await startLoopback(AWS_ROUTER_PORTS, script);
        const descriptor = RouterDescriptorSchema.parse({ kind: "lambdaAlias", region: "eu-west-1", functionName: "shop-api", alias: "live", versions });
        return createRouter(descriptor, awsContext(server.url)) as LambdaAliasRouter;
    }

    it("reads the alias: its version takes what the additional version's fraction leaves", async () => {
        const router = await routerWith(() => alias("7", { "8": 0.25 }));
        assert.ok(router instanceof LambdaAliasRouter);
        assert.deepEqual(await router.readWeights(), { supported: true, weights: { stable: 75, canary: 25 }, problems: [] });
        const [req] = server!.received;
        assert.equal(`${req.method} ${req.url}`, `GET ${PATH}`);
        assert.match(String(req.headers.authorization), /Credential=AKIDSHIPGATETEST\/\d{8}\/eu-west-1\/lambda\/aws4_request/);
    });

    it("reads an alias on one version as 100 to its track, and rounds fractions as the component wrote them", async () => {
        const router = await routerWith((_req, i) => (i === 0 ? alias("8") : alias("7", { "8": 0.1 })));
        assert.deepEqual(await router.readWeights(), { supported: true, weights: { stable: 0, canary: 100 }, problems: [] });
        assert.deepEqual(await router.readWeights(), { supported: true, weights: { stable: 90, canary: 10 }, problems: [] });
    });

    it("read-back passes on a match, fails naming track and figures on a mismatch, and reports a version no track runs", async () => {
        const router = await routerWith((_req, i) => (i < 2 ? alias("7", { "8": 0.5 }) : alias("6", { "8": 0.5 })));
        assert.deepEqual((await readBackWeights(router, { stable: 50, canary: 50 })).weights, { stable: 50, canary: 50 });
        await assert.rejects(readBackWeights(router, { stable: 0, canary: 100 }), (e: Error) => {
            assert.ok(e instanceof RouterMismatch);
            assert.equal(e.message, "lambda alias shop-api:live reads back stable 50% (asked 0%); canary 50% (asked 100%)");
            return true;
        });
        await assert.rejects(readBackWeights(router, { stable: 50, canary: 50 }), /stable 0% \(asked 50%\); the alias sends 50% to version 6, which no track runs \(tracks run stable 7, canary 8\)/);
    });

    it("cannot tell two tracks on one version apart, and says so rather than guessing", async () => {
        const router = await routerWith(() => alias("7"), { blue: "7", green: "7" });
        assert.deepEqual(await router.readWeights(), { supported: false, reason: "tracks blue and green both run 7, so their shares cannot be told apart (version 7 takes all of the alias)" });
        assert.match((await readBackWeights(router, { blue: 100, green: 0 })).unsupported!, /read-back unsupported by lambda alias shop-api:live/);
    });

    it("sets a canary step with UpdateAlias: the primary stays the alias' version, the candidate's share as a fraction, guarded by RevisionId", async () => {
        const router = await routerWith((req) => (req.method === "GET" ? alias("7", { "8": 0.25 }) : alias("7", { "8": 0.5 })));
        await router.setWeights({ stable: 50, canary: 50 });
        const put = server!.received[1];
        assert.equal(`${put.method} ${put.url}`, `PUT ${PATH}`);
        assert.deepEqual(JSON.parse(put.body), { FunctionVersion: "7", RoutingConfig: { AdditionalVersionWeights: { "8": 0.5 } }, RevisionId: "3b7c1f52-8e0a-4f7e-9d2c-5a1b2c3d4e5f" });
    });

    it("sets a full switch as the alias' version with the routing cleared, and a rollback back to the stable version", async () => {
        const router = await routerWith((req) => (req.method === "GET" ? alias("7", { "8": 0.5 }) : alias("8")));
        await router.setWeights({ stable: 0, canary: 100 });
        assert.deepEqual(JSON.parse(server!.received[1].body), { FunctionVersion: "8", RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: "3b7c1f52-8e0a-4f7e-9d2c-5a1b2c3d4e5f" });
        await router.setWeights({ stable: 100, canary: 0 });
        assert.deepEqual(JSON.parse(server!.received[3].body).FunctionVersion, "7");
    });

    it("makes the heavier track primary when the alias' version carries no traffic in the new split", async () => {
        const router = await routerWith((req) => (req.method === "GET" ? alias("6") : alias("8", { "7": 0.3 })), { stable: "7", canary: "8", old: "6" });
        await router.setWeights({ stable: 30, canary: 70, old: 0 });
        assert.deepEqual(JSON.parse(server!.received[1].body).FunctionVersion, "8");
        assert.deepEqual(JSON.parse(server!.received[1].body).RoutingConfig, { AdditionalVersionWeights: { "7": 0.3 } });
        await assert.rejects(router.setWeights({ stable: 30, canary: 30, old: 40 }), /an alias routes to at most two versions, asked for stable, canary, old/);
    });

    it("says when the alias changed under the update (RevisionId no longer matches)", async () => {
        const router = await routerWith((req) => (req.method === "GET" ? alias("7") : lambdaError(412, "PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id. Call the GetAlias API to retrieve the latest Revision Id")));
        await assert.rejects(router.setWeights({ stable: 75, canary: 25 }), /updating alias live of shop-api failed \(HTTP 412 PreconditionFailedException: .*\): it changed while shipgate was setting it; read it again and retry/);
    });

    it("names the IAM action on 403, and the function and alias on 404", async () => {
        const denied = await routerWith(() => ({
            status: 403,
            headers: { "content-type": "application/json", "x-amzn-errortype": "AccessDeniedException", "x-amzn-requestid": "d" },
            body: { Message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: lambda:GetAlias on resource: arn:aws:lambda:eu-west-1:123456789012:function:shop-api:live because no identity-based policy allows the lambda:GetAlias action" },
        }));
        await assert.rejects(denied.readWeights(), (e: Error) => {
            assert.ok(e instanceof RouterError);
            assert.match(e.message, /^lambda alias shop-api:live: reading alias live of shop-api failed \(HTTP 403 AccessDeniedException: User: .*\): the engine's AWS identity needs lambda:GetAlias on function shop-api alias live \(region eu-west-1\)$/);
            return true;
        });
        await server!.close();
        const gone = await routerWith(() => lambdaError(404, "ResourceNotFoundException", "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:shop-api:live"));
        await assert.rejects(gone.readWeights(), /failed \(HTTP 404 ResourceNotFoundException: Function not found: .*\): function shop-api alias live \(region eu-west-1\) \(from the service's router descriptor\) is gone; run `pulumi up`/);
    });

    it("stops when the signal aborts", async () => {
        const router = await routerWith(() => "hang");
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error("promotion cancelled")), 100);
        await assert.rejects(router.setWeights({ stable: 50, canary: 50 }, controller.signal), /reading alias live of shop-api: cancelled \(promotion cancelled\)$/);
        assert.equal(server!.received.length, 1, "no update after the aborted read");
    });
});
