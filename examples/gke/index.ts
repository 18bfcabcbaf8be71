import * as pulumi from "@pulumi/pulumi";
import { DualStackIstio } from "../../components";
import { GkeDualStackCluster, type Ipv6AccessType } from "../../components/gke";

const config = new pulumi.Config();
const gcpConfig = new pulumi.Config("gcp");

const cluster = new GkeDualStackCluster("gke", {
    project: gcpConfig.require("project"),
    region: config.require("region"),
    clusterName: config.get("clusterName") ?? "dualstack-gke",
    kubernetesVersion: config.get("kubernetesVersion"),
    ipv6AccessType: config.get<Ipv6AccessType>("ipv6AccessType"),
    authorizedNetworks: config.getObject<string[]>("authorizedNetworks"),
    deletionProtection: config.getBoolean("deletionProtection"),
});

const mesh = new DualStackIstio("istio", {
    target: cluster.target,
    version: config.get("istioVersion"),
    hub: config.get("hub"),
    tag: config.get("tag"),
    gateway: { enabled: true },
});

export const clusterName = cluster.clusterName;
export const kubeconfig = cluster.kubeconfig;
export const subnetIpv6CidrRange = cluster.subnetIpv6CidrRange;
export const istiodImage = mesh.istiodImage;
export const releaseStatuses = mesh.releaseStatuses;
