import { TrackStatus } from "../contract";

/**
 * Where Azure Monitor has one track's traffic, as the release engine's Azure Monitor source reads
 * it from the stack outputs (stacks/automation/verify/azure-monitor-source.ts parses the same
 * shape; the automation never imports components, so the shape is the contract).
 */
export type AzureMonitorTarget =
    | {
          readonly kind: "containerApp";
          /** The Container App's resource ID (metrics `Requests`, split by `revisionName` and `statusCodeCategory`). */
          readonly resourceId: string;
          /** The revision this track runs, `<app>--<suffix>`; Application Insights' `AppRoleInstance` starts with it. */
          readonly revision: string;
      }
    | {
          readonly kind: "appService";
          /** The site's or the slot's resource ID (metrics `Requests` and `Http5xx`). */
          readonly resourceId: string;
          /** The cloud role name the slot reports to Application Insights (its sticky OTEL_SERVICE_NAME). */
          readonly roleName: string;
      };

/** A track on Azure: the contract's status plus where its metrics are. */
export interface AzureTrackStatus extends TrackStatus {
    readonly azureMonitor: AzureMonitorTarget;
}
