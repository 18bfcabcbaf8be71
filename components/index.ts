// The public surface of pulumi-dualstack-istio: the Istio component, its planning helpers, and
// the seam between a cluster and what is installed on it. Each cluster is an entry point of its
// own (`pulumi-dualstack-istio/gke`, `/eks`, `/aks`, `/existing`), so importing this one loads
// no cloud provider SDK. api/*.api.md records each surface; a test fails when it changes unannounced.
export { InputError, formatWarning, type InputWarning } from "./errors";
export * from "./target/cluster-facts";
export type { ClusterTarget } from "./target/cluster-target";
export { RELEASE_DEFAULTS } from "./target/release-defaults";
export type { CalendarProvenance } from "./support-calendar";
export * from "./istio/versions";
export * from "./istio/settings";
export * from "./istio/values";
export * from "./istio/charts";
export * from "./istio/plan";
export * from "./istio/operator";
export * from "./istio/dual-stack-istio";
