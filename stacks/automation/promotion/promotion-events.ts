import type { GateResult, PromotionRecord, VerificationSummary } from "../records/promotion-record";
import type { WriteBackRecord } from "../records/write-back-record";
import type { AnalysisEvent } from "../verify";

/** What a run reports as it goes, for the live terminal view, CI output and the JSON log. */
export type PromotionEvent =
    | {
          readonly type: "plan";
          readonly id: string;
          readonly version: string;
          readonly stages: readonly { stage: string; services: readonly { service: string; from: string; steps: readonly { index: number; kind: string; summary: string }[] }[] }[];
      }
    | { readonly type: "gate"; readonly gate: GateResult }
    | { readonly type: "stage-start"; readonly stage: string }
    | { readonly type: "step-start"; readonly stage: string; readonly service: string; readonly index: number; readonly total: number; readonly kind: string; readonly summary: string }
    | { readonly type: "waiting"; readonly stage: string; readonly service: string; readonly seconds: number; readonly why: string }
    | {
          readonly type: "step-applied";
          readonly stage: string;
          readonly service: string;
          readonly index: number;
          readonly engineMs: number;
          readonly traffic: Readonly<Record<string, number>>;
          readonly routerWeights?: Readonly<Record<string, number>>;
          readonly router?: string;
          readonly readBackUnsupported?: string;
      }
    | { readonly type: "analysis"; readonly stage: string; readonly service: string; readonly event: AnalysisEvent }
    | { readonly type: "step-done"; readonly stage: string; readonly service: string; readonly index: number; readonly verification: VerificationSummary }
    | { readonly type: "hook"; readonly point: string; readonly name: string; readonly outcome: string; readonly detail: string }
    | { readonly type: "rollback-start"; readonly stage: string; readonly reason: string }
    | { readonly type: "rollback-step"; readonly stage: string; readonly service: string; readonly summary: string; readonly engineMs: number }
    | {
          readonly type: "traffic-restored";
          readonly stage: string;
          readonly afterMs: number;
          /** router: set at the routers directly; up: by the restore's `up` (slowPath says why). */
          readonly path: "router" | "up";
          readonly slowPath?: string;
      }
    | { readonly type: "write-back"; readonly writeBack: WriteBackRecord }
    | { readonly type: "finished"; readonly record: PromotionRecord };

export type PromotionListener = (event: PromotionEvent) => void;
