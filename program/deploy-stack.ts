import * as pulumi from "@pulumi/pulumi";
import { Cloud } from "../components/config/schema";
import { DualStackIstio } from "../components/istio/dual-stack-istio";
import type { IpFamily } from "../components/target/cluster-facts";
import type { ClusterTarget } from "../components/target/cluster-target";
import { eksArgs, existingArgs, gkeArgs, type StackPlan } from "./stack-plan";

/** The root program's stack outputs. */
export interface StackOutputs {
    readonly cloud: string;
    readonly clusterName: string;
    readonly ipFamilies: readonly IpFamily[];
    readonly kubernetesVersion: string;
    /** A kubeconfig for the new cluster (secret); absent for an existing cluster, whose you have. */
    readonly kubeconfig?: pulumi.Output<string>;
    /** The control-plane endpoint of the new cluster. */
    readonly endpoint?: pulumi.Output<string>;
    /** GKE: the subnet's IPv6 /64, which nodes and pods take their IPv6 addresses from. */
    readonly subnetIpv6CidrRange?: pulumi.Output<string>;
    /** EKS: the VPC's Amazon-provided IPv6 /56, which every subnet's /64 comes from. */
    readonly vpcIpv6CidrBlock?: pulumi.Output<string>;
    readonly istioRevision: pulumi.Output<string>;
    readonly istiodImage: pulumi.Output<string>;
    readonly releaseStatuses: pulumi.Output<Record<string, string>>;
}

/** The name of the Istio component; its children are `istio-base`, `istio-istiod`, … */
export const MESH_NAME = "istio";

/**
 * The root program: the cluster a checked stack plan asks for, and dual-stack Istio on it. Taking
 * the plan, not the config, means the whole config was checked ({@link planStack}) before this
 * registers anything. Only the chosen cloud's package is loaded.
 */
export async function deployStack(plan: StackPlan): Promise<StackOutputs> {
    const { config } = plan;
    const cluster = await createCluster(plan);
    const mesh = new DualStackIstio(MESH_NAME, { ...config.istio, target: cluster.target });
    return {
        cloud: config.cloud,
        clusterName: config.clusterName,
        ipFamilies: cluster.target.ipFamilies,
        kubernetesVersion: cluster.target.kubernetesVersion,
        ...cluster.outputs,
        istioRevision: mesh.revision,
        istiodImage: mesh.istiodImage,
        releaseStatuses: mesh.releaseStatuses,
    };
}

interface CreatedCluster {
    readonly target: ClusterTarget;
    readonly outputs: Pick<StackOutputs, "kubeconfig" | "endpoint" | "subnetIpv6CidrRange" | "vpcIpv6CidrBlock">;
}

async function createCluster({ config, kubeconfig }: StackPlan): Promise<CreatedCluster> {
    switch (config.cloud) {
        case Cloud.Gcp: {
            const { GkeDualStackCluster } = await import("../components/gke/gke-dual-stack-cluster");
            const cluster = new GkeDualStackCluster(config.clusterName, gkeArgs(config));
            return {
                target: cluster.target,
                outputs: { kubeconfig: cluster.kubeconfig, endpoint: cluster.endpoint, subnetIpv6CidrRange: cluster.subnetIpv6CidrRange },
            };
        }
        case Cloud.Existing: {
            const { ExistingCluster } = await import("../components/existing/existing-cluster");
            // The kubeconfig the plan already read and checked, so the file is read once.
            const selected = kubeconfig ? { kubeconfig: kubeconfig.content, context: kubeconfig.context } : {};
            const cluster = new ExistingCluster(config.clusterName, { ...existingArgs(config), ...selected });
            return { target: cluster.target, outputs: {} };
        }
        case Cloud.Aws: {
            const { EksIpv6Cluster } = await import("../components/eks/eks-ipv6-cluster");
            const cluster = new EksIpv6Cluster(config.clusterName, eksArgs(config));
            return {
                target: cluster.target,
                outputs: { kubeconfig: cluster.kubeconfig, endpoint: cluster.endpoint, vpcIpv6CidrBlock: cluster.vpcIpv6CidrBlock },
            };
        }
    }
}
