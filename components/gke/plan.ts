import type * as pulumi from "@pulumi/pulumi";
import { InputError, type InputWarning } from "../errors";
import { parsePrivateIpv4Cidr, parseSourceRange, prefixHolding, type RangeFloor, requireDisjoint, requireFloor } from "../network/cidr";
import { type ClusterFacts, IpFamily, KubernetesPlatform, parseKubernetesVersion } from "../target/cluster-facts";
import { checkNodeCounts, withDefaults } from "../target/node-pool";
import { checkFlag, checkOneOf } from "../target/arg-checks";
import { PlannedArgs } from "../target/planned-args";
import { checkGkeVersion, RECOMMENDED_GKE_VERSION } from "./calendar";
import { nodeServiceAccountId } from "./names";
import { checkMaintenanceWindow, type GkeMaintenanceWindowTimes } from "./maintenance-window";
import { checkRbsVersion, GKE_INTERNAL_ACCESS_EDGE, GKE_LOAD_BALANCER_EDGE, INTERNAL_ACCESS_WARNING } from "./load-balancer";
import { type GkeDualStackClusterArgs, type GkeNetworkArgs, type GkeNodesArgs, GkeNodeImageType, GkeReleaseChannel, GkeSecurityPosture, Ipv6AccessType } from "./args";

export * from "./args";

/** Every value of a GKE cluster, checked and with defaults applied. */
export interface GkeClusterPlan {
    readonly facts: ClusterFacts;
    readonly project: string;
    readonly region: string;
    readonly clusterName: string;
    /** The node service account's ID, a project-wide name (see {@link nodeServiceAccountId}). */
    readonly nodeServiceAccountId: string;
    readonly kubernetesVersion: string;
    readonly zones?: readonly string[];
    readonly ipv6AccessType: Ipv6AccessType;
    readonly network: Required<GkeNetworkArgs>;
    readonly nodes: Required<GkeNodesArgs>;
    readonly releaseChannel: GkeReleaseChannel | "UNSPECIFIED";
    readonly deletionProtection: boolean;
    readonly privateNodes: boolean;
    readonly privateEndpoint: boolean;
    readonly authorizedNetworks?: readonly string[];
    readonly secretsEncryptionKey?: pulumi.Input<string>;
    readonly customerManagedSecretsKey: boolean;
    readonly enableWorkloadIdentity: boolean;
    readonly enableShieldedNodes: boolean;
    readonly enableLoggingAndMonitoring: boolean;
    readonly nodeImageType: GkeNodeImageType;
    readonly nodeAutoRepair: boolean;
    readonly insecureKubeletReadonlyPort: boolean;
    readonly insecureRbacBindings: boolean;
    readonly securityPosture: GkeSecurityPosture;
    readonly flowLogs: boolean;
    /** The window, or `undefined` when maintenance may happen at any time. */
    readonly maintenanceWindow?: GkeMaintenanceWindowTimes;
    readonly warnings: readonly InputWarning[];
}

/** GKE Standard runs dual-stack from 1.24 (rule K5). */
export const GKE_MIN_DUAL_STACK_MINOR = 24;

/** The range names of the subnet's secondary ranges. */
export const POD_RANGE_NAME = "pods";
export const SERVICE_RANGE_NAME = "services";

/**
 * Health-check sources of Google's proxy and internal load balancers
 * (https://cloud.google.com/load-balancing/docs/firewall-rules). The component opens those of the
 * gateway's external passthrough load balancer instead (`RBS_HEALTH_CHECK_RANGES`).
 */
export const HEALTH_CHECK_RANGES = {
    IPv4: ["35.191.0.0/16", "130.211.0.0/22"],
    IPv6: ["2600:2d00:1:b029::/64", "2600:2d00:1:1::/64"],
} as const;

export const GKE_DEFAULTS = {
    kubernetesVersion: RECOMMENDED_GKE_VERSION,
    ipv6AccessType: Ipv6AccessType.External,
    network: { ipv4Cidr: "10.0.0.0/20", podIpv4Cidr: "10.16.0.0/14", serviceIpv4Cidr: "10.20.0.0/20" },
    nodes: { count: 1, minCount: 1, maxCount: 3, machineType: "e2-standard-4" },
    releaseChannel: GkeReleaseChannel.Regular,
    nodeImageType: GkeNodeImageType.Cos,
    securityPosture: GkeSecurityPosture.Basic,
    maintenanceWindow: { startTime: "2025-01-04T00:00:00Z", endTime: "2025-01-04T08:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" },
} as const;

/**
 * Arguments the stack plan already planned, so {@link GkeDualStackCluster} builds from that plan.
 * @internal
 */
export const PLANNED_GKE_ARGS = new PlannedArgs<GkeDualStackClusterArgs, GkeClusterPlan>();

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const ZONE = /^([a-z]+-[a-z]+[0-9]+)-[a-z]$/;
const CLUSTER_NAME = /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const MACHINE_TYPE = /^[a-z0-9]+(?:-[a-z0-9]+)+$/;
const KMS_KEY = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

/**
 * Checks a Cloud KMS key for Secrets encryption: its name, and that it is in the cluster's region.
 * The component checks a key created in the same program once its name is known.
 */
export function checkGkeSecretsKey(name: string, region: string): void {
    const key = KMS_KEY.exec(name);
    if (!key) {
        throw new InputError("secretsEncryptionKey", `'${name}' is not a Cloud KMS key name; expected projects/P/locations/L/keyRings/R/cryptoKeys/K`);
    }
    if (key[1] !== region) {
        throw new InputError("secretsEncryptionKey", `the key is in ${key[1]}; GKE needs it in the cluster's region, ${region}`);
    }
}

/** Zones of a regional node pool when none are listed: https://cloud.google.com/kubernetes-engine/docs/concepts/regional-clusters. */
const GKE_DEFAULT_ZONE_COUNT = 3;
/** Addresses GCP keeps in every primary range: https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet. */
const GCP_RESERVED_PER_SUBNET = 4;
/** A node's pod block at GKE Standard's default 110 pods per node: https://cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr. */
const POD_BLOCK_PER_NODE = 24;

/**
 * The smallest each range may be: GKE's documented minimum, or room for the node pool at its
 * autoscaling maximum (`maxCount` per zone), whichever is larger.
 */
function gkeRangeFloors(maxCount: number, zoneCount: number | undefined): Readonly<Record<keyof GkeNetworkArgs, RangeFloor>> {
    const nodes = maxCount * (zoneCount ?? GKE_DEFAULT_ZONE_COUNT);
    const zones = zoneCount === undefined ? `the ${GKE_DEFAULT_ZONE_COUNT} zones GKE picks` : plural(zoneCount, "zone");
    const pool = `${plural(nodes, "node")} (nodes.maxCount ${maxCount} per zone × ${zones})`;
    const nodeFloor = prefixHolding(nodes, 32, GCP_RESERVED_PER_SUBNET);
    return {
        // https://cloud.google.com/vpc/docs/subnets#valid-ranges: a subnet's primary IPv4 range is /29 or larger.
        ipv4Cidr:
            nodeFloor < 29
                ? { prefix: nodeFloor, why: `it gives each of ${pool} an address, besides the ${GCP_RESERVED_PER_SUBNET} GCP keeps` }
                : { prefix: 29, why: "GCP's smallest subnet range" },
        podIpv4Cidr: {
            prefix: Math.min(POD_BLOCK_PER_NODE, prefixHolding(nodes, POD_BLOCK_PER_NODE)),
            why: `each node takes a /${POD_BLOCK_PER_NODE} of it (110 pods per node), for ${pool}`,
        },
        // https://cloud.google.com/kubernetes-engine/docs/concepts/alias-ips (IP address range planning): the Service range is /27 or larger.
        serviceIpv4Cidr: { prefix: 27, why: "GKE's smallest Service range" },
    };
}

function plural(n: number, thing: string): string {
    return `${n} ${thing}${n === 1 ? "" : "s"}`;
}

/**
 * Checks a GKE cluster's arguments and applies defaults, so that rules K1–K10 hold by
 * construction or are refused here, before anything is registered. Errors name the
 * {@link GkeDualStackClusterArgs} field. `today` dates the version check.
 */
export function planGkeCluster(name: string, args: GkeDualStackClusterArgs, today?: Date): GkeClusterPlan {
    const warnings: InputWarning[] = [];
    if (!args.project) {
        throw new InputError("project", "required; give the ID of the GCP project to create the cluster in");
    }
    if (!PROJECT_ID.test(args.project)) {
        throw new InputError("project", `'${args.project}' is not a GCP project ID; expected 6–30 lowercase letters, digits and '-', starting with a letter`);
    }
    const zoneOfRegion = ZONE.exec(args.region ?? "");
    if (zoneOfRegion) {
        throw new InputError("region", `'${args.region}' is a zone; give its region, ${zoneOfRegion[1]}, for a regional cluster`);
    }
    if (!REGION.test(args.region ?? "")) {
        throw new InputError("region", `'${args.region}' is not a GCP region; expected e.g. europe-west4`);
    }
    const clusterName = args.clusterName ?? name;
    if (!CLUSTER_NAME.test(clusterName)) {
        throw new InputError(
            "clusterName",
            `'${clusterName}' is not a GKE cluster name; use a lowercase letter, then lowercase letters, digits and '-', at most 40, not ending in '-'`,
        );
    }
    const kubernetesVersion = args.kubernetesVersion ?? GKE_DEFAULTS.kubernetesVersion;
    const kubernetes = parseKubernetesVersion(kubernetesVersion, "kubernetesVersion");
    if (kubernetes.minor < GKE_MIN_DUAL_STACK_MINOR) {
        throw new InputError("kubernetesVersion", `GKE ${kubernetesVersion} cannot run dual-stack; GKE Standard needs 1.${GKE_MIN_DUAL_STACK_MINOR} or newer`);
    }
    const releaseChannel = checkOneOf(
        args.releaseChannel,
        [...Object.values(GkeReleaseChannel), "UNSPECIFIED"],
        "releaseChannel",
        "a release channel",
        GKE_DEFAULTS.releaseChannel,
    );
    warnings.push(...checkGkeVersion(kubernetesVersion, releaseChannel, "kubernetesVersion", today));
    const zones = args.zones;
    if (zones !== undefined) {
        if (zones.length === 0) {
            throw new InputError("zones", "is empty; list zones of the region, or leave it unset for GKE's choice");
        }
        for (const [index, zone] of zones.entries()) {
            const match = ZONE.exec(zone);
            if (!match || match[1] !== args.region) {
                throw new InputError(`zones[${index}]`, `'${zone}' is not a zone of ${args.region}; expected e.g. ${args.region}-a`);
            }
            if (zones.indexOf(zone) !== index) {
                throw new InputError(`zones[${index}]`, `'${zone}' is listed twice`);
            }
        }
    }
    const ipv6AccessType = checkOneOf(args.ipv6AccessType, Object.values(Ipv6AccessType), "ipv6AccessType", "an IPv6 access type", GKE_DEFAULTS.ipv6AccessType);
    const external = ipv6AccessType === Ipv6AccessType.External;
    if (external) {
        checkRbsVersion(kubernetesVersion);
    } else {
        warnings.push(INTERNAL_ACCESS_WARNING);
    }

    const nodes = withDefaults<Required<GkeNodesArgs>>(GKE_DEFAULTS.nodes, args.nodes);
    checkNodeCounts(nodes, "istiod and the gateway");
    if (!MACHINE_TYPE.test(nodes.machineType)) {
        throw new InputError("nodes.machineType", `'${nodes.machineType}' is not a GCE machine type; expected e.g. e2-standard-4`);
    }

    const network = withDefaults<Required<GkeNetworkArgs>>(GKE_DEFAULTS.network, args.network);
    const floors = gkeRangeFloors(nodes.maxCount, zones?.length);
    requireDisjoint(
        (["ipv4Cidr", "podIpv4Cidr", "serviceIpv4Cidr"] as const).map((key) => {
            const field = `network.${key}`;
            return { field, cidr: requireFloor(parsePrivateIpv4Cidr(network[key], field), field, floors[key]) };
        }),
    );

    const privateNodes = checkFlag(args.privateNodes, "privateNodes", true);
    const privateEndpoint = checkFlag(args.privateEndpoint, "privateEndpoint", false);
    if (privateEndpoint && !privateNodes) {
        throw new InputError("privateEndpoint", "needs privateNodes: a cluster with public nodes cannot have a private-only endpoint");
    }
    if (privateEndpoint) {
        // GKE refuses a private endpoint without authorized networks; with none listed, only the
        // VPC reaches it (https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation).
        warnings.push({
            field: "privateEndpoint",
            message:
                "the control plane has no public endpoint: run pulumi up from inside the VPC, in its region (GKE's global access to the endpoint is off), since the same run installs Istio through it",
        });
    }
    if (args.authorizedNetworks !== undefined) {
        args.authorizedNetworks.forEach((cidr, index) => parseSourceRange(cidr, `authorizedNetworks[${index}]`, [IpFamily.IPv4]));
    } else if (!privateEndpoint) {
        warnings.push({
            field: "authorizedNetworks",
            message: "not set: the control-plane endpoint accepts connections from any address (Google authentication still applies); list your networks to restrict it",
        });
    }
    const customerManagedSecretsKey = checkFlag(args.customerManagedSecretsKey, "customerManagedSecretsKey", true);
    if (args.secretsEncryptionKey !== undefined && !customerManagedSecretsKey) {
        throw new InputError("customerManagedSecretsKey", "is false, which leaves Secrets to Google-managed encryption, but secretsEncryptionKey names a key; drop one of them");
    }
    if (typeof args.secretsEncryptionKey === "string") {
        checkGkeSecretsKey(args.secretsEncryptionKey, args.region);
    }
    const nodeImageType = checkOneOf(args.nodeImageType, Object.values(GkeNodeImageType), "nodeImageType", "a node image for this cluster", GKE_DEFAULTS.nodeImageType);
    const securityPosture = checkOneOf(args.securityPosture, Object.values(GkeSecurityPosture), "securityPosture", "a security posture mode", GKE_DEFAULTS.securityPosture);
    const maintenanceWindow =
        args.maintenanceWindow?.enabled === false
            ? undefined
            : checkMaintenanceWindow({
                  startTime: args.maintenanceWindow?.startTime ?? GKE_DEFAULTS.maintenanceWindow.startTime,
                  endTime: args.maintenanceWindow?.endTime ?? GKE_DEFAULTS.maintenanceWindow.endTime,
                  recurrence: args.maintenanceWindow?.recurrence ?? GKE_DEFAULTS.maintenanceWindow.recurrence,
              });

    return {
        facts: {
            ipFamilies: [IpFamily.IPv4, IpFamily.IPv6],
            kubernetesVersion,
            platform: KubernetesPlatform.Gke,
            loadBalancer: external ? GKE_LOAD_BALANCER_EDGE : GKE_INTERNAL_ACCESS_EDGE,
        },
        project: args.project,
        region: args.region,
        clusterName,
        nodeServiceAccountId: nodeServiceAccountId(clusterName),
        kubernetesVersion,
        ...(zones ? { zones } : {}),
        ipv6AccessType,
        network,
        nodes,
        releaseChannel,
        deletionProtection: checkFlag(args.deletionProtection, "deletionProtection", true),
        privateNodes,
        privateEndpoint,
        ...(args.authorizedNetworks ? { authorizedNetworks: args.authorizedNetworks } : {}),
        ...(args.secretsEncryptionKey ? { secretsEncryptionKey: args.secretsEncryptionKey } : {}),
        customerManagedSecretsKey,
        enableWorkloadIdentity: checkFlag(args.enableWorkloadIdentity, "enableWorkloadIdentity", true),
        enableShieldedNodes: checkFlag(args.enableShieldedNodes, "enableShieldedNodes", true),
        enableLoggingAndMonitoring: checkFlag(args.enableLoggingAndMonitoring, "enableLoggingAndMonitoring", true),
        nodeImageType,
        nodeAutoRepair: checkFlag(args.nodeAutoRepair, "nodeAutoRepair", true),
        insecureKubeletReadonlyPort: checkFlag(args.insecureKubeletReadonlyPort, "insecureKubeletReadonlyPort", false),
        insecureRbacBindings: checkFlag(args.insecureRbacBindings, "insecureRbacBindings", false),
        securityPosture,
        flowLogs: checkFlag(args.flowLogs, "flowLogs", true),
        ...(maintenanceWindow ? { maintenanceWindow } : {}),
        warnings,
    };
}
