import * as z from "zod";
import { IpFamily } from "../target/cluster-facts";
import { type CloudPlan, defineCloud, type NewClusterStackConfig } from "../target/cloud-module";
import { type ConfigKeyMap, relabelWarnings, withConfigKeys } from "../target/config-keys";
import { enumValues, text, textList } from "../target/schema-parts";
import { AWS_INVOKES, AWS_SYNTHESIZERS } from "./offline-answers";
import { EKS_CIS } from "./cis";
import { EKS_POLICY_CHECKS } from "./policy-checks";
import { EKS_DEFAULTS, type EksClusterPlan, EksDeployerAccess, type EksIpv6ClusterArgs, EksNodeAmiFamily, PLANNED_EKS_ARGS, planEksCluster } from "./plan";

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
        networkPolicy: z.boolean().default(EKS_DEFAULTS.networkPolicy).meta({
            description: "Turn on the VPC CNI's network policy agent, so that NetworkPolicy objects are enforced (CIS EKS 4.3.1, 5.4.4).",
        }),
        vpcCniPodIdentity: z.boolean().default(EKS_DEFAULTS.vpcCniPodIdentity).meta({
            description:
                "Give the VPC CNI its IAM permissions through an EKS Pod Identity role of its own instead of the node role (CIS EKS 5.2.1); `false` keeps them on the node role.",
        }),
        encryptControlPlaneLogs: z.boolean().default(EKS_DEFAULTS.encryptControlPlaneLogs).meta({
            description: "Encrypt the control-plane log group with a KMS key of its own, with rotation, usable by CloudWatch Logs for that log group only (CIS EKS 2.1.2).",
        }),
        natGatewayPerZone: z.boolean().default(EKS_DEFAULTS.natGatewayPerZone).meta({
            description:
                "A NAT gateway in every zone, each zone's private subnet sending IPv4 through its own, so that losing a zone leaves the others' IPv4 egress; costs a gateway and an address per zone. Default: one NAT gateway, in the first zone.",
        }),
        deployerAccess: z.enum(enumValues(EksDeployerAccess)).default(EKS_DEFAULTS.deployerAccess).meta({
            description:
                "`cluster-admin`: the stack gives whoever runs `pulumi up` cluster-admin through an access entry. `none`: no access entry; the deployer must already have access through an entry made elsewhere, since the same run installs Istio through it (the plan warns).",
        }),
        pinKubeletSettings: z.boolean().default(EKS_DEFAULTS.pinKubeletSettings).meta({
            description:
                "Pin the kubelet settings of CIS EKS 3.2.1–3.2.9 (no anonymous auth or read-only port, Webhook authorization, certificate rotation, …) in a NodeConfig part of the AL2023 nodes' user data, instead of relying on the AMI's defaults. Bottlerocket nodes keep their own.",
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
        networkPolicy: aws.networkPolicy,
        vpcCniPodIdentity: aws.vpcCniPodIdentity,
        encryptControlPlaneLogs: aws.encryptControlPlaneLogs,
        natGatewayPerZone: aws.natGatewayPerZone,
        deployerAccess: aws.deployerAccess,
        pinKubeletSettings: aws.pinKubeletSettings,
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
    networkPolicy: "aws.networkPolicy",
    vpcCniPodIdentity: "aws.vpcCniPodIdentity",
    encryptControlPlaneLogs: "aws.encryptControlPlaneLogs",
    natGatewayPerZone: "aws.natGatewayPerZone",
    deployerAccess: "aws.deployerAccess",
    pinKubeletSettings: "aws.pinKubeletSettings",
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
    exampleConfig: "examples/eks/stack-config.yaml",
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
    cis: EKS_CIS,
    policyChecks: EKS_POLICY_CHECKS,
    offlineAnswers: () => ({ synthesizers: AWS_SYNTHESIZERS, invokes: AWS_INVOKES }),
    identity: (config: AwsStackConfig) => ({
        key: `aws/${config.region}/${config.clusterName}`,
        description: `EKS cluster '${config.clusterName}' in ${config.region}`,
        remedy: "give all but one another clusterName or region",
    }),
    location: (config: AwsStackConfig) => `aws ${config.region}`,
    deletionProtected: (config: AwsStackConfig) => config.aws.deletionProtection,
});
