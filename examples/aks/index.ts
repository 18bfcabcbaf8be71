import * as pulumi from "@pulumi/pulumi";
import { DualStackIstio } from "../../components";
import { AksDualStackCluster } from "../../components/aks";

const config = new pulumi.Config();

const cluster = new AksDualStackCluster("aks", {
    subscriptionId: config.require("subscriptionId"),
    location: config.get("location") ?? "westeurope",
    clusterName: config.get("clusterName") ?? "dualstack-aks",
    kubernetesVersion: config.get("kubernetesVersion"),
    nodes: { vmSize: config.get("vmSize") },
    authorizedIpRanges: config.getObject<string[]>("authorizedIpRanges"),
    deletionProtection: config.getBoolean("deletionProtection"),
});

// The gateway's Service gets one public IPv4 and one public IPv6 address, and the cluster's
// health-probe annotations (Istio's status port), from the target.
const mesh = new DualStackIstio("istio", {
    target: cluster.target,
    version: config.get("istioVersion"),
    hub: config.get("hub"),
    tag: config.get("tag"),
    gateway: { enabled: true },
});

export const clusterName = cluster.clusterName;
export const kubeconfig = cluster.kubeconfig;
export const endpoint = cluster.endpoint;
export const oidcIssuerUrl = cluster.oidcIssuerUrl;
export const istiodImage = mesh.istiodImage;
export const releaseStatuses = mesh.releaseStatuses;
