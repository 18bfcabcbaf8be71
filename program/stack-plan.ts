import { today as currentDay } from "../components/clock";
import { Cloud } from "../components/config/schema";
import type { AwsStackConfig, ExistingStackConfig, GcpStackConfig, StackConfig } from "../components/config/parse";
import { type EksIpv6ClusterArgs, planEksCluster } from "../components/eks/plan";
import { InputError, type InputWarning } from "../components/errors";
import type { SelectedKubeconfig } from "../components/existing/kubeconfig";
import { type ExistingClusterArgs, planExistingCluster } from "../components/existing/plan";
import { type GkeDualStackClusterArgs, planGkeCluster } from "../components/gke/plan";
import { type IstioInstallPlan, planIstioInstall } from "../components/istio/plan";
import type { ClusterFacts } from "../components/target/cluster-facts";

/** Everything a stack will create, decided from its config before anything is registered. */
export interface StackPlan {
    readonly config: StackConfig;
    /** The cluster's facts, as its component will report them in its target. */
    readonly facts: ClusterFacts;
    /** For `cloud: existing`: the kubeconfig and context in use. */
    readonly kubeconfig?: SelectedKubeconfig;
    readonly istio: IstioInstallPlan;
    /** Warnings, each naming its config key. */
    readonly warnings: readonly InputWarning[];
}

/**
 * Checks a stack config all the way down, through the cluster's and Istio's own rules, and
 * returns the plan. Every error and warning names the config key (`gcp.project`,
 * `istio.hub`), whichever component's rule it came from. `today` is read once, before any of
 * them, so one plan sees one day (and a bad DUALSTACK_ISTIO_TODAY is named as itself).
 */
export function planStack(config: StackConfig, today: Date = currentDay()): StackPlan {
    const cluster = planCluster(config, today);
    const istio = withConfigKeys(ISTIO_KEYS, () => planIstioInstall(config.istio, cluster.facts, today));
    return {
        config,
        facts: cluster.facts,
        ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
        istio,
        warnings: [...cluster.warnings, ...istio.warnings.map((warning) => relabelWarning(warning, ISTIO_KEYS))],
    };
}

/** The GKE component's arguments for a `cloud: gcp` stack. */
export function gkeArgs(config: GcpStackConfig): GkeDualStackClusterArgs {
    const { gcp } = config;
    return {
        project: gcp.project,
        region: config.region,
        clusterName: config.clusterName,
        kubernetesVersion: config.kubernetesVersion,
        ipv6AccessType: gcp.ipv6AccessType,
        network: config.network,
        nodes: config.nodes,
        releaseChannel: gcp.releaseChannel,
        deletionProtection: gcp.deletionProtection,
        privateNodes: gcp.privateNodes,
        ...(gcp.zones ? { zones: gcp.zones } : {}),
        ...(gcp.authorizedNetworks ? { authorizedNetworks: gcp.authorizedNetworks } : {}),
        ...(gcp.secretsEncryptionKey ? { secretsEncryptionKey: gcp.secretsEncryptionKey } : {}),
    };
}

/** The EKS component's arguments for a `cloud: aws` stack. */
export function eksArgs(config: AwsStackConfig): EksIpv6ClusterArgs {
    const { aws, nodes } = config;
    return {
        region: config.region,
        clusterName: config.clusterName,
        kubernetesVersion: config.kubernetesVersion,
        ipFamilies: aws.ipFamilies,
        network: config.network,
        nodes: { count: nodes.count, minCount: nodes.minCount, maxCount: nodes.maxCount, instanceType: nodes.machineType },
        nodeAmiFamily: aws.nodeAmiFamily,
        publicEndpoint: aws.publicEndpoint,
        deletionProtection: aws.deletionProtection,
        ...(aws.availabilityZones ? { availabilityZones: aws.availabilityZones } : {}),
        ...(aws.publicAccessCidrs ? { publicAccessCidrs: aws.publicAccessCidrs } : {}),
        ...(aws.secretsEncryptionKeyArn ? { secretsEncryptionKeyArn: aws.secretsEncryptionKeyArn } : {}),
    };
}

/** The existing-cluster component's arguments for a `cloud: existing` stack. */
export function existingArgs(config: ExistingStackConfig): ExistingClusterArgs {
    const { existing } = config;
    return {
        kubeconfig: existing.kubeconfig,
        kubernetesVersion: config.kubernetesVersion,
        ipFamilies: existing.ipFamilies,
        platform: existing.platform,
        ...(existing.context ? { context: existing.context } : {}),
    };
}

interface ClusterPlan {
    readonly facts: ClusterFacts;
    readonly kubeconfig?: SelectedKubeconfig;
    readonly warnings: readonly InputWarning[];
}

function planCluster(config: StackConfig, today: Date): ClusterPlan {
    switch (config.cloud) {
        case Cloud.Gcp: {
            const plan = withConfigKeys(GKE_KEYS, () => planGkeCluster(config.clusterName, gkeArgs(config)));
            return { facts: plan.facts, warnings: plan.warnings.map((warning) => relabelWarning(warning, GKE_KEYS)) };
        }
        case Cloud.Existing: {
            const plan = withConfigKeys(EXISTING_KEYS, () => planExistingCluster(existingArgs(config)));
            return { ...plan, warnings: [] };
        }
        case Cloud.Aws: {
            const plan = withConfigKeys(EKS_KEYS, () => planEksCluster(config.clusterName, eksArgs(config), today));
            return { facts: plan.facts, warnings: plan.warnings.map((warning) => relabelWarning(warning, EKS_KEYS)) };
        }
    }
}

// Where each component's argument lives in the stack config: by the whole field, else by its first segment.
type KeyMap = Readonly<Record<string, string>>;
const GKE_KEYS: KeyMap = {
    project: "gcp.project",
    zones: "gcp.zones",
    ipv6AccessType: "gcp.ipv6AccessType",
    releaseChannel: "gcp.releaseChannel",
    deletionProtection: "gcp.deletionProtection",
    privateNodes: "gcp.privateNodes",
    authorizedNetworks: "gcp.authorizedNetworks",
    secretsEncryptionKey: "gcp.secretsEncryptionKey",
};
const EKS_KEYS: KeyMap = {
    ipFamilies: "aws.ipFamilies",
    availabilityZones: "aws.availabilityZones",
    nodeAmiFamily: "aws.nodeAmiFamily",
    publicEndpoint: "aws.publicEndpoint",
    publicAccessCidrs: "aws.publicAccessCidrs",
    secretsEncryptionKeyArn: "aws.secretsEncryptionKeyArn",
    deletionProtection: "aws.deletionProtection",
    "nodes.instanceType": "nodes.machineType",
};
const EXISTING_KEYS: KeyMap = {
    kubeconfig: "existing.kubeconfig",
    context: "existing.context",
    ipFamilies: "existing.ipFamilies",
    platform: "existing.platform",
};
const ISTIO_KEYS: KeyMap = { "*": "istio", target: "" };

/** The config key of a component argument's field: `zones[1]` → `gcp.zones[1]`. */
function configKey(field: string, keys: KeyMap): string {
    if (keys[field]) {
        return keys[field];
    }
    const head = /^[^.[]+/.exec(field)?.[0] ?? field;
    const rest = field.slice(head.length);
    const mapped = keys[head];
    if (mapped !== undefined) {
        return mapped === "" ? rest.replace(/^\./, "") : `${mapped}${rest}`;
    }
    return keys["*"] ? `${keys["*"]}.${field}` : field;
}

function withConfigKeys<T>(keys: KeyMap, plan: () => T): T {
    try {
        return plan();
    } catch (error) {
        if (error instanceof InputError) {
            throw error.relabel(configKey(error.field, keys));
        }
        throw error;
    }
}

function relabelWarning(warning: InputWarning, keys: KeyMap): InputWarning {
    return { field: configKey(warning.field, keys), message: warning.message };
}
