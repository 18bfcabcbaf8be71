import * as pulumi from "@pulumi/pulumi";
import { DualStackIstio, type IpFamily } from "../../components";
import { ExistingCluster } from "../../components/existing";

const config = new pulumi.Config();

// Checks the kubeconfig and context before anything is created; the kubeconfig is kept as a secret.
const cluster = new ExistingCluster("kind", {
    kubeconfig: config.get("kubeconfig") ?? "~/.kube/config",
    context: config.get("context") ?? "kind-dual-stack",
    kubernetesVersion: config.require("kubernetesVersion"),
    ipFamilies: config.getObject<IpFamily[]>("ipFamilies") ?? ["IPv4", "IPv6"],
});

const mesh = new DualStackIstio("istio", {
    target: cluster.target,
    version: config.get("istioVersion"),
    hub: config.get("hub"),
    tag: config.get("tag"),
    // kind has no load-balancer implementation: a LoadBalancer Service would never become ready.
    gateway: { enabled: true, serviceType: "NodePort" },
});

export const server = cluster.server;
export const istiodImage = mesh.istiodImage;
export const releaseStatuses = mesh.releaseStatuses;
