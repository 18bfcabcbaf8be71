import { today as currentDay } from "../clock";
import { InputError, type InputWarning } from "../errors";
import { parseSourceRange } from "../network/cidr";
import { type ClusterFacts, IpFamily, isDualStack, KubernetesPlatform, type LoadBalancerEdge } from "../target/cluster-facts";
import { checkNodeCounts, withDefaults } from "../target/node-pool";
import { PlannedArgs } from "../target/planned-args";
import { checkAksVersion, RECOMMENDED_AKS_VERSION } from "./calendar";
import { checkRanges, tenthAddress } from "./ranges";

/** The node OS images AKS offers for Linux pools. */
export const AksNodeOsSku = { Ubuntu: "Ubuntu", AzureLinux: "AzureLinux" } as const;
export type AksNodeOsSku = (typeof AksNodeOsSku)[keyof typeof AksNodeOsSku];

/** The kind of Entra ID principal that runs `pulumi up` (it is granted cluster admin to install Istio). */
export const AksPrincipalType = { User: "User", ServicePrincipal: "ServicePrincipal" } as const;
export type AksPrincipalType = (typeof AksPrincipalType)[keyof typeof AksPrincipalType];

/** How the kubeconfig's `kubelogin` signs in (`kubelogin get-token --login <mode>`): non-interactive modes only. */
export const AksKubeloginMode = { AzureCli: "azurecli", WorkloadIdentity: "workloadidentity", ServicePrincipal: "spn", ManagedIdentity: "msi" } as const;
export type AksKubeloginMode = (typeof AksKubeloginMode)[keyof typeof AksKubeloginMode];

/** Arguments of {@link AksDualStackCluster}. Shape-deciding values are plain. */
export interface AksDualStackClusterArgs {
    /** The Azure subscription (a GUID) to create everything in. */
    readonly subscriptionId: string;
    /** The Azure region, as ARM names it: lowercase, no spaces, e.g. `westeurope`. */
    readonly location: string;
    /**
     * The resource group the stack creates for the VNet and the cluster (AKS puts the nodes in its own `MC_…` group).
     * @default "<clusterName>-rg"
     */
    readonly resourceGroupName?: string;
    /**
     * The AKS cluster's name: letters, digits, `-` and `_`, starting and ending with a letter or
     * digit, at most 58 (so the VNet `<name>-vnet` fits overlay's 63-character label limit).
     * @default the component's name
     */
    readonly clusterName?: string;
    /**
     * The Kubernetes version, `MAJOR.MINOR`, inside AKS's community support calendar.
     * @default "1.35"
     */
    readonly kubernetesVersion?: string;
    /**
     * The pods' and Services' families, IPv4 first (AKS supports `ipv4` and `ipv4,ipv6`, never IPv6 primary or IPv6 only).
     * @default ["IPv4", "IPv6"]
     */
    readonly ipFamilies?: IpFamily[];
    /**
     * The network plugin: only `azure-overlay` (Azure CNI Overlay). `kubenet` retires on 31 March 2028 and is refused.
     * @default "azure-overlay"
     */
    readonly networkPlugin?: string;
    /** The VNet's and the overlay's ranges. */
    readonly network?: AksNetworkArgs;
    /** The user node pool, where Istio and workloads run (a small system pool runs AKS's add-ons). */
    readonly nodes?: AksNodesArgs;
    /**
     * Availability zones of `location` for both pools (`["1", "2", "3"]`).
     * @default none (regional placement)
     */
    readonly availabilityZones?: string[];
    /**
     * The nodes' OS image. Azure Linux cannot route the load balancer's IPv6 health probes to pods of
     * an `externalTrafficPolicy: Cluster` Service, so it is refused on a dual-stack cluster.
     * @default "Ubuntu"
     */
    readonly nodeOsSku?: AksNodeOsSku;
    /**
     * IPv4 CIDRs allowed to reach the API server (at most 200; the API server's public endpoint is IPv4 only).
     * @default any address (the plan warns)
     */
    readonly authorizedIpRanges?: string[];
    /**
     * Object IDs of Entra ID groups that get cluster admin.
     * @default none: only the deployer (granted here) and Azure RBAC role assignments you make
     */
    readonly adminGroupObjectIds?: string[];
    /**
     * What runs `pulumi up`: it is granted "Azure Kubernetes Service RBAC Cluster Admin" on the cluster to install Istio.
     * @default "User"
     */
    readonly deployerPrincipalType?: AksPrincipalType;
    /**
     * How the kubeconfig's `kubelogin` signs in.
     * @default "azurecli"
     */
    readonly kubeloginMode?: AksKubeloginMode;
    /**
     * Protect the cluster from `pulumi destroy`; set `false` and run `pulumi up` before destroying.
     * @default true
     */
    readonly deletionProtection?: boolean;
    /**
     * The Azure Policy add-on (CIS AKS 5.1/5.2: policies on workloads).
     * @default true
     */
    readonly enableAzurePolicy?: boolean;
    /**
     * Image Cleaner, removing unused images with known vulnerabilities from nodes.
     * @default true
     */
    readonly enableImageCleaner?: boolean;
}

/** The VNet's and the overlay's ranges of an AKS cluster. */
export interface AksNetworkArgs {
    /** The VNet's and node subnet's IPv4 range. @default "10.224.0.0/16" */
    readonly ipv4Cidr?: string;
    /** The VNet's IPv6 range (/48 to /64); the node subnet is its first /64. @default "fd00:10:224::/48" */
    readonly ipv6Cidr?: string;
    /** The pods' IPv4 overlay range (each node takes a /24). @default "10.244.0.0/16" */
    readonly podIpv4Cidr?: string;
    /** The pods' IPv6 overlay range. @default "fd12:3456:789a::/64" */
    readonly podIpv6Cidr?: string;
    /** The Services' IPv4 range, smaller than /12. @default "10.0.0.0/16" */
    readonly serviceIpv4Cidr?: string;
    /** The Services' IPv6 range, /108 or smaller. @default "fd12:3456:789a:1::/108" */
    readonly serviceIpv6Cidr?: string;
}

/** The user node pool. */
export interface AksNodesArgs {
    /** @default 2 */
    readonly count?: number;
    /** @default 2 */
    readonly minCount?: number;
    /** @default 4 */
    readonly maxCount?: number;
    /** @default "Standard_D4s_v5" */
    readonly vmSize?: string;
}

/** Every value of an AKS cluster, checked and with defaults applied. */
export interface AksClusterPlan {
    readonly facts: ClusterFacts;
    readonly subscriptionId: string;
    readonly location: string;
    readonly resourceGroupName: string;
    readonly clusterName: string;
    readonly vnetName: string;
    readonly kubernetesVersion: string;
    readonly ipFamilies: readonly IpFamily[];
    readonly network: Required<AksNetworkArgs>;
    /** The node subnet's prefixes: the IPv4 range and, on dual-stack, the IPv6 range's first /64. */
    readonly subnetPrefixes: readonly string[];
    /** CoreDNS's Service address: the tenth of the IPv4 Service range, as AKS's own default. */
    readonly dnsServiceIp: string;
    readonly nodes: Required<AksNodesArgs>;
    readonly availabilityZones?: readonly string[];
    readonly nodeOsSku: AksNodeOsSku;
    readonly authorizedIpRanges?: readonly string[];
    readonly adminGroupObjectIds: readonly string[];
    readonly deployerPrincipalType: AksPrincipalType;
    readonly kubeloginMode: AksKubeloginMode;
    readonly deletionProtection: boolean;
    readonly enableAzurePolicy: boolean;
    readonly enableImageCleaner: boolean;
    readonly warnings: readonly InputWarning[];
}

export const AKS_DEFAULTS = {
    kubernetesVersion: RECOMMENDED_AKS_VERSION,
    ipFamilies: [IpFamily.IPv4, IpFamily.IPv6],
    networkPlugin: "azure-overlay",
    // Pod and Service defaults are AKS's own (https://learn.microsoft.com/azure/aks/azure-cni-overlay:
    // "the default value of 10.244.0.0/16,fd12:3456:789a::/64"; services 10.0.0.0/16,fd12:3456:789a:1::/108).
    network: {
        ipv4Cidr: "10.224.0.0/16",
        ipv6Cidr: "fd00:10:224::/48",
        podIpv4Cidr: "10.244.0.0/16",
        podIpv6Cidr: "fd12:3456:789a::/64",
        serviceIpv4Cidr: "10.0.0.0/16",
        serviceIpv6Cidr: "fd12:3456:789a:1::/108",
    },
    nodes: { count: 2, minCount: 2, maxCount: 4, vmSize: "Standard_D4s_v5" },
    nodeOsSku: AksNodeOsSku.Ubuntu,
    deployerPrincipalType: AksPrincipalType.User,
    kubeloginMode: AksKubeloginMode.AzureCli,
} as const;

/**
 * The dual-stack edge: AKS gives a `RequireDualStack` LoadBalancer Service one public IPv4 and one
 * public IPv6 address (https://learn.microsoft.com/azure/aks/configure-dual-stack, from 1.27). The
 * gateway chart's ports carry no `appProtocol`, so the load balancer would only check that each
 * port accepts a TCP connection, not that Envoy is ready to serve; these point the probes of
 * ports 80 and 443 at Istio's readiness endpoint instead
 * (https://learn.microsoft.com/azure/aks/configure-load-balancer-standard, "port_{port}_health-probe_…").
 */
export const AKS_GATEWAY_PROBE_ANNOTATIONS: Readonly<Record<string, string>> = Object.fromEntries(
    [80, 443].flatMap((port) => [
        [`service.beta.kubernetes.io/port_${port}_health-probe_protocol`, "http"],
        [`service.beta.kubernetes.io/port_${port}_health-probe_port`, "15021"],
        [`service.beta.kubernetes.io/port_${port}_health-probe_request-path`, "/healthz/ready"],
    ]),
);

/**
 * Arguments the stack plan already planned, so {@link AksDualStackCluster} builds from that plan.
 * @internal
 */
export const PLANNED_AKS_ARGS = new PlannedArgs<AksDualStackClusterArgs, AksClusterPlan>();

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCATION = /^[a-z][a-z0-9]{2,}$/;
// Microsoft.ContainerService managedClusters name, https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules;
// 58 rather than 63 so that `<name>-vnet` stays within overlay's 63 (names become node labels).
const CLUSTER_NAME = /^[a-zA-Z0-9](?:[-_a-zA-Z0-9]{0,56}[a-zA-Z0-9])?$/;
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
const VM_SIZE = /^Standard_[A-Za-z0-9_]+$/;
/** https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges: "You can specify up to 200 authorized IP ranges." */
const MAX_AUTHORIZED_RANGES = 200;

/**
 * Checks an AKS cluster's arguments and applies defaults, so that Azure CNI Overlay dual-stack
 * holds by construction or is refused here, before anything is registered. Errors name the
 * {@link AksDualStackClusterArgs} field. `today` dates the version check.
 */
export function planAksCluster(name: string, args: AksDualStackClusterArgs, today: Date = currentDay()): AksClusterPlan {
    const warnings: InputWarning[] = [];
    if (!GUID.test(args.subscriptionId ?? "")) {
        throw new InputError("subscriptionId", `'${args.subscriptionId ?? ""}' is not an Azure subscription ID; expected a GUID (az account show --query id)`);
    }
    if (!LOCATION.test(args.location ?? "")) {
        const hint = (args.location ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");
        throw new InputError("location", `'${args.location}' is not an Azure region name; expected lowercase letters and digits, e.g. ${hint.length > 2 ? hint : "westeurope"}`);
    }
    const clusterName = args.clusterName ?? name;
    if (!CLUSTER_NAME.test(clusterName)) {
        throw new InputError(
            "clusterName",
            `'${clusterName}' is not an AKS cluster name here; use letters, digits, '-' and '_', starting and ending with a letter or digit, at most 58`,
        );
    }
    const resourceGroupName = args.resourceGroupName ?? `${clusterName}-rg`;
    if (!RESOURCE_GROUP.test(resourceGroupName) || resourceGroupName.length > 63) {
        throw new InputError(
            "resourceGroupName",
            `'${resourceGroupName}' is not a resource group name overlay accepts; use letters, digits, '-', '_', '.', '(' and ')', at most 63, not ending in '.'`,
        );
    }
    const kubernetesVersion = args.kubernetesVersion ?? AKS_DEFAULTS.kubernetesVersion;
    warnings.push(...checkAksVersion(kubernetesVersion, "kubernetesVersion", today));
    const ipFamilies = checkFamilies(args.ipFamilies ?? [...AKS_DEFAULTS.ipFamilies]);
    checkNetworkPlugin(args.networkPlugin ?? AKS_DEFAULTS.networkPlugin);

    const nodes = withDefaults<Required<AksNodesArgs>>(AKS_DEFAULTS.nodes, args.nodes);
    checkNodeCounts(nodes, "istiod and the gateway");
    if (!VM_SIZE.test(nodes.vmSize)) {
        throw new InputError("nodes.vmSize", `'${nodes.vmSize}' is not an Azure VM size; expected e.g. Standard_D4s_v5`);
    }

    const network = withDefaults<Required<AksNetworkArgs>>(AKS_DEFAULTS.network, args.network);
    const ranges = checkRanges(network, nodes.maxCount);
    const dualStack = isDualStack(ipFamilies);
    const subnetIpv6 = `${ranges.vnetIpv6.address.toString()}/64`;
    const zones = args.availabilityZones;
    zones?.forEach((zone, index) => {
        if (!/^[1-3]$/.test(zone)) {
            throw new InputError(`availabilityZones[${index}]`, `'${zone}' is not an availability zone; use "1", "2" and "3", each once`);
        }
        if (zones.indexOf(zone) !== index) {
            throw new InputError(`availabilityZones[${index}]`, `'${zone}' is listed twice`);
        }
    });
    const nodeOsSku = args.nodeOsSku ?? AKS_DEFAULTS.nodeOsSku;
    if (nodeOsSku === AksNodeOsSku.AzureLinux && dualStack) {
        throw new InputError(
            "nodeOsSku",
            "AzureLinux nodes cannot route the load balancer's IPv6 health probes to pods of an externalTrafficPolicy: Cluster Service (https://learn.microsoft.com/azure/aks/azure-cni-overlay); use Ubuntu on a dual-stack cluster",
        );
    }
    if (!Object.values<string>(AksNodeOsSku).includes(nodeOsSku)) {
        throw new InputError("nodeOsSku", `'${nodeOsSku}' is not a node OS image; allowed: ${Object.values(AksNodeOsSku).join(", ")}`);
    }
    checkAuthorizedRanges(args.authorizedIpRanges, warnings);
    const deployerPrincipalType = args.deployerPrincipalType ?? AKS_DEFAULTS.deployerPrincipalType;
    const kubeloginMode = args.kubeloginMode ?? AKS_DEFAULTS.kubeloginMode;
    // The provider installs Istio as whoever kubelogin signs in as, which is the identity granted cluster admin.
    if (deployerPrincipalType === AksPrincipalType.User && kubeloginMode !== AksKubeloginMode.AzureCli) {
        throw new InputError(
            "deployerPrincipalType",
            `User, but kubeloginMode ${kubeloginMode} signs in as a service principal or managed identity; set deployerPrincipalType: ServicePrincipal`,
        );
    }
    (args.adminGroupObjectIds ?? []).forEach((id, index) => {
        if (!GUID.test(id)) {
            throw new InputError(`adminGroupObjectIds[${index}]`, `'${id}' is not an Entra ID object ID; expected a GUID`);
        }
    });

    return {
        facts: {
            ipFamilies,
            kubernetesVersion,
            platform: KubernetesPlatform.Generic,
            loadBalancer: loadBalancerEdge(ipFamilies),
        },
        subscriptionId: args.subscriptionId,
        location: args.location,
        resourceGroupName,
        clusterName,
        vnetName: `${clusterName}-vnet`,
        kubernetesVersion,
        ipFamilies,
        network,
        subnetPrefixes: dualStack ? [network.ipv4Cidr, subnetIpv6] : [network.ipv4Cidr],
        dnsServiceIp: tenthAddress(ranges.serviceIpv4),
        nodes,
        ...(zones ? { availabilityZones: zones } : {}),
        nodeOsSku,
        ...(args.authorizedIpRanges ? { authorizedIpRanges: args.authorizedIpRanges } : {}),
        adminGroupObjectIds: args.adminGroupObjectIds ?? [],
        deployerPrincipalType,
        kubeloginMode,
        deletionProtection: args.deletionProtection ?? true,
        enableAzurePolicy: args.enableAzurePolicy ?? true,
        enableImageCleaner: args.enableImageCleaner ?? true,
        warnings,
    };
}

/** The gateway's dual-stack public addresses, with probes that Istio answers. */
function loadBalancerEdge(ipFamilies: readonly IpFamily[]): LoadBalancerEdge {
    return { ipFamilies, serviceAnnotations: AKS_GATEWAY_PROBE_ANNOTATIONS };
}

function checkFamilies(families: readonly string[]): IpFamily[] {
    const text = `[${families.join(", ")}]`;
    if (families.length === 2 && families[0] === IpFamily.IPv4 && families[1] === IpFamily.IPv6) {
        return [IpFamily.IPv4, IpFamily.IPv6];
    }
    if (families.length === 1 && families[0] === IpFamily.IPv4) {
        return [IpFamily.IPv4];
    }
    throw new InputError(
        "ipFamilies",
        `${text} is not an AKS family list; Azure CNI Overlay takes [IPv4, IPv6] (dual-stack, IPv4 primary) or [IPv4] — IPv6 primary and IPv6 only are not supported (https://learn.microsoft.com/azure/aks/configure-dual-stack)`,
    );
}

function checkNetworkPlugin(plugin: string): void {
    if (plugin === "kubenet") {
        throw new InputError(
            "networkPlugin",
            "kubenet retires on 31 March 2028 (https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay) and its dual-stack mode is limited to 200 nodes; use azure-overlay",
        );
    }
    if (plugin !== AKS_DEFAULTS.networkPlugin) {
        throw new InputError("networkPlugin", `'${plugin}' is not offered; the dual-stack network plugin is azure-overlay (Azure CNI Overlay)`);
    }
}

function checkAuthorizedRanges(ranges: readonly string[] | undefined, warnings: InputWarning[]): void {
    if (ranges === undefined) {
        warnings.push({
            field: "authorizedIpRanges",
            message: "not set: the API server accepts connections from any address (Entra ID authentication still applies); list your networks to restrict it (CIS AKS 5.4.1)",
        });
        return;
    }
    if (ranges.length === 0 || ranges.length > MAX_AUTHORIZED_RANGES) {
        throw new InputError("authorizedIpRanges", `lists ${ranges.length} ranges; AKS takes 1 to ${MAX_AUTHORIZED_RANGES} (leave it unset for any address)`);
    }
    ranges.forEach((cidr, index) => parseSourceRange(cidr, `authorizedIpRanges[${index}]`, [IpFamily.IPv4]));
}
