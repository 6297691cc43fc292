// A stand-in for a Gateway's data plane (no proxy image runs here), on loopback: each request is
// routed by the HTTPRoute as the API server holds it now (a header rule first, else the
// weighted rule), and answered with the health the test gave the Service it lands on. So what
// shipgate reads at `router.externalUrl` is what the route it wrote does with a request.
import * as k8s from "@kubernetes/client-node";
import * as http from "node:http";
import { AddressInfo } from "node:net";

export type Answer = "ok" | "error";

export interface RouteDataPlane {
    readonly url: string;
    /** Every request answered: the Service it reached and the header it carried. */
    readonly requests: { service: string; header?: string }[];
    answer(service: string, status: Answer): void;
    close(): Promise<void>;
}

interface Rule {
    matches?: { headers?: { name: string; value: string }[] }[];
    backendRefs?: { name: string; weight?: number }[];
}

function pick(rule: Rule): string | undefined {
    const refs = (rule.backendRefs ?? []).filter((r) => (r.weight ?? 1) > 0);
    let at = Math.random() * refs.reduce((sum, r) => sum + (r.weight ?? 1), 0);
    for (const r of refs) {
        at -= r.weight ?? 1;
        if (at < 0) return r.name;
    }
    return refs[refs.length - 1]?.name;
}

export async function startRouteDataPlane(objects: k8s.KubernetesObjectApi, namespace: string, httpRoute: string, headerName: string): Promise<RouteDataPlane> {
    const answers = new Map<string, Answer>();
    const requests: { service: string; header?: string }[] = [];
    const server = http.createServer((req, res) => {
        void (async () => {
            const header = req.headers[headerName.toLowerCase()] as string | undefined;
            const route = (await objects.read({ apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: httpRoute, namespace } })) as {
                spec: { rules: Rule[] };
            };
            const rules = route.spec.rules;
            const byHeader = rules.find((r) => r.matches?.some((m) => m.headers?.length && m.headers.every((h) => h.name.toLowerCase() === headerName.toLowerCase() && h.value === header)));
            const service = pick(byHeader ?? rules.find((r) => !r.matches?.some((m) => m.headers?.length)) ?? {});
            if (!service) {
                res.writeHead(503).end("no backend");
                return;
            }
            requests.push({ service, ...(header ? { header } : {}) });
            const status = answers.get(service) ?? "ok";
            res.writeHead(status === "ok" ? 200 : 503, { "content-type": "application/json" });
            res.end(JSON.stringify({ status, checks: { database: status === "ok" }, timestamp: new Date().toISOString(), service }));
        })().catch((err: Error) => {
            if (!res.headersSent) res.writeHead(502).end(`route unreadable: ${err.message}`);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests,
        answer: (service, status) => void answers.set(service, status),
        close: () =>
            new Promise((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
