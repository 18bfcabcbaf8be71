// EKS: import from `pulumi-dualstack-istio/eks`, so that only EKS users load @pulumi/aws.
export * from "./calendar";
export * from "./plan";
export * from "./iam";
export * from "./kubeconfig";
export * from "./load-balancer-controller";
export * from "./eks-ipv6-cluster";
export type { EksZoneSubnetPair } from "./network";
