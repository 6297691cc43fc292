import {
    type Action,
    DescribeListenersCommand,
    DescribeRulesCommand,
    ElasticLoadBalancingV2Client,
    ModifyListenerCommand,
    ModifyRuleCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescriptorOf } from "../../../components/release";
import { CallFailure, awsClientConfig, awsRouterError, percentShares } from "./cloud-access";
import { Router, RouterContext, RouterError, RouterReading, TrackWeights, checkWeights } from "./router";

/**
 * A track's percentage as the ALB weight: the same number, as the AWS load-balancer component
 * `albWeight` writes it (not imported: that module loads @pulumi/aws, seconds at every start).
 * ALB weights are relative (0-999), so a percentage is a valid weight as it is.
 */
export function albWeightOf(percent: number): number {
    return percent;
}

/** One ALB listener rule's (or listener default action's) forward weights. */
export class AlbRouter implements Router {
    readonly kind = "alb";
    readonly switchesByAction = false;
    readonly name: string;
    private readonly client: ElasticLoadBalancingV2Client;

    constructor(
        private readonly descriptor: DescriptorOf<"alb">,
        context: RouterContext,
    ) {
        this.name = descriptor.ruleArn ? `alb rule ${arnTail(descriptor.ruleArn)}` : `alb listener ${arnTail(descriptor.listenerArn)}`;
        this.client = new ElasticLoadBalancingV2Client(awsClientConfig(descriptor.region, context));
    }

    async readWeights(signal?: AbortSignal): Promise<RouterReading> {
        const actions = await this.actions(signal);
        const forward = actions.find((a) => a.Type === "forward");
        const tracks = Object.entries(this.descriptor.targetGroups);
        if (!forward) {
            const types = actions.map((a) => a.Type).join(", ") || "none";
            return { supported: true, weights: Object.fromEntries(tracks.map(([t]) => [t, 0])), problems: [`${this.subject()} does not forward (its actions: ${types})`] };
        }
        const groups = forwardGroups(forward);
        const shares = percentShares(Object.fromEntries(groups.map((g) => [g.arn, g.weight])));
        const problems: string[] = [];
        const weights: Record<string, number> = {};
        for (const [track, arn] of tracks) {
            if (!(arn in shares)) problems.push(`target group ${arnTail(arn)} (track ${track}) is missing from the forward action of ${this.subject()}`);
            weights[track] = shares[arn] ?? 0;
        }
        const known = new Set(tracks.map(([, arn]) => arn));
        for (const g of groups.filter((g) => !known.has(g.arn))) {
            problems.push(`${this.subject()} also forwards to target group ${arnTail(g.arn)} (${fmt(shares[g.arn])}%), which no track names`);
        }
        return { supported: true, weights, problems };
    }

    async setWeights(weights: TrackWeights, signal?: AbortSignal): Promise<void> {
        if (this.descriptor.owner === "ecs") {
            throw new RouterError(
                this.name,
                "ECS owns these weights (the service's native blue/green, linear or canary deployment rewrites the rule): shipgate only reads them back. Stop or roll back the ECS deployment instead (aws ecs update-service, or the release's rollback)",
            );
        }
        checkWeights(this.name, weights, Object.keys(this.descriptor.targetGroups));
        const actions = await this.actions(signal);
        const index = actions.findIndex((a) => a.Type === "forward");
        if (index < 0) throw new RouterError(this.name, `${this.subject()} has no forward action to weigh; \`pulumi up\` restores it`);
        const forward = actions[index];
        const tracked = new Set(Object.values(this.descriptor.targetGroups));
        // One request carries every weight, so the ALB switches them together: no order to keep.
        // Groups no track names stay attached at 0, as the component keeps idle groups attached.
        const targetGroups = [
            ...Object.entries(this.descriptor.targetGroups).map(([track, arn]) => ({ TargetGroupArn: arn, Weight: albWeightOf(weights[track] ?? 0) })),
            ...forwardGroups(forward)
                .filter((g) => !tracked.has(g.arn))
                .map((g) => ({ TargetGroupArn: g.arn, Weight: 0 })),
        ];
        // With several groups only ForwardConfig may name them (TargetGroupArn is its one-group shorthand).
        const { TargetGroupArn: _single, ...rest } = forward;
        void _single;
        const replaced: Action = { ...rest, ForwardConfig: { ...forward.ForwardConfig, TargetGroups: targetGroups } };
        const next = actions.map((a, i) => (i === index ? replaced : keepSecret(a)));
        const { ruleArn, listenerArn } = this.descriptor;
        const failure: CallFailure = ruleArn
            ? { asked: `setting the weights of rule ${ruleArn}`, permission: "elasticloadbalancing:ModifyRule", resource: ruleArn }
            : { asked: `setting the default action weights of listener ${listenerArn}`, permission: "elasticloadbalancing:ModifyListener", resource: listenerArn };
        try {
            if (ruleArn) await this.client.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: next }), { abortSignal: signal });
            else await this.client.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: next }), { abortSignal: signal });
        } catch (err) {
            throw awsRouterError(this.name, failure, err, signal);
        }
    }

    private subject(): string {
        return this.descriptor.ruleArn ? `rule ${arnTail(this.descriptor.ruleArn)}` : `the default action of listener ${arnTail(this.descriptor.listenerArn)}`;
    }

    private async actions(signal?: AbortSignal): Promise<Action[]> {
        const { ruleArn, listenerArn } = this.descriptor;
        if (ruleArn) {
            const failure = { asked: `reading rule ${ruleArn}`, permission: "elasticloadbalancing:DescribeRules", resource: ruleArn };
            try {
                const out = await this.client.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }), { abortSignal: signal });
                const rule = out.Rules?.find((r) => r.RuleArn === ruleArn);
                if (!rule) throw new RouterError(this.name, `rule ${ruleArn} is not on the load balancer any more; \`pulumi up\` recreates it`);
                return rule.Actions ?? [];
            } catch (err) {
                throw err instanceof RouterError ? err : awsRouterError(this.name, failure, err, signal);
            }
        }
        const failure = { asked: `reading listener ${listenerArn}`, permission: "elasticloadbalancing:DescribeListeners", resource: listenerArn };
        try {
            const out = await this.client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }), { abortSignal: signal });
            const listener = out.Listeners?.find((l) => l.ListenerArn === listenerArn);
            if (!listener) throw new RouterError(this.name, `listener ${listenerArn} is not on the load balancer any more; \`pulumi up\` recreates it`);
            return listener.DefaultActions ?? [];
        } catch (err) {
            throw err instanceof RouterError ? err : awsRouterError(this.name, failure, err, signal);
        }
    }
}

/** The groups a forward action weighs; a one-group forward (TargetGroupArn alone) takes all traffic. */
function forwardGroups(action: Action): { arn: string; weight: number }[] {
    const groups = action.ForwardConfig?.TargetGroups ?? [];
    if (groups.length) return groups.filter((g) => g.TargetGroupArn).map((g) => ({ arn: g.TargetGroupArn!, weight: g.Weight ?? 1 }));
    return action.TargetGroupArn ? [{ arn: action.TargetGroupArn, weight: 1 }] : [];
}

/** DescribeRules never returns an OIDC client secret: resending the action must say to keep the existing one. */
function keepSecret(action: Action): Action {
    const oidc = action.AuthenticateOidcConfig;
    return oidc && oidc.ClientSecret === undefined ? { ...action, AuthenticateOidcConfig: { ...oidc, UseExistingClientSecret: true } } : action;
}

/** `…:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee` → `app/shop/…/9683b2d02a6cabee`. */
function arnTail(arn: string): string {
    const slash = arn.indexOf("/");
    return slash >= 0 ? arn.slice(slash + 1) : arn;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
