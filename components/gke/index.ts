// GKE: import from `pulumi-dualstack-istio/gke`, so that only GKE users load @pulumi/gcp.
export * from "./plan";
export * from "./kubeconfig";
export * from "./gke-dual-stack-cluster";
