// AKS: import from `pulumi-dualstack-istio/aks`, so that only AKS users load @pulumi/azure-native.
export * from "./calendar";
export * from "./plan";
export * from "./kubeconfig";
export * from "./aks-dual-stack-cluster";
