import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
import { DualStackIstio, type DualStackIstioArgs } from "../../components/istio/dual-stack-istio";
import type { ClusterFacts } from "../../components/target/cluster-facts";
import { type OfflineRun, type RecordedResource, runOffline } from "../../engine/offline-engine";

/** Stands in for a node pool: the resource a cluster component would list as "ready for workloads". */
export class FakeNodePool extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:NodePool", name, {});
    }
}

/** Runs a program with one cluster (provider + node pool) and a DualStackIstio on it. */
export function runMesh(settings: Omit<DualStackIstioArgs, "target">, facts: ClusterFacts = { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.33" }): Promise<OfflineRun> {
    return runOffline(() => {
        const provider = new Provider("cluster-k8s", { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") });
        const nodePool = new FakeNodePool("cluster-nodes");
        const mesh = new DualStackIstio("mesh", { ...settings, target: { ...facts, provider, readyForWorkloads: [nodePool] } });
        return { istiodImage: mesh.istiodImage, statuses: mesh.releaseStatuses, revision: mesh.revision };
    });
}

/** The one resource with this type and name; fails the test when there is not exactly one. */
export function only(run: OfflineRun, type: string, name: string): RecordedResource {
    const found = run.resources.filter((resource) => resource.type === type && resource.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} '${name}', found ${found.length}`);
    }
    return found[0];
}

export const RELEASE = "kubernetes:helm.sh/v3:Release";
export const NAMESPACE = "kubernetes:core/v1:Namespace";
export const SERVICE_PATCH = "kubernetes:core/v1:ServicePatch";
export const COMPONENT = "dualstack-istio:index:DualStackIstio";
export const PROVIDER_URN = "urn:pulumi:stack::project::pulumi:providers:kubernetes::cluster-k8s";
export const NODE_POOL_URN = "urn:pulumi:stack::project::test:index:NodePool::cluster-nodes";
export const urnOf = (type: string, name: string) => `urn:pulumi:stack::project::${COMPONENT}$${type}::${name}`;
