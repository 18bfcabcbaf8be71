// The root Pulumi program (Pulumi.yaml `main`): one stack = one cluster with dual-stack Istio.
import { rootProgram } from "./root-program";

const outputs = rootProgram();

export const cloud = outputs.then((o) => o.cloud);
export const clusterName = outputs.then((o) => o.clusterName);
export const ipFamilies = outputs.then((o) => o.ipFamilies);
export const kubernetesVersion = outputs.then((o) => o.kubernetesVersion);
export const kubeconfig = outputs.then((o) => o.kubeconfig);
export const endpoint = outputs.then((o) => o.endpoint);
export const subnetIpv6CidrRange = outputs.then((o) => o.subnetIpv6CidrRange);
export const vpcIpv6CidrBlock = outputs.then((o) => o.vpcIpv6CidrBlock);
export const istioRevision = outputs.then((o) => o.istioRevision);
export const istiodImage = outputs.then((o) => o.istiodImage);
export const releaseStatuses = outputs.then((o) => o.releaseStatuses);
