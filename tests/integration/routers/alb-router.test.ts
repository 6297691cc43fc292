import { strict as assert } from "node:assert";
import { albWeight } from "../../../components/aws/load-balancer";
import { RouterDescriptorSchema } from "../../../components/release";
import { AlbRouter, albWeightOf } from "../../../stacks/automation/routers/alb-router";
import { RouterMismatch, readBackWeights } from "../../../stacks/automation/routers/read-back";
import { RouterError } from "../../../stacks/automation/routers/router";
import { createRouter } from "../../../stacks/automation/routers/router-factory";
import { LoopbackServer, Received, Script, startLoopback } from "../verify/cloudwatch-loopback";
import { AWS_ROUTER_PORTS, awsContext, xml } from "./router-loopback";

const NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
const LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop-backend/50dc6c495c0c9188/f2f7dc8efc522ab2";
const RULE = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shop-backend/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
const STABLE = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/backend-stable/73e2d6bc24d8a067";
const CANARY = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/backend-canary/2453ed029918f21f";
const OLD = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/backend-old/0aa1bb2cc3dd4ee5";

const groups = (gs: [string, number][]) => gs.map(([arn, w]) => `<member><TargetGroupArn>${arn}</TargetGroupArn><Weight>${w}</Weight></member>`).join("");
const forward = (gs: [string, number][], order = 1) =>
    `<member><Type>forward</Type><Order>${order}</Order><ForwardConfig><TargetGroups>${groups(gs)}</TargetGroups><TargetGroupStickinessConfig><Enabled>true</Enabled><DurationSeconds>3600</DurationSeconds></TargetGroupStickinessConfig></ForwardConfig></member>`;

/** DescribeRules as ELBv2 answers it: one path rule forwarding to weighted target groups, sticky. */
function describeRules(actions: string): string {
    return `<DescribeRulesResponse xmlns="${NS}"><DescribeRulesResult><Rules><member><IsDefault>false</IsDefault><Conditions><member><Field>path-pattern</Field><Values><member>/api/*</member></Values><PathPatternConfig><Values><member>/api/*</member></Values></PathPatternConfig></member></Conditions><Priority>10</Priority><Actions>${actions}</Actions><RuleArn>${RULE}</RuleArn></member></Rules></DescribeRulesResult><ResponseMetadata><RequestId>c2f3b9a4-0000-4000-8000-000000000001</RequestId></ResponseMetadata></DescribeRulesResponse>`;
}

function describeListeners(actions: string): string {
    return `<DescribeListenersResponse xmlns="${NS}"><DescribeListenersResult><Listeners><member><LoadBalancerArn>arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop-backend/50dc6c495c0c9188</LoadBalancerArn><Protocol>HTTPS</Protocol><Certificates><member><CertificateArn>arn:aws:acm:eu-west-1:123456789012:certificate/0c4f5b8e-1111-2222-3333-444455556666</CertificateArn></member></Certificates><SslPolicy>ELBSecurityPolicy-TLS13-1-2-2021-06</SslPolicy><ListenerArn>${LISTENER}</ListenerArn><Port>443</Port><DefaultActions>${actions}</DefaultActions></member></Listeners></DescribeListenersResult><ResponseMetadata><RequestId>c2f3b9a4-0000-4000-8000-000000000002</RequestId></ResponseMetadata></DescribeListenersResponse>`;
}

const error = (code: string, message: string, status: number) =>
    xml(`<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>c2f3b9a4-0000-4000-8000-00000000000e</RequestId></ErrorResponse>`, status);

const form = (r: Received) => Object.fromEntries(new URLSearchParams(r.body));

describe("ALB router (ELBv2 Query API on a loopback: DescribeRules/DescribeListeners, ModifyRule/ModifyListener)", () => {
    let server: LoopbackServer | undefined;

    afterEach(async () => {
        await server?.close();
        server = undefined;
    });

    async function routerWith(script: Script, descriptor: Record<string, unknown> = {}): Promise<AlbRouter> {
        server = await startLoopback(AWS_ROUTER_PORTS, script);
        const parsed = RouterDescriptorSchema.parse({ kind: "alb", region: "eu-west-1", listenerArn: LISTENER, ruleArn: RULE, targetGroups: { stable: STABLE, canary: CANARY }, ...descriptor });
        return createRouter(parsed, awsContext(server.url)) as AlbRouter;
    }

    it("reads a rule's forward weights as percent per track, signed for the region", async () => {
        const router = await routerWith(() => xml(describeRules(forward([[STABLE, 75], [CANARY, 25]]))));
        assert.ok(router instanceof AlbRouter);
        assert.equal(router.switchesByAction, false);
        assert.deepEqual(await router.readWeights(), { supported: true, weights: { stable: 75, canary: 25 }, problems: [] });
        const [req] = server!.received;
        assert.equal(req.method, "POST");
        assert.deepEqual(form(req), { Action: "DescribeRules", Version: "2015-12-01", "RuleArns.member.1": RULE });
        assert.match(String(req.headers.authorization), /Credential=AKIDSHIPGATETEST\/\d{8}\/eu-west-1\/elasticloadbalancing\/aws4_request/);
    });

    it("reads relative weights (ECS writes 0-999) as shares, and the listener's default action when there is no rule", async () => {
        const router = await routerWith(() => xml(describeListeners(forward([[STABLE, 900], [CANARY, 100]]))), { ruleArn: undefined });
        assert.deepEqual(await router.readWeights(), { supported: true, weights: { stable: 90, canary: 10 }, problems: [] });
        assert.deepEqual(form(server!.received[0]), { Action: "DescribeListeners", Version: "2015-12-01", "ListenerArns.member.1": LISTENER });
    });

    it("read-back passes on the step's split and fails naming the track and figures otherwise", async () => {
        const router = await routerWith(() => xml(describeRules(forward([[STABLE, 75], [CANARY, 25]]))));
        const ok = await readBackWeights(router, { stable: 75, canary: 25 });
        assert.deepEqual(ok.weights, { stable: 75, canary: 25 });
        await assert.rejects(readBackWeights(router, { stable: 50, canary: 50 }), (e: Error) => {
            assert.ok(e instanceof RouterMismatch);
            assert.match(e.message, /^alb rule app\/shop-backend\/.* reads back stable 75% \(asked 50%\); canary 25% \(asked 50%\)$/);
            return true;
        });
    });

    it("reports a track's target group missing from the action, and a group no track names", async () => {
        const router = await routerWith(() => xml(describeRules(forward([[STABLE, 50], [OLD, 50]]))));
        const reading = await router.readWeights();
        assert.ok(reading.supported);
        assert.deepEqual(reading.weights, { stable: 50, canary: 0 });
        assert.deepEqual(reading.problems, [
            "target group backend-canary/2453ed029918f21f (track canary) is missing from the forward action of rule app/shop-backend/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
            "rule app/shop-backend/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee also forwards to target group backend-old/0aa1bb2cc3dd4ee5 (50%), which no track names",
        ]);
        await assert.rejects(readBackWeights(router, { stable: 50, canary: 50 }), /canary 0% \(asked 50%\); target group backend-canary.* is missing/);
    });

    it("sets the weights with ModifyRule: the component's percent mapping, stickiness and the authenticate action kept", async () => {
        const oidc = `<member><Type>authenticate-oidc</Type><Order>1</Order><AuthenticateOidcConfig><Issuer>https://login.acme.example</Issuer><AuthorizationEndpoint>https://login.acme.example/auth</AuthorizationEndpoint><TokenEndpoint>https://login.acme.example/token</TokenEndpoint><UserInfoEndpoint>https://login.acme.example/userinfo</UserInfoEndpoint><ClientId>shop</ClientId></AuthenticateOidcConfig></member>`;
        const router = await routerWith((req) => (form(req).Action === "DescribeRules" ? xml(describeRules(oidc + forward([[STABLE, 100], [CANARY, 0]], 2))) : xml(`<ModifyRuleResponse xmlns="${NS}"><ModifyRuleResult><Rules/></ModifyRuleResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></ModifyRuleResponse>`)));
        await router.setWeights({ stable: 90, canary: 10 });
        assert.equal(albWeightOf(10), albWeight(10), "the same mapping as components/aws/load-balancer.ts");
        const [, modify] = server!.received;
        assert.deepEqual(form(modify), {
            Action: "ModifyRule",
            Version: "2015-12-01",
            RuleArn: RULE,
            "Actions.member.1.Type": "authenticate-oidc",
            "Actions.member.1.Order": "1",
            "Actions.member.1.AuthenticateOidcConfig.Issuer": "https://login.acme.example",
            "Actions.member.1.AuthenticateOidcConfig.AuthorizationEndpoint": "https://login.acme.example/auth",
            "Actions.member.1.AuthenticateOidcConfig.TokenEndpoint": "https://login.acme.example/token",
            "Actions.member.1.AuthenticateOidcConfig.UserInfoEndpoint": "https://login.acme.example/userinfo",
            "Actions.member.1.AuthenticateOidcConfig.ClientId": "shop",
            "Actions.member.1.AuthenticateOidcConfig.UseExistingClientSecret": "true",
            "Actions.member.2.Type": "forward",
            "Actions.member.2.Order": "2",
            "Actions.member.2.ForwardConfig.TargetGroups.member.1.TargetGroupArn": STABLE,
            "Actions.member.2.ForwardConfig.TargetGroups.member.1.Weight": "90",
            "Actions.member.2.ForwardConfig.TargetGroups.member.2.TargetGroupArn": CANARY,
            "Actions.member.2.ForwardConfig.TargetGroups.member.2.Weight": "10",
            "Actions.member.2.ForwardConfig.TargetGroupStickinessConfig.Enabled": "true",
            "Actions.member.2.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds": "3600",
        });
    });

    it("sets the listener's default action with ModifyListener, turning a one-group forward into weighted groups", async () => {
        const single = `<member><Type>forward</Type><TargetGroupArn>${STABLE}</TargetGroupArn><ForwardConfig><TargetGroups><member><TargetGroupArn>${STABLE}</TargetGroupArn><Weight>1</Weight></member></TargetGroups><TargetGroupStickinessConfig><Enabled>false</Enabled></TargetGroupStickinessConfig></ForwardConfig></member>`;
        const router = await routerWith((req) => (form(req).Action === "DescribeListeners" ? xml(describeListeners(single)) : xml(`<ModifyListenerResponse xmlns="${NS}"><ModifyListenerResult><Listeners/></ModifyListenerResult></ModifyListenerResponse>`)), { ruleArn: undefined });
        assert.deepEqual((await router.readWeights()) as unknown, { supported: true, weights: { stable: 100, canary: 0 }, problems: ["target group backend-canary/2453ed029918f21f (track canary) is missing from the forward action of the default action of listener app/shop-backend/50dc6c495c0c9188/f2f7dc8efc522ab2"] });
        await router.setWeights({ stable: 0, canary: 100 });
        const modify = form(server!.received[2]);
        assert.equal(modify.Action, "ModifyListener");
        assert.equal(modify.ListenerArn, LISTENER);
        assert.equal(modify["DefaultActions.member.1.TargetGroupArn"], undefined, "ForwardConfig alone names several groups");
        assert.equal(modify["DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight"], "0");
        assert.equal(modify["DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn"], CANARY);
        assert.equal(modify["DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight"], "100");
        assert.equal(modify["DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled"], "false");
        assert.equal(modify.Port, undefined, "nothing else of the listener is sent");
    });

    it("refuses to set weights ECS owns, but reads them back", async () => {
        const router = await routerWith(() => xml(describeRules(forward([[STABLE, 999], [CANARY, 0]]))), { owner: "ecs" });
        await assert.rejects(router.setWeights({ stable: 0, canary: 100 }), (e: Error) => {
            assert.ok(e instanceof RouterError);
            assert.match(e.message, /ECS owns these weights .* shipgate only reads them back/);
            return true;
        });
        assert.equal(server!.received.length, 0, "nothing sent");
        assert.deepEqual((await router.readWeights()) as unknown, { supported: true, weights: { stable: 100, canary: 0 }, problems: [] });
    });

    it("refuses a split that does not sum to 100 or names no track, before calling AWS", async () => {
        const router = await routerWith(() => xml(describeRules(forward([[STABLE, 100]]))));
        await assert.rejects(router.setWeights({ stable: 60, canary: 30 }), /weights must sum to 100, got 90/);
        await assert.rejects(router.setWeights({ stable: 50, blue: 50 }), /no track blue/);
        assert.equal(server!.received.length, 0);
    });

    it("names the IAM action when AWS denies the call", async () => {
        const router = await routerWith(() =>
            error("AccessDenied", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: elasticloadbalancing:DescribeRules because no identity-based policy allows the elasticloadbalancing:DescribeRules action", 403),
        );
        await assert.rejects(router.readWeights(), (e: Error) => {
            assert.ok(e instanceof RouterError);
            assert.match(e.message, /^alb rule .*: reading rule arn:.* failed \(HTTP 403 AccessDenied: User: .* is not authorized.*\): the engine's AWS identity needs elasticloadbalancing:DescribeRules on arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule\//);
            return true;
        });
    });

    it("says the rule from the descriptor is gone when ELBv2 does not find it", async () => {
        const router = await routerWith(() => error("RuleNotFound", "One or more rules not found", 400));
        await assert.rejects(router.readWeights(), /failed \(HTTP 400 RuleNotFoundException: One or more rules not found\): arn:.*9683b2d02a6cabee \(from the service's router descriptor\) is gone; run `pulumi up`/);
    });

    it("stops when the signal aborts", async () => {
        const router = await routerWith(() => "hang");
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error("promotion cancelled")), 100);
        const started = Date.now();
        await assert.rejects(router.readWeights(controller.signal), (e: Error) => {
            assert.ok(e instanceof RouterError);
            assert.match(e.message, /reading rule .*: cancelled \(promotion cancelled\)$/);
            return true;
        });
        assert.ok(Date.now() - started < 5000);
    });
});
