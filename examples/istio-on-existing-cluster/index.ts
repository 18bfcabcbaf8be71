import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
import { DualStackIstio, type IpFamily } from "../../components";

const config = new pulumi.Config();

// The provider reads your kubeconfig ($KUBECONFIG or ~/.kube/config) at the given context.
const provider = new Provider("cluster", { context: config.require("context") });

const mesh = new DualStackIstio("mesh", {
    target: {
        provider,
        ipFamilies: config.getObject<IpFamily[]>("ipFamilies") ?? ["IPv4", "IPv6"],
        kubernetesVersion: config.require("kubernetesVersion"),
    },
    version: config.get("istioVersion"),
    hub: config.get("hub"),
    tag: config.get("tag"),
    // kind has no load-balancer implementation: a LoadBalancer Service would never become ready.
    gateway: { enabled: true, serviceType: "NodePort" },
});

export const istiodImage = mesh.istiodImage;
export const releaseStatuses = mesh.releaseStatuses;
