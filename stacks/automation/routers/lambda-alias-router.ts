import { type AliasConfiguration, GetAliasCommand, LambdaClient, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { DescriptorOf } from "../../../components/release";
import { awsClientConfig, awsRouterError, sharedTargets } from "./cloud-access";
import { Router, RouterContext, RouterError, RouterReading, TrackWeights, checkWeights } from "./router";

/**
 * A Lambda alias weighted between two published versions: `FunctionVersion` takes what
 * `RoutingConfig.AdditionalVersionWeights` (fractions 0-1) leaves. The same mapping as
 * the AWS Lambda component (`aliasRouting`): percent = fraction × 100.
 */
export class LambdaAliasRouter implements Router {
    readonly kind = "lambdaAlias";
    readonly switchesByAction = false;
    readonly name: string;
    private readonly client: LambdaClient;

    constructor(
        private readonly descriptor: DescriptorOf<"lambdaAlias">,
        context: RouterContext,
    ) {
        this.name = `lambda alias ${descriptor.functionName}:${descriptor.alias}`;
        this.client = new LambdaClient(awsClientConfig(descriptor.region, context));
    }

    async readWeights(signal?: AbortSignal): Promise<RouterReading> {
        const shared = sharedTargets(this.descriptor.versions);
        const alias = await this.alias(signal);
        if (shared) return { supported: false, reason: `${shared} (version ${alias.FunctionVersion} takes all of the alias)` };
        const extra = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
        const problems: string[] = [];
        const byVersion: Record<string, number> = {};
        let rest = 100;
        for (const [version, fraction] of Object.entries(extra)) {
            const percent = Math.round(fraction * 100);
            byVersion[version] = (byVersion[version] ?? 0) + percent;
            rest -= percent;
        }
        const primary = alias.FunctionVersion ?? "";
        byVersion[primary] = (byVersion[primary] ?? 0) + rest;
        const weights: Record<string, number> = {};
        for (const [track, version] of Object.entries(this.descriptor.versions)) weights[track] = byVersion[version] ?? 0;
        const known = new Set(Object.values(this.descriptor.versions));
        for (const [version, percent] of Object.entries(byVersion)) {
            if (!known.has(version) && percent > 0) problems.push(`the alias sends ${percent}% to version ${version}, which no track runs (tracks run ${this.versionList()})`);
        }
        return { supported: true, weights, problems };
    }

    async setWeights(weights: TrackWeights, signal?: AbortSignal): Promise<void> {
        const { versions, functionName, alias: aliasName } = this.descriptor;
        checkWeights(this.name, weights, Object.keys(versions));
        const carrying = Object.keys(versions).filter((t) => (weights[t] ?? 0) > 0);
        if (carrying.length > 2) throw new RouterError(this.name, `an alias routes to at most two versions, asked for ${carrying.join(", ")}`);
        const alias = await this.alias(signal);
        // The primary stays where the alias has it while it keeps traffic (a canary's stable
        // track at 25%, as the component keeps it), else it is the track with the most.
        const current = carrying.find((t) => versions[t] === alias.FunctionVersion);
        const primary = current ?? [...carrying].sort((a, b) => (weights[b] ?? 0) - (weights[a] ?? 0))[0];
        const candidate = carrying.find((t) => t !== primary);
        const additional: Record<string, number> = {};
        if (candidate && versions[candidate] !== versions[primary]) additional[versions[candidate]] = weights[candidate] / 100;
        // One UpdateAlias moves both shares at once. RoutingConfig is always sent: left out, Lambda
        // keeps the old additional version. RevisionId refuses the write if the alias changed since.
        const request = {
            FunctionName: functionName,
            Name: aliasName,
            FunctionVersion: versions[primary],
            RoutingConfig: { AdditionalVersionWeights: additional },
            ...(alias.RevisionId ? { RevisionId: alias.RevisionId } : {}),
        };
        try {
            await this.client.send(new UpdateAliasCommand(request), { abortSignal: signal });
        } catch (err) {
            throw awsRouterError(this.name, { asked: `updating alias ${aliasName} of ${functionName}`, permission: "lambda:UpdateAlias", resource: this.arnHint() }, err, signal);
        }
    }

    private async alias(signal?: AbortSignal): Promise<AliasConfiguration> {
        const { functionName, alias } = this.descriptor;
        try {
            return await this.client.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }), { abortSignal: signal });
        } catch (err) {
            throw awsRouterError(this.name, { asked: `reading alias ${alias} of ${functionName}`, permission: "lambda:GetAlias", resource: this.arnHint() }, err, signal);
        }
    }

    private arnHint(): string {
        return `function ${this.descriptor.functionName} alias ${this.descriptor.alias} (region ${this.descriptor.region})`;
    }

    private versionList(): string {
        return Object.entries(this.descriptor.versions)
            .map(([t, v]) => `${t} ${v}`)
            .join(", ");
    }
}
