// The public surface of pulumi-dualstack-istio.
export * from "./errors";
export * from "./target/cluster-facts";
export type { ClusterTarget } from "./target/cluster-target";
export * from "./istio/versions";
export * from "./istio/settings";
export * from "./istio/values";
export * from "./istio/charts";
export * from "./istio/plan";
export * from "./istio/operator";
export * from "./istio/dual-stack-istio";
