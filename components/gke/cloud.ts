import * as z from "zod";
import { type CloudPlan, defineCloud, type NewClusterStackConfig } from "../target/cloud-module";
import { type ConfigKeyMap, relabelWarnings, withConfigKeys } from "../target/config-keys";
import { enumValues, text, textList } from "../target/schema-parts";
import { GCP_INVOKES, GCP_SYNTHESIZERS } from "./offline-answers";
import { GKE_DEFAULTS, type GkeClusterPlan, type GkeDualStackClusterArgs, GkeReleaseChannel, Ipv6AccessType, PLANNED_GKE_ARGS, planGkeCluster } from "./plan";

/** The `gcp` section of a `cloud: gcp` stack config. */
export const gcpSection = z
    .strictObject({
        project: text.meta({ description: "The GCP project to create everything in. Required with `cloud: gcp`." }),
        ipv6AccessType: z.enum(enumValues(Ipv6AccessType)).default(Ipv6AccessType.External).meta({
            description:
                "`EXTERNAL`: internet-routable IPv6 (subject to firewall rules). `INTERNAL`: ULA IPv6 from the network's /48, not routable from the internet. Fixed once the subnet exists.",
        }),
        zones: textList.optional().meta({
            description: "Zones of `region` to run nodes in. Default: the zones GKE picks for the region.",
        }),
        releaseChannel: z.enum(enumValues(GkeReleaseChannel)).default(GkeReleaseChannel.Regular).meta({
            description: "The GKE release channel that upgrades the control plane and nodes.",
        }),
        deletionProtection: z.boolean().default(true).meta({
            description: "Refuse to delete the cluster (set `false` before `pulumi destroy`).",
        }),
        privateNodes: z.boolean().default(false).meta({
            description: "Nodes without public IPv4 addresses; adds a Cloud Router and Cloud NAT for IPv4 egress. With `ipv6AccessType: EXTERNAL` nodes still have public IPv6.",
        }),
        authorizedNetworks: textList.optional().meta({
            description: "IPv4 CIDRs allowed to reach the control-plane endpoint (never 0.0.0.0/0). Default: no restriction beyond Google's authentication; the plan warns.",
        }),
        secretsEncryptionKey: text.optional().meta({
            description: "A Cloud KMS key (`projects/P/locations/L/keyRings/R/cryptoKeys/K`) to encrypt Secrets in etcd. Default: Google-managed encryption.",
        }),
    })
    .meta({ description: "GKE settings; only with `cloud: gcp`." });

/** The `gcp` section, defaults applied. */
export type GcpSection = z.output<typeof gcpSection>;

/** A `cloud: gcp` stack's config as the GKE cloud reads it. */
export type GcpStackConfig = NewClusterStackConfig<"gcp", GcpSection, typeof GKE_DEFAULTS.network>;

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

/** Where each GKE component argument lives in the stack config. */
const GKE_KEYS: ConfigKeyMap = {
    project: "gcp.project",
    zones: "gcp.zones",
    ipv6AccessType: "gcp.ipv6AccessType",
    releaseChannel: "gcp.releaseChannel",
    deletionProtection: "gcp.deletionProtection",
    privateNodes: "gcp.privateNodes",
    authorizedNetworks: "gcp.authorizedNetworks",
    secretsEncryptionKey: "gcp.secretsEncryptionKey",
};

/** A GKE stack's plan: the component's own plan, and its warnings named by config key. */
export interface GcpCloudPlan extends CloudPlan {
    readonly args: GkeDualStackClusterArgs;
    readonly cluster: GkeClusterPlan;
}

/** `cloud: gcp`: a GKE Standard cluster this stack creates, true dual-stack. */
export const GCP_CLOUD = defineCloud({
    name: "gcp",
    title: "GKE",
    summary: "A GKE cluster this stack creates: true dual-stack pods and Services.",
    section: gcpSection,
    requiredKey: { key: "project", hint: "give the project ID to create the cluster in" },
    newCluster: {
        region: { provider: "GCP", example: "europe-west4" },
        kubernetesVersion: GKE_DEFAULTS.kubernetesVersion,
        otherVersionForms: "also a full GKE version",
        network: {
            ipv4Cidr: { default: GKE_DEFAULTS.network.ipv4Cidr, meaning: "the subnet's range, node addresses" },
            podIpv4Cidr: { default: GKE_DEFAULTS.network.podIpv4Cidr, meaning: "the pods' IPv4 secondary range" },
            serviceIpv4Cidr: { default: GKE_DEFAULTS.network.serviceIpv4Cidr, meaning: "the Services' IPv4 secondary range" },
        },
        otherNetworkKeys: "Google assigns the IPv6 ranges",
        nodes: GKE_DEFAULTS.nodes,
        nodeCountsAre: "per zone",
        clusterNameRule: "lowercase letters, digits and `-`, at most 40",
    },
    sdk: { name: "@pulumi/gcp", range: "^9.37.0" },
    plugins: ["gcp"],
    plan(config: GcpStackConfig): GcpCloudPlan {
        const args = gkeArgs(config);
        const cluster = withConfigKeys(GKE_KEYS, () => planGkeCluster(config.clusterName, args));
        return { args, cluster, facts: cluster.facts, warnings: relabelWarnings(cluster.warnings, GKE_KEYS) };
    },
    async deploy(config: GcpStackConfig, plan: GcpCloudPlan) {
        const { GkeDualStackCluster } = await import("./gke-dual-stack-cluster");
        const cluster = new GkeDualStackCluster(config.clusterName, PLANNED_GKE_ARGS.attach(plan.args, plan.cluster));
        return {
            target: cluster.target,
            outputs: { kubeconfig: cluster.kubeconfig, endpoint: cluster.endpoint, subnetIpv6CidrRange: cluster.subnetIpv6CidrRange },
        };
    },
    offlineAnswers: () => ({ synthesizers: GCP_SYNTHESIZERS, invokes: GCP_INVOKES }),
    identity: (config: GcpStackConfig) => ({
        key: `gcp/${config.gcp.project}/${config.region}/${config.clusterName}`,
        description: `GKE cluster '${config.clusterName}' in project ${config.gcp.project}, region ${config.region}`,
        remedy: "give all but one another clusterName, region or gcp.project",
    }),
    sharedNames: (config: GcpStackConfig, { cluster }: GcpCloudPlan) => [
        {
            key: `gcp/${config.gcp.project}/serviceAccount/${cluster.nodeServiceAccountId}`,
            description: `the node service account '${cluster.nodeServiceAccountId}' of project ${config.gcp.project} (named after the clusterName)`,
            remedy: "give all but one another clusterName or gcp.project",
        },
    ],
    location: (config: GcpStackConfig) => `gcp ${config.region}`,
    deletionProtected: (config: GcpStackConfig) => config.gcp.deletionProtection,
});
