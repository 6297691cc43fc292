import { ifKnown } from "./known";
import { owningServiceComponent } from "./resources";

/**
 * The AWS and Azure resources the rules read, as the engine names them, and what the rules need
 * to know about them. Like the Kubernetes side (resources.ts), a resource a shipgate component
 * created (an ancestor in its URN) is judged through the component's inputs where those decide;
 * the helpers here tell the rules which config key a fix goes to.
 */

export const AWS = {
    targetGroup: new Set(["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup", "aws:elasticloadbalancingv2/targetGroup:TargetGroup"]),
    listener: new Set(["aws:lb/listener:Listener", "aws:alb/listener:Listener", "aws:elasticloadbalancingv2/listener:Listener"]),
    listenerRule: new Set(["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule", "aws:elasticloadbalancingv2/listenerRule:ListenerRule"]),
    ecsService: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    lambdaFunction: "aws:lambda/function:Function",
    lambdaAlias: "aws:lambda/alias:Alias",
} as const;

export const AZURE = {
    containerApp: "azure-native:app:ContainerApp",
    webApp: new Set(["azure-native:web:WebApp", "azure-native:web:WebAppSlot"]),
    appSettings: new Set(["azure-native:web:WebAppApplicationSettings", "azure-native:web:WebAppApplicationSettingsSlot"]),
    appServicePlan: "azure-native:web:AppServicePlan",
} as const;

/** The service components whose children these are. */
export const ECS_COMPONENTS = new Set(["shipgate:aws:EcsService", "shipgate:aws:EcsNativeService"]);
export const LAMBDA_COMPONENT = "shipgate:aws:LambdaService";

/** ECS's own progressive strategies: ECS moves the listener rules' traffic and rolls back on alarms. */
export const ECS_NATIVE_STRATEGIES = new Set(["BLUE_GREEN", "CANARY", "LINEAR"]);

/** A copy of an array value (a proxied array, or anything else as empty). */
export function list(value: unknown): any[] {
    return Array.isArray(value) ? [...value] : [];
}

/** Whether a string is a non-empty health endpoint path. */
export function isHealthPath(value: unknown): value is string {
    return typeof value === "string" && value.startsWith("/");
}

/**
 * The service a shipgate component rendered a resource for, from the `shipgate:service` tag its
 * AWS and Azure children carry (undefined for a hand-written resource, or a tag unknown at preview).
 */
export function taggedService(props: Record<string, any>): string | undefined {
    const service = ifKnown(() => props.tags?.["shipgate:service"]);
    return typeof service === "string" && service ? service : undefined;
}

/** Whether a shipgate service component created the resource (its URN has one as an ancestor). */
export function ownedByService(urn: string): boolean {
    return owningServiceComponent(urn) !== undefined;
}

/** `shipgate:services.<name>.<field>` for a component's child, or a generic key when the name is not known. */
export function ownedServiceKey(props: Record<string, any>, field: string): string {
    return `shipgate:services.${taggedService(props) ?? "<service>"}.${field}`;
}

/** Whether an App Service setting (or connection string) value is a Key Vault reference. */
export function isKeyVaultReference(value: unknown): boolean {
    return typeof value === "string" && /^@Microsoft\.KeyVault\(.+\)$/i.test(value.trim());
}

/**
 * The lowest TLS version an ALB security policy accepts, from its name (ALBs take only the
 * predefined policies); undefined for a name this table does not know.
 */
export function sslPolicyMinTls(policy: string): "1.0" | "1.1" | "1.2" | "1.3" | undefined {
    if (/TLS13-1-3/.test(policy)) return "1.3";
    if (/(TLS13-1-2|TLS-1-2|FS-1-2)/.test(policy)) return "1.2";
    if (/(TLS13-1-1|TLS-1-1|FS-1-1)/.test(policy)) return "1.1";
    if (/(TLS13-1-0|TLS-1-0|^ELBSecurityPolicy-(FS-)?20\d\d-\d\d$)/.test(policy)) return "1.0";
    return undefined;
}

/** The policy AWS applies to an HTTPS listener that names none (it accepts TLS 1.0). */
export const AWS_DEFAULT_SSL_POLICY = "ELBSecurityPolicy-2016-08";

/** What an alarm watches, read from its plain inputs (never its dimensions: ARN suffixes are unknown at preview). */
export interface AlarmWatch {
    /** The metric names of the alarm and of its metric-math queries. */
    readonly metrics: readonly string[];
    /** The percentiles (95 for "p95") of the alarm and of its queries. */
    readonly percentiles: readonly number[];
}

function percentileOf(stat: unknown): number | undefined {
    const match = typeof stat === "string" ? /^p(\d+(?:\.\d+)?)$/i.exec(stat) : null;
    return match ? Number(match[1]) : undefined;
}

/** What a MetricAlarm watches; undefined when its metrics are not known at preview (then it may watch anything). */
export function alarmWatch(props: Record<string, any>): AlarmWatch | undefined {
    const metrics: string[] = [];
    const percentiles: number[] = [];
    const add = (metricName: unknown, stat: unknown): boolean => {
        if (typeof metricName === "string" && metricName) metrics.push(metricName);
        const p = percentileOf(stat);
        if (p !== undefined) percentiles.push(p);
        return true;
    };
    const top = ifKnown(() => add(props.metricName, props.extendedStatistic));
    const queries = ifKnown(() => list(props.metricQueries).map((q) => add(q?.metric?.metricName, q?.metric?.stat)));
    if (top === undefined || queries === undefined) return undefined;
    return { metrics, percentiles };
}
