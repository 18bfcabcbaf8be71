import { InputError } from "../errors";
import { type ClusterFacts, IpFamily, isDualStack, KubernetesPlatform, parseKubernetesVersion, validateIpFamilies } from "../target/cluster-facts";
import { PlannedArgs } from "../target/planned-args";
import { selectKubeconfig, type SelectedKubeconfig } from "./kubeconfig";

/** Arguments of `ExistingCluster`. */
export interface ExistingClusterArgs {
    /**
     * The cluster's kubeconfig: a file path (`~` allowed, relative paths from the working
     * directory) or the kubeconfig's content. It is read once, at plan time, and kept as a secret.
     */
    readonly kubeconfig: string;
    /**
     * The context to use.
     * @default the kubeconfig's `current-context` (or its only context)
     */
    readonly context?: string;
    /**
     * The cluster's IP families, primary first. The cluster must already be configured this way
     * (for kind: `networking.ipFamily: dual`); nothing here can change it.
     * @default ["IPv4", "IPv6"]
     */
    readonly ipFamilies?: IpFamily[];
    /** The cluster's Kubernetes version, `MAJOR.MINOR` (from `kubectl version`). */
    readonly kubernetesVersion: string;
    /**
     * What the cluster runs on, where Istio installs differ.
     * @default "generic"
     */
    readonly platform?: KubernetesPlatform;
}

/** An existing cluster's facts and kubeconfig, checked. */
export interface ExistingClusterPlan {
    readonly facts: ClusterFacts;
    readonly kubeconfig: SelectedKubeconfig;
}

/**
 * Arguments the stack plan already planned, so `ExistingCluster` builds from that plan (and
 * reads the kubeconfig once).
 * @internal
 */
export const PLANNED_EXISTING_ARGS = new PlannedArgs<ExistingClusterArgs, ExistingClusterPlan>();

/**
 * Checks an existing cluster's arguments: its families and version, and that the kubeconfig
 * parses and has the context. Errors name the {@link ExistingClusterArgs} field.
 */
export function planExistingCluster(args: ExistingClusterArgs): ExistingClusterPlan {
    return { facts: existingClusterFacts(args), kubeconfig: selectKubeconfig(args.kubeconfig, args.context, "kubeconfig", "context") };
}

/**
 * An existing cluster's facts (families, version, platform), checked without the kubeconfig: for
 * callers that check every other argument before the kubeconfig is known.
 */
export function existingClusterFacts(args: Omit<ExistingClusterArgs, "kubeconfig" | "context">): ClusterFacts {
    const ipFamilies = validateIpFamilies(args.ipFamilies ?? [IpFamily.IPv4, IpFamily.IPv6], "ipFamilies");
    if (args.platform === KubernetesPlatform.Eks && isDualStack(ipFamilies)) {
        throw new InputError("ipFamilies", "an EKS cluster has one family (ipv4 or ipv6), never both; give the cluster's family, [IPv4] or [IPv6]");
    }
    parseKubernetesVersion(args.kubernetesVersion, "kubernetesVersion");
    return { ipFamilies, kubernetesVersion: args.kubernetesVersion, platform: args.platform ?? "generic" };
}
