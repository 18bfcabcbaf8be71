import * as pulumi from "@pulumi/pulumi";
import { DualStackIstio } from "../../components";
import { EksIpv6Cluster } from "../../components/eks";

const config = new pulumi.Config();

const cluster = new EksIpv6Cluster("eks", {
    region: config.require("region"),
    clusterName: config.get("clusterName") ?? "dualstack-eks",
    kubernetesVersion: config.get("kubernetesVersion"),
    nodes: { instanceType: config.get("instanceType") },
    publicAccessCidrs: config.getObject<string[]>("publicAccessCidrs"),
    deletionProtection: config.getBoolean("deletionProtection"),
});

// The gateway's Service gets the cluster's dual-stack NLB annotations from the target.
const mesh = new DualStackIstio("istio", {
    target: cluster.target,
    version: config.get("istioVersion"),
    hub: config.get("hub"),
    tag: config.get("tag"),
    gateway: { enabled: true },
});

export const clusterName = cluster.clusterName;
export const kubeconfig = cluster.kubeconfig;
export const vpcIpv6CidrBlock = cluster.vpcIpv6CidrBlock;
export const serviceIpv6Cidr = cluster.serviceIpv6Cidr;
export const istiodImage = mesh.istiodImage;
export const releaseStatuses = mesh.releaseStatuses;
