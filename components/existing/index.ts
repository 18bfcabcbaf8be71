// An existing cluster by kubeconfig: `pulumi-dualstack-istio/existing` (no cloud SDK).
export * from "./kubeconfig";
export * from "./plan";
export * from "./existing-cluster";
