import * as pulumi from "@pulumi/pulumi";
import { cloudModule } from "../components/config/clouds";
import { DualStackIstio, PLANNED_ISTIO_ARGS } from "../components/istio/dual-stack-istio";
import type { IpFamily } from "../components/target/cluster-facts";
import type { DeployedCluster } from "../components/target/cloud-module";
import type { StackPlan } from "./stack-plan";

/**
 * The root program's stack outputs: these, the cloud's own (a kubeconfig, the endpoint, its IPv6
 * ranges: see each cloud's `deploy`), then Istio's.
 */
export interface StackOutputs {
    readonly cloud: string;
    readonly clusterName: string;
    readonly ipFamilies: readonly IpFamily[];
    readonly kubernetesVersion: string;
    /** The cloud's outputs, by name: e.g. `kubeconfig` (secret), `endpoint`, `subnetIpv6CidrRange`. */
    readonly [cloudOutput: string]: unknown;
    readonly istioRevision: pulumi.Output<string>;
    readonly istiodImage: pulumi.Output<string>;
    readonly releaseStatuses: pulumi.Output<Record<string, string>>;
}

/** The name of the Istio component; its children are `istio-base`, `istio-istiod`, … */
export const MESH_NAME = "istio";

/**
 * The root program: the cluster a checked stack plan asks for, and dual-stack Istio on it, both
 * built from that plan. Taking the plan, not the config, means the whole config was checked
 * ({@link planStack}) before this registers anything. Only the chosen cloud's package is loaded.
 */
export async function deployStack(plan: StackPlan): Promise<StackOutputs> {
    const { config } = plan;
    const cluster: DeployedCluster = await cloudModule(config.cloud).deploy(config, plan.cluster);
    const mesh = new DualStackIstio(MESH_NAME, PLANNED_ISTIO_ARGS.attach({ ...config.istio, target: cluster.target }, plan.istio));
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
