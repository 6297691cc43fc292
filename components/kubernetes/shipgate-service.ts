// The platform-neutral contract lives beside the platforms; the Kubernetes components implement it.
export type { ShipgateService, TrackStatus, Tracks } from "../contract";
