import * as z from "zod";
import { IpFamily } from "../target/cluster-facts";
import { type CloudPlan, defineCloud, type NewClusterStackConfig } from "../target/cloud-module";
import { type ConfigKeyMap, relabelWarnings, withConfigKeys } from "../target/config-keys";
import { enumValues, text, textList } from "../target/schema-parts";
import { AWS_INVOKES, AWS_SYNTHESIZERS } from "./offline-answers";
import { EKS_DEFAULTS, type EksClusterPlan, type EksIpv6ClusterArgs, EksNodeAmiFamily, PLANNED_EKS_ARGS, planEksCluster } from "./plan";

/** The `aws` section of a `cloud: aws` stack config. */
export const awsSection = z
    .strictObject({
        ipFamilies: z
            .array(z.enum(enumValues(IpFamily)))
            .default([...EKS_DEFAULTS.ipFamilies])
            .meta({
                description:
                    "The pods' and Services' families. EKS gives a cluster one family, so the only value is `[IPv6]` (the VPC and the load balancers are dual-stack); `[IPv4, IPv6]` is refused with the reason.",
            }),
        availabilityZones: textList.optional().meta({
            description: "2 to 8 availability zones of `region`, a public and a private subnet each. Default: the first two zones AWS reports as available.",
        }),
        nodeAmiFamily: z.enum(enumValues(EksNodeAmiFamily)).default(EKS_DEFAULTS.nodeAmiFamily).meta({
            description: "The node OS: `AL2023` or `Bottlerocket`; the architecture follows `nodes.machineType`.",
        }),
        publicEndpoint: z.boolean().default(true).meta({
            description: "Give the API server a public endpoint, which `pulumi up` needs to install Istio unless it runs inside the VPC. The private endpoint is always on.",
        }),
        publicAccessCidrs: textList.optional().meta({
            description: "CIDRs (either family) allowed to reach the public API endpoint (never `0.0.0.0/0` or `::/0`). Default: any address; the plan warns.",
        }),
        secretsEncryptionKeyArn: text.optional().meta({
            description: "A KMS key ARN in `region` to encrypt Secrets in etcd. Default: a new key with rotation, owned by the stack.",
        }),
        deletionProtection: z.boolean().default(true).meta({
            description: "Refuse to delete the cluster (set `false` before `pulumi destroy`).",
        }),
    })
    .meta({ description: "EKS settings; only with `cloud: aws`." });

/** The `aws` section, defaults applied. */
export type AwsSection = z.output<typeof awsSection>;

/** A `cloud: aws` stack's config as the EKS cloud reads it. */
export type AwsStackConfig = NewClusterStackConfig<"aws", AwsSection, { readonly ipv4Cidr: string }>;

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

/** Where each EKS component argument lives in the stack config. */
const EKS_KEYS: ConfigKeyMap = {
    ipFamilies: "aws.ipFamilies",
    availabilityZones: "aws.availabilityZones",
    nodeAmiFamily: "aws.nodeAmiFamily",
    publicEndpoint: "aws.publicEndpoint",
    publicAccessCidrs: "aws.publicAccessCidrs",
    secretsEncryptionKeyArn: "aws.secretsEncryptionKeyArn",
    deletionProtection: "aws.deletionProtection",
    "nodes.instanceType": "nodes.machineType",
};

/** An EKS stack's plan: the component's own plan, and its warnings named by config key. */
export interface AwsCloudPlan extends CloudPlan {
    readonly args: EksIpv6ClusterArgs;
    readonly cluster: EksClusterPlan;
}

/** `cloud: aws`: an EKS cluster this stack creates, IPv6 pods on a dual-stack VPC. */
export const AWS_CLOUD = defineCloud({
    name: "aws",
    title: "EKS",
    summary: "An EKS cluster this stack creates: IPv6 pods on a dual-stack VPC with a dual-stack edge.",
    section: awsSection,
    newCluster: {
        region: { provider: "AWS", example: "eu-west-1" },
        kubernetesVersion: EKS_DEFAULTS.kubernetesVersion,
        network: { ipv4Cidr: { default: EKS_DEFAULTS.network.ipv4Cidr, meaning: "the VPC's range, /16 to /24" } },
        otherNetworkKeys: "EKS pods and Services are IPv6 and take their addresses from AWS",
        nodes: {
            count: EKS_DEFAULTS.nodes.count,
            minCount: EKS_DEFAULTS.nodes.minCount,
            maxCount: EKS_DEFAULTS.nodes.maxCount,
            machineType: EKS_DEFAULTS.nodes.instanceType,
        },
        clusterNameRule: "at most 100",
    },
    sdk: { name: "@pulumi/aws", range: "^7.48.0" },
    plugins: ["aws"],
    plan(config: AwsStackConfig, today: Date): AwsCloudPlan {
        const args = eksArgs(config);
        const cluster = withConfigKeys(EKS_KEYS, () => planEksCluster(config.clusterName, args, today));
        return { args, cluster, facts: cluster.facts, warnings: relabelWarnings(cluster.warnings, EKS_KEYS) };
    },
    async deploy(config: AwsStackConfig, plan: AwsCloudPlan) {
        const { EksIpv6Cluster } = await import("./eks-ipv6-cluster");
        const cluster = new EksIpv6Cluster(config.clusterName, PLANNED_EKS_ARGS.attach(plan.args, plan.cluster));
        return {
            target: cluster.target,
            outputs: { kubeconfig: cluster.kubeconfig, endpoint: cluster.endpoint, vpcIpv6CidrBlock: cluster.vpcIpv6CidrBlock },
        };
    },
    offlineAnswers: () => ({ synthesizers: AWS_SYNTHESIZERS, invokes: AWS_INVOKES }),
    identity: (config: AwsStackConfig) => ({
        key: `aws/${config.region}/${config.clusterName}`,
        description: `EKS cluster '${config.clusterName}' in ${config.region}`,
        remedy: "give all but one another clusterName or region",
    }),
    location: (config: AwsStackConfig) => `aws ${config.region}`,
    deletionProtected: (config: AwsStackConfig) => config.aws.deletionProtection,
});
