import * as pulumi from "@pulumi/pulumi";
import { getClientConfigOutput } from "@pulumi/azure-native/authorization/getClientConfig";
import { RoleAssignment } from "@pulumi/azure-native/authorization/roleAssignment";
import { AgentPool } from "@pulumi/azure-native/containerservice/agentPool";
import { listManagedClusterUserCredentialsOutput } from "@pulumi/azure-native/containerservice/listManagedClusterUserCredentials";
import { ManagedCluster } from "@pulumi/azure-native/containerservice/managedCluster";
import { UserAssignedIdentity } from "@pulumi/azure-native/managedidentity/userAssignedIdentity";
import { Subnet } from "@pulumi/azure-native/network/subnet";
import { VirtualNetwork } from "@pulumi/azure-native/network/virtualNetwork";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { ResourceGroup } from "@pulumi/azure-native/resources/resourceGroup";
import { Provider } from "@pulumi/kubernetes/provider";
import { checkedFor, formatWarning } from "../errors";
import { isDualStack } from "../target/cluster-facts";
import type { ClusterTarget } from "../target/cluster-target";
import { aksKubeconfig, certificateAuthorityOf } from "./kubeconfig";
import { type AksClusterPlan, type AksDualStackClusterArgs, PLANNED_AKS_ARGS, planAksCluster } from "./plan";

/**
 * Built-in Azure roles, by their fixed IDs (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles):
 * the cluster's identity joins its nodes to the subnet; the deployer installs Istio through Azure RBAC.
 */
export const AKS_ROLES = {
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    rbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
} as const;

/** The system pool: two small nodes tainted for AKS's own add-ons (CoreDNS, metrics, Cilium's operator). */
export const AKS_SYSTEM_POOL = { name: "system", count: 2, vmSize: "Standard_D2s_v5" } as const;
/** The user pool's name (AKS: 1–12 lowercase letters and digits). */
export const AKS_USER_POOL_NAME = "user";

/**
 * An AKS cluster with Azure CNI Overlay dual-stack (IPv4 primary), hardened by default, producing
 * the {@link ClusterTarget} that {@link DualStackIstio} installs onto.
 *
 * Creates a resource group, a dual-stack VNet and node subnet, a user-assigned identity allowed to
 * join the subnet, the cluster (Cilium dataplane and network policy, Standard load balancer with
 * IPv4 and IPv6 outbound, managed Entra ID with Azure RBAC, no local accounts, workload identity,
 * Azure Policy, Image Cleaner, patch auto-upgrades), a user node pool, the deployer's cluster-admin
 * role assignment, and a Kubernetes provider that authenticates with `kubelogin`.
 * Every argument is checked before anything is created.
 */
export class AksDualStackCluster extends pulumi.ComponentResource {
    /** The cluster target: provider, families, version, readiness (the user pool and the deployer's role). */
    public readonly target: ClusterTarget;
    /** The AKS cluster. */
    public readonly cluster: ManagedCluster;
    /** The AKS cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    /** The API server's URL (`https://<fqdn>`). */
    public readonly endpoint: pulumi.Output<string>;
    /** A kubeconfig for the cluster using `kubelogin` (secret; it holds no credential, but names the cluster). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The OIDC issuer URL, for workload identity federation. */
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    /** The resource group of the VNet and the cluster. */
    public readonly resourceGroup: ResourceGroup;
    /** The dual-stack VNet. */
    public readonly virtualNetwork: VirtualNetwork;
    /** The dual-stack node subnet. */
    public readonly subnet: Subnet;
    /** The user node pool. */
    public readonly userPool: AgentPool;
    /** The Kubernetes provider for the cluster (also in {@link AksDualStackCluster.target}). */
    public readonly provider: Provider;

    constructor(name: string, args: AksDualStackClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = PLANNED_AKS_ARGS.planOf(args, () => checkedFor("AksDualStackCluster", name, () => planAksCluster(name, args)));
        super("dualstack-istio:index:AksDualStackCluster", name, args, opts);
        for (const warning of plan.warnings) {
            void pulumi.log.warn(formatWarning(warning), this);
        }
        const azure = new AzureProvider(`${name}-azure`, { subscriptionId: plan.subscriptionId, location: plan.location }, { parent: this });
        const child = { parent: this, provider: azure };
        const { resourceGroupName, location } = plan;

        this.resourceGroup = new ResourceGroup(`${name}-rg`, { resourceGroupName, location }, child);
        this.virtualNetwork = new VirtualNetwork(
            `${name}-vnet`,
            {
                virtualNetworkName: plan.vnetName,
                resourceGroupName: this.resourceGroup.name,
                location,
                addressSpace: { addressPrefixes: isDualStack(plan.ipFamilies) ? [plan.network.ipv4Cidr, plan.network.ipv6Cidr] : [plan.network.ipv4Cidr] },
            },
            // Subnets are resources of their own; the VNet must not claim them.
            { ...child, ignoreChanges: ["subnets"] },
        );
        this.subnet = new Subnet(
            `${name}-nodes`,
            { subnetName: "nodes", virtualNetworkName: this.virtualNetwork.name, resourceGroupName: this.resourceGroup.name, addressPrefixes: [...plan.subnetPrefixes] },
            child,
        );
        const identity = new UserAssignedIdentity(
            `${name}-identity`,
            { resourceName: `${plan.clusterName}-identity`, resourceGroupName: this.resourceGroup.name, location },
            child,
        );
        const joinsSubnet = new RoleAssignment(
            `${name}-identity-network`,
            {
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: roleDefinition(plan, AKS_ROLES.networkContributor),
                scope: this.subnet.id,
            },
            child,
        );

        this.cluster = new ManagedCluster(name, clusterArgs(plan, this.resourceGroup.name, identity.id, this.subnet.id), {
            ...child,
            dependsOn: [joinsSubnet],
            protect: plan.deletionProtection,
        });
        this.userPool = new AgentPool(
            `${name}-user`,
            {
                agentPoolName: AKS_USER_POOL_NAME,
                resourceName: this.cluster.name,
                resourceGroupName: this.resourceGroup.name,
                mode: "User",
                count: plan.nodes.count,
                minCount: plan.nodes.minCount,
                maxCount: plan.nodes.maxCount,
                enableAutoScaling: true,
                vmSize: plan.nodes.vmSize,
                vnetSubnetID: this.subnet.id,
                osType: "Linux",
                osSKU: plan.nodeOsSku,
                type: "VirtualMachineScaleSets",
                ...(plan.availabilityZones ? { availabilityZones: [...plan.availabilityZones] } : {}),
            },
            // The autoscaler owns the size after creation.
            { ...child, ignoreChanges: ["count"] },
        );
        // Local accounts are off: whoever runs `pulumi up` installs Istio through Azure RBAC.
        const deployer = getClientConfigOutput({ parent: this, provider: azure });
        const deployerIsAdmin = new RoleAssignment(
            `${name}-deployer-admin`,
            {
                principalId: deployer.objectId,
                principalType: plan.deployerPrincipalType,
                roleDefinitionId: roleDefinition(plan, AKS_ROLES.rbacClusterAdmin),
                scope: this.cluster.id,
            },
            child,
        );

        // The CA is in no output of the cluster: only in the (credential-free, Entra ID) user kubeconfig.
        const certificateAuthorityData = listManagedClusterUserCredentialsOutput(
            { resourceGroupName: this.resourceGroup.name, resourceName: this.cluster.name },
            { parent: this, provider: azure },
        ).apply((credentials) => certificateAuthorityOf(credentials.kubeconfigs[0]?.value ?? ""));
        this.clusterName = this.cluster.name;
        this.endpoint = pulumi.interpolate`https://${this.cluster.fqdn}:443`;
        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.cluster.name, this.endpoint, certificateAuthorityData])
                .apply(([clusterName, server, authority]) => aksKubeconfig(clusterName, server, authority, plan.kubeloginMode)),
        );
        this.oidcIssuerUrl = this.cluster.oidcIssuerProfile.apply((profile) => profile?.issuerURL ?? "");
        this.provider = new Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this, dependsOn: [deployerIsAdmin] });
        this.target = { ...plan.facts, provider: this.provider, readyForWorkloads: [this.userPool, deployerIsAdmin] };
        this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint, kubeconfig: this.kubeconfig, oidcIssuerUrl: this.oidcIssuerUrl });
    }
}

function roleDefinition(plan: AksClusterPlan, roleId: string): string {
    return `/subscriptions/${plan.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/** The cluster's settings: dual-stack overlay networking and the CIS AKS controls, from the checked plan. */
function clusterArgs(plan: AksClusterPlan, resourceGroupName: pulumi.Input<string>, identityId: pulumi.Input<string>, subnetId: pulumi.Input<string>) {
    const dualStack = isDualStack(plan.ipFamilies);
    const { network } = plan;
    return {
        resourceName: plan.clusterName,
        resourceGroupName,
        location: plan.location,
        // DNS prefixes take letters, digits and '-' (no '_'), at most 54.
        dnsPrefix: plan.clusterName.replace(/_/g, "-").slice(0, 54).replace(/-+$/, ""),
        kubernetesVersion: plan.kubernetesVersion,
        identity: { type: "UserAssigned" as const, userAssignedIdentities: [identityId] },
        agentPoolProfiles: [
            {
                name: AKS_SYSTEM_POOL.name,
                mode: "System",
                count: AKS_SYSTEM_POOL.count,
                vmSize: AKS_SYSTEM_POOL.vmSize,
                vnetSubnetID: subnetId,
                osType: "Linux",
                osSKU: plan.nodeOsSku,
                type: "VirtualMachineScaleSets",
                nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
                ...(plan.availabilityZones ? { availabilityZones: [...plan.availabilityZones] } : {}),
            },
        ],
        networkProfile: {
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            // Azure and Calico network policies do not support dual-stack; Cilium does (CIS AKS 5.4.4).
            networkDataplane: "cilium",
            networkPolicy: "cilium",
            ipFamilies: [...plan.ipFamilies],
            podCidrs: dualStack ? [network.podIpv4Cidr, network.podIpv6Cidr] : [network.podIpv4Cidr],
            serviceCidrs: dualStack ? [network.serviceIpv4Cidr, network.serviceIpv6Cidr] : [network.serviceIpv4Cidr],
            // The SDK fills these singular fields with AKS's defaults when left out; they must match the lists.
            podCidr: network.podIpv4Cidr,
            serviceCidr: network.serviceIpv4Cidr,
            dnsServiceIP: plan.dnsServiceIp,
            loadBalancerSku: "standard",
            outboundType: "loadBalancer",
            loadBalancerProfile: { managedOutboundIPs: { count: 1, countIPv6: dualStack ? 1 : 0 } },
        },
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [...plan.adminGroupObjectIds] },
        disableLocalAccounts: true,
        enableRBAC: true,
        ...(plan.authorizedIpRanges ? { apiServerAccessProfile: { authorizedIPRanges: [...plan.authorizedIpRanges] } } : {}),
        autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
        securityProfile: {
            workloadIdentity: { enabled: true },
            imageCleaner: { enabled: plan.enableImageCleaner, intervalHours: 168 },
        },
        oidcIssuerProfile: { enabled: true },
        addonProfiles: { azurepolicy: { enabled: plan.enableAzurePolicy } },
        sku: { name: "Base", tier: "Standard" },
    };
}
