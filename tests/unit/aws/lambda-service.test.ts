import { strict as assert } from "node:assert";
import type * as awsComponents from "../../../components/aws";
import { BlueGreenReleaseInput } from "../../../components/release/blue-green";
import { CanaryReleaseInput } from "../../../components/release/canary";
import { planRelease, planRollback } from "../../../components/release/planner";
import { ReleaseState, ReleaseStateInput, parseReleaseState } from "../../../components/release/release-state";
import { ledgerFailures, publishedVersions } from "../helpers/cloud-mocks";
import { findResource, maybeResource, promiseOf, resourceNames } from "../helpers/pulumi-mocks";
import { T, build, freshStack, lambdaArgs, loadAws } from "./fixtures";

const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-backend";
const SETTLED: CanaryReleaseInput = { strategy: "canary", stable: "1.0.0" };
const BLUE_LIVE: BlueGreenReleaseInput = { strategy: "blueGreen", blue: "1.0.0", active: "blue" };

/** The live alias as Lambda gets it: its version and the additional versions' weights. */
function liveAlias(): { functionVersion: string; weights: Record<string, number> } {
    const alias = findResource(T.alias, "api-live").inputs;
    return { functionVersion: alias.functionVersion, weights: alias.routingConfig?.additionalVersionWeights ?? {} };
}

describe("LambdaService (a function's alias shifted between published versions)", () => {
    let aws: typeof awsComponents;

    before(async () => {
        aws = await loadAws();
    });
    beforeEach(() => freshStack());

    /** One `up` of the service at a release state (the stack's memory carries over). */
    const up = (release: ReleaseState | ReleaseStateInput, overrides = {}) =>
        build(() => new aws.LambdaService("api", lambdaArgs(release as CanaryReleaseInput, overrides)));

    it("publishes a container-image function and points the live alias at its version, with a function URL", async () => {
        const component = await up(SETTLED);
        const fn = findResource(T.lambdaFunction, "api");
        assert.equal(fn.inputs.packageType, "Image");
        assert.equal(fn.inputs.imageUri, `${IMAGE}:1.0.0`);
        assert.equal(fn.inputs.publish, true);
        assert.equal(fn.inputs.memorySize, 512, "from the memory limit");
        assert.equal(fn.inputs.environment.variables.AWS_LWA_PORT, "8080", "the Lambda Web Adapter's port");
        assert.equal(fn.inputs.environment.variables.AWS_LWA_READINESS_CHECK_PATH, "/health");
        assert.deepEqual(liveAlias(), { functionVersion: "1", weights: {} });
        assert.equal(findResource(T.alias, "api-live").inputs.name, "live");
        assert.deepEqual(resourceNames(T.alias), ["api-live"]);
        assert.equal(findResource(T.functionUrl, "api-live").inputs.authorizationType, "AWS_IAM");
        assert.equal(findResource(T.functionUrl, "api-live").inputs.qualifier, "live");
        assert.equal(await promiseOf(component.endpoint), "https://live-api-fn.lambda-url.eu-west-1.on.aws/");
        assert.equal(await promiseOf(component.previewEndpoint), undefined);
    });

    it("walks a canary: the canary's share is a FRACTION on the live alias at each step, then the alias moves to the new version", async () => {
        await up(SETTLED);
        const steps = planRelease(parseReleaseState(SETTLED), { version: "2.0.0" }).steps;
        const seen: { kind: string; alias: ReturnType<typeof liveAlias>; code: string }[] = [];
        for (const step of steps) {
            await up(step.state);
            seen.push({ kind: step.kind, alias: liveAlias(), code: findResource(T.lambdaFunction, "api").inputs.imageUri });
        }
        assert.deepEqual(seen, [
            { kind: "canary-weight", alias: { functionVersion: "1", weights: { "2": 0.25 } }, code: `${IMAGE}:2.0.0` },
            { kind: "canary-weight", alias: { functionVersion: "1", weights: { "2": 0.5 } }, code: `${IMAGE}:2.0.0` },
            // Lambda routes at most the remainder to an additional version: 100% is the alias' own version.
            { kind: "canary-weight", alias: { functionVersion: "2", weights: {} }, code: `${IMAGE}:2.0.0` },
            { kind: "canary-promote", alias: { functionVersion: "2", weights: {} }, code: `${IMAGE}:2.0.0` },
            { kind: "canary-finalize", alias: { functionVersion: "2", weights: {} }, code: `${IMAGE}:2.0.0` },
        ]);
        assert.deepEqual(
            publishedVersions("api-fn").map((p) => [p.version, p.imageUri]),
            [
                ["1", `${IMAGE}:1.0.0`],
                ["2", `${IMAGE}:2.0.0`],
            ],
            "one version per artifact: the later steps move the alias only",
        );
    });

    it("reaches the canary alone through the preview alias while it gets traffic", async () => {
        await up(SETTLED);
        const component = await up({ ...SETTLED, canary: "2.0.0", weight: 25 });
        const preview = findResource(T.alias, "api-preview").inputs;
        assert.equal(preview.name, "preview");
        assert.equal(preview.functionVersion, "2");
        assert.equal(await promiseOf(component.previewEndpoint), "https://preview-api-fn.lambda-url.eu-west-1.on.aws/");
        assert.equal(await promiseOf(component.weight), 25);
        assert.deepEqual(await promiseOf(component.versions), { stable: "1", canary: "2" });
        const tracks: any = await promiseOf(component.tracks);
        assert.deepEqual(tracks.canary.cloudwatch, { kind: "lambda", functionName: "api-fn", alias: "live", version: "2" });
        assert.equal(tracks.stable.weight, 75);
    });

    it("rolls back traffic first to the version that already runs the stable artifact, publishing nothing", async () => {
        await up(SETTLED);
        const current = parseReleaseState({ ...SETTLED, canary: "2.0.0", weight: 50 });
        await up({ ...SETTLED, canary: "2.0.0", weight: 25 });
        await up(current);
        const [first, last] = planRollback(current, parseReleaseState(SETTLED));
        await up(first.state);
        assert.deepEqual(liveAlias(), { functionVersion: "1", weights: {} }, "all traffic back on version 1 at once");
        assert.equal(publishedVersions("api-fn").length, 2);
        await up(last.state);
        assert.equal(liveAlias().functionVersion, "3", "the code follows the stable artifact again: an identical version is published");
        assert.equal(publishedVersions("api-fn")[2].imageUri, `${IMAGE}:1.0.0`);
    });

    it("switches blue-green by moving the alias 100/0 between two published versions, the idle color on the preview alias", async () => {
        await up(BLUE_LIVE);
        const [deploy, switchOver, scaleDown] = planRelease(parseReleaseState(BLUE_LIVE), { version: "2.0.0" }).steps;
        let component = await up(deploy.state);
        assert.deepEqual(liveAlias(), { functionVersion: "1", weights: {} });
        assert.equal(findResource(T.alias, "api-preview").inputs.functionVersion, "2");
        assert.equal(await promiseOf(component.activeColor), "blue");
        component = await up(switchOver.state);
        assert.deepEqual(liveAlias(), { functionVersion: "2", weights: {} });
        assert.equal(findResource(T.alias, "api-preview").inputs.functionVersion, "1", "blue stays reachable as the rollback target");
        assert.equal(findResource(T.lambdaFunction, "api").inputs.imageUri, `${IMAGE}:2.0.0`, "the switch publishes nothing");
        component = await up(scaleDown.state);
        assert.equal(maybeResource(T.alias, "api-preview"), undefined);
        assert.equal(await promiseOf(component.version), "2.0.0");
        assert.deepEqual(publishedVersions("api-fn").map((p) => p.version), ["1", "2"]);
        // Rolling back after the switch moves the alias back to version 1 without a publish.
        await up({ ...(switchOver.state as object), active: "blue" } as ReleaseState);
        assert.deepEqual(liveAlias(), { functionVersion: "1", weights: {} });
        assert.equal(publishedVersions("api-fn").length, 2);
    });

    it("cannot publish two new artifacts in one update, and says what to do", async () => {
        await up({ ...SETTLED, canary: "2.0.0", weight: 25 });
        assert.equal(ledgerFailures.length, 1);
        assert.match(ledgerFailures[0].failure, /^stable \(1\.0\.0\) and canary \(2\.0\.0\) have no published version yet, and a Lambda function publishes one version per update: deploy stable alone first/);
    });

    it("makes public URLs invokable (InvokeFunctionUrl and InvokeFunction through the URL) only with authType NONE", async () => {
        await up(SETTLED, { functionUrl: { authType: "NONE" } });
        assert.deepEqual(resourceNames(T.permission), ["api-live-invoke", "api-live-url"]);
        assert.equal(findResource(T.permission, "api-live-url").inputs.functionUrlAuthType, "NONE");
        assert.equal(findResource(T.permission, "api-live-invoke").inputs.invokedViaFunctionUrl, true);
        freshStack();
        const component = await up(SETTLED, { functionUrl: false });
        assert.deepEqual(resourceNames(T.functionUrl), []);
        assert.equal(await promiseOf(component.endpoint), "arn:aws:lambda:eu-west-1:123456789012:function:api-fn:live");
    });

    it("alarms on the live alias' error share and p95 Duration", async () => {
        await up(SETTLED);
        const errors = findResource(T.alarm, "api-errors");
        assert.equal(errors.inputs.threshold, 0.05);
        assert.deepEqual(errors.inputs.metricQueries[0].metric.dimensions, { FunctionName: "api-fn", Resource: "api-fn:live" });
        assert.equal(errors.inputs.metricQueries[2].expression, "IF(invocations > 0, FILL(errors, 0) / invocations, 0)");
        const p95 = findResource(T.alarm, "api-p95");
        assert.equal(p95.inputs.extendedStatistic, "p95");
        assert.equal(p95.inputs.metricName, "Duration");
        assert.equal(p95.inputs.threshold, 400, "Lambda's Duration is in milliseconds");
    });

    it("refuses secret references and rolling-update knobs Lambda has no use for", () => {
        assert.throws(
            () =>
                new aws.LambdaService(
                    "api",
                    lambdaArgs({ strategy: "rolling", current: "1.0.0", maxSurge: 1 }, { memoryMb: 64 }, { secretEnv: { TOKEN: { secretName: "arn:aws:secretsmanager:eu-west-1:1:secret:x", key: "t" } } }),
                ),
            (e: Error & { problems?: { path: string; message: string }[] }) => {
                const paths = e.problems!.map((p) => p.path);
                assert.deepEqual(paths, ["memoryMb", "service.secretEnv.TOKEN", "service.release.maxSurge"]);
                assert.match(e.problems![1].message, /Lambda environment variables cannot reference a secret/);
                return true;
            },
        );
    });
});
