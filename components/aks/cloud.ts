import * as z from "zod";
import { IpFamily } from "../target/cluster-facts";
import { type CloudPlan, defineCloud, type NewClusterStackConfig } from "../target/cloud-module";
import { type ConfigKeyMap, relabelWarnings, withConfigKeys } from "../target/config-keys";
import { enumValues, text, textList } from "../target/schema-parts";
import { AZURE_INVOKES, AZURE_SYNTHESIZERS } from "./offline-answers";
import { AKS_POLICY_CHECKS } from "./policy-checks";
import { AKS_DEFAULTS, type AksClusterPlan, type AksDualStackClusterArgs, AksKubeloginMode, AksNodeOsSku, AksPrincipalType, PLANNED_AKS_ARGS, planAksCluster } from "./plan";

/** The `azure` section of a `cloud: azure` stack config. */
export const azureSection = z
    .strictObject({
        subscriptionId: text.meta({ description: "The Azure subscription ID (a GUID) to create everything in. Required with `cloud: azure`." }),
        resourceGroupName: text.optional().meta({ description: "The resource group the stack creates for the VNet and the cluster. Default `<clusterName>-rg`." }),
        ipFamilies: z
            .array(z.enum(enumValues(IpFamily)))
            .default([...AKS_DEFAULTS.ipFamilies])
            .meta({ description: "The pods' and Services' families: `[IPv4, IPv6]` (dual-stack) or `[IPv4]`; AKS has no IPv6-primary or IPv6-only clusters." }),
        networkPlugin: text.default(AKS_DEFAULTS.networkPlugin).meta({
            description: "Only `azure-overlay` (Azure CNI Overlay with the Cilium dataplane); `kubenet` retires on 31 March 2028 and is refused.",
        }),
        availabilityZones: textList.optional().meta({ description: 'Zones (`"1"`, `"2"`, `"3"`) of `region` for both node pools. Default: regional placement.' }),
        nodeOsSku: z.enum(enumValues(AksNodeOsSku)).default(AKS_DEFAULTS.nodeOsSku).meta({
            description: "The nodes' OS image; `AzureLinux` is refused on dual-stack (its nodes drop the load balancer's IPv6 health probes).",
        }),
        authorizedIpRanges: textList.optional().meta({
            description: "IPv4 CIDRs (1 to 200) allowed to reach the API server. Default: any address; the plan warns (CIS AKS 5.4.1).",
        }),
        adminGroupObjectIds: textList.optional().meta({ description: "Entra ID group object IDs that get cluster admin. Default: none (the deployer is granted it)." }),
        deployerPrincipalType: z.enum(enumValues(AksPrincipalType)).default(AKS_DEFAULTS.deployerPrincipalType).meta({
            description:
                "What runs `pulumi up` (granted AKS RBAC Cluster Admin to install Istio): `User`, or `ServicePrincipal` in CI and with any `kubeloginMode` but `azurecli`.",
        }),
        kubeloginMode: z.enum(enumValues(AksKubeloginMode)).default(AKS_DEFAULTS.kubeloginMode).meta({
            description: "How the kubeconfig's `kubelogin get-token` signs in: `azurecli`, `workloadidentity`, `spn` or `msi`.",
        }),
        deletionProtection: z.boolean().default(true).meta({
            description: "Protect the cluster from `pulumi destroy` (set `false` and run `pulumi up` first).",
        }),
        enableAzurePolicy: z.boolean().default(true).meta({ description: "The Azure Policy add-on (CIS AKS 5.1, 5.2)." }),
        enableImageCleaner: z.boolean().default(true).meta({ description: "Image Cleaner: removes unused vulnerable images from nodes weekly." }),
    })
    .meta({ description: "AKS settings; only with `cloud: azure`." });

/** The `azure` section, defaults applied. */
export type AzureSection = z.output<typeof azureSection>;

/** A `cloud: azure` stack's config as the AKS cloud reads it. */
export type AzureStackConfig = NewClusterStackConfig<"azure", AzureSection, typeof AKS_DEFAULTS.network>;

/** The AKS component's arguments for a `cloud: azure` stack. */
export function aksArgs(config: AzureStackConfig): AksDualStackClusterArgs {
    const { azure, nodes } = config;
    return {
        subscriptionId: azure.subscriptionId,
        location: config.region,
        clusterName: config.clusterName,
        kubernetesVersion: config.kubernetesVersion,
        ipFamilies: azure.ipFamilies,
        networkPlugin: azure.networkPlugin,
        network: config.network,
        nodes: { count: nodes.count, minCount: nodes.minCount, maxCount: nodes.maxCount, vmSize: nodes.machineType },
        nodeOsSku: azure.nodeOsSku,
        deployerPrincipalType: azure.deployerPrincipalType,
        kubeloginMode: azure.kubeloginMode,
        deletionProtection: azure.deletionProtection,
        enableAzurePolicy: azure.enableAzurePolicy,
        enableImageCleaner: azure.enableImageCleaner,
        ...(azure.resourceGroupName ? { resourceGroupName: azure.resourceGroupName } : {}),
        ...(azure.availabilityZones ? { availabilityZones: azure.availabilityZones } : {}),
        ...(azure.authorizedIpRanges ? { authorizedIpRanges: azure.authorizedIpRanges } : {}),
        ...(azure.adminGroupObjectIds ? { adminGroupObjectIds: azure.adminGroupObjectIds } : {}),
    };
}

/** Where each AKS component argument lives in the stack config: its own section, except these. */
const AKS_KEYS: ConfigKeyMap = {
    location: "region",
    clusterName: "clusterName",
    kubernetesVersion: "kubernetesVersion",
    network: "network",
    nodes: "nodes",
    "nodes.vmSize": "nodes.machineType",
    "*": "azure",
};

/** An AKS stack's plan: the component's own plan, and its warnings named by config key. */
export interface AzureCloudPlan extends CloudPlan {
    readonly args: AksDualStackClusterArgs;
    readonly cluster: AksClusterPlan;
}

/** `cloud: azure`: an AKS cluster this stack creates, Azure CNI Overlay dual-stack. */
export const AZURE_CLOUD = defineCloud({
    name: "azure",
    title: "AKS",
    summary: "An AKS cluster this stack creates: Azure CNI Overlay dual-stack with a dual-stack edge.",
    exampleConfig: "examples/aks/stack-config.yaml",
    section: azureSection,
    requiredKey: { key: "subscriptionId", hint: "give the subscription ID to create the cluster in (az account show --query id)" },
    newCluster: {
        region: { provider: "Azure", example: "westeurope" },
        kubernetesVersion: AKS_DEFAULTS.kubernetesVersion,
        network: {
            ipv4Cidr: { default: AKS_DEFAULTS.network.ipv4Cidr, meaning: "the VNet's and node subnet's range" },
            ipv6Cidr: { default: AKS_DEFAULTS.network.ipv6Cidr, meaning: "the VNet's IPv6 range, /48 to /64 (the node subnet is its first /64)" },
            podIpv4Cidr: { reach: "cluster", default: AKS_DEFAULTS.network.podIpv4Cidr, meaning: "the pods' IPv4 overlay range" },
            podIpv6Cidr: { reach: "cluster", default: AKS_DEFAULTS.network.podIpv6Cidr, meaning: "the pods' IPv6 overlay range" },
            serviceIpv4Cidr: { reach: "cluster", default: AKS_DEFAULTS.network.serviceIpv4Cidr, meaning: "the Services' IPv4 range, smaller than /12" },
            serviceIpv6Cidr: { reach: "cluster", default: AKS_DEFAULTS.network.serviceIpv6Cidr, meaning: "the Services' IPv6 range, /108 or smaller" },
        },
        otherNetworkKeys: "",
        nodes: { count: AKS_DEFAULTS.nodes.count, minCount: AKS_DEFAULTS.nodes.minCount, maxCount: AKS_DEFAULTS.nodes.maxCount, machineType: AKS_DEFAULTS.nodes.vmSize },
        clusterNameRule: "letters, digits, `-` and `_`, at most 58",
    },
    sdk: { name: "@pulumi/azure-native", range: "^3.0.0" },
    plugins: ["azure-native"],
    policyChecks: AKS_POLICY_CHECKS,
    plan(config: AzureStackConfig, today: Date): AzureCloudPlan {
        const args = aksArgs(config);
        const cluster = withConfigKeys(AKS_KEYS, () => planAksCluster(config.clusterName, args, today));
        return { args, cluster, facts: cluster.facts, warnings: relabelWarnings(cluster.warnings, AKS_KEYS) };
    },
    async deploy(config: AzureStackConfig, plan: AzureCloudPlan) {
        const { AksDualStackCluster } = await import("./aks-dual-stack-cluster");
        const cluster = new AksDualStackCluster(config.clusterName, PLANNED_AKS_ARGS.attach(plan.args, plan.cluster));
        return { target: cluster.target, outputs: { kubeconfig: cluster.kubeconfig, endpoint: cluster.endpoint, oidcIssuerUrl: cluster.oidcIssuerUrl } };
    },
    offlineAnswers: () => ({ synthesizers: AZURE_SYNTHESIZERS, invokes: AZURE_INVOKES }),
    // Each stack creates its resource group and deletes it on destroy, so the group is what a
    // stack takes hold of: two tenants in one group would delete each other's clusters.
    identity: (config: AzureStackConfig, plan: AzureCloudPlan) => ({
        key: `azure/${config.azure.subscriptionId.toLowerCase()}/${plan.cluster.resourceGroupName.toLowerCase()}`,
        description: `resource group ${plan.cluster.resourceGroupName} of subscription ${config.azure.subscriptionId}, which each AKS stack creates and deletes`,
        remedy: "give all but one another azure.resourceGroupName (its default is <clusterName>-rg) or azure.subscriptionId",
    }),
    location: (config: AzureStackConfig) => `azure ${config.region}`,
    deletionProtected: (config: AzureStackConfig) => config.azure.deletionProtection,
});
