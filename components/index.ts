// The public surface of pulumi-dualstack-istio.
export * from "./errors";
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
export * from "./config/clouds";
export * from "./config/schema";
export * from "./config/parse";
export * from "./config/sources";
export * from "./existing/kubeconfig";
export * from "./existing/plan";
export * from "./existing/existing-cluster";
// Cloud components live in their own entry points (`pulumi-dualstack-istio/gke`), so that
// importing the package loads no cloud provider SDK.
