import { IpFamily } from "../target/cluster-facts";
import { type CisProof, type CloudPolicyChecks, cisChecks, isWholeInternet, valueAt, violation } from "../target/policy-check";
import { GKE_CIS } from "./cis";

/** The GKE cluster resource, as `GkeDualStackCluster` (and any `gcp.container.Cluster`) registers it. */
export const GKE_CLUSTER_TYPE = "gcp:container/cluster:Cluster";
/** A GKE node pool. */
export const GKE_NODE_POOL_TYPE = "gcp:container/nodePool:NodePool";

const isTrue = (value: unknown) => value === true;
const notTrue = (value: unknown) => value !== true;

/**
 * The CIS GKE controls of `cis.ts` that a resource's properties prove, with the property as
 * `GkeDualStackCluster` sets it (the table's `setting`). Controls that need more than one
 * resource's properties (5.1.3, 5.2.1 IAM roles; 5.6.6 firewall rules), those off by default
 * (5.6.4) and 5.6.3 (the mandatory endpoint policy's) are not checked here.
 */
const GKE_CIS_PROOFS: readonly CisProof[] = [
    { control: "4.1.8", type: GKE_CLUSTER_TYPE, path: "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated", holds: (v) => v === false, allowed: "false" },
    { control: "4.1.9", type: GKE_CLUSTER_TYPE, path: "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated", holds: (v) => v === false, allowed: "false" },
    { control: "4.1.10", type: GKE_CLUSTER_TYPE, path: "rbacBindingConfig.enableInsecureBindingSystemAuthenticated", holds: (v) => v === false, allowed: "false" },
    { control: "4.3.1", type: GKE_CLUSTER_TYPE, path: "datapathProvider", holds: (v) => v === "ADVANCED_DATAPATH", allowed: '"ADVANCED_DATAPATH"' },
    { control: "5.2.2", type: GKE_CLUSTER_TYPE, path: "workloadIdentityConfig.workloadPool", holds: (v) => typeof v === "string" && v !== "", allowed: '"<project>.svc.id.goog"' },
    { control: "5.3.1", type: GKE_CLUSTER_TYPE, path: "databaseEncryption.state", holds: (v) => v === "ENCRYPTED", allowed: '"ENCRYPTED" with a Cloud KMS keyName' },
    { control: "5.4.1", type: GKE_NODE_POOL_TYPE, path: "nodeConfig.workloadMetadataConfig.mode", holds: (v) => v === "GKE_METADATA", allowed: '"GKE_METADATA"' },
    {
        control: "5.5.1",
        type: GKE_NODE_POOL_TYPE,
        path: "nodeConfig.imageType",
        holds: (v) => typeof v === "string" && v.toUpperCase() === "COS_CONTAINERD",
        allowed: '"COS_CONTAINERD"',
    },
    { control: "5.5.2", type: GKE_NODE_POOL_TYPE, path: "management.autoRepair", holds: isTrue, allowed: "true" },
    { control: "5.5.3", type: GKE_NODE_POOL_TYPE, path: "management.autoUpgrade", holds: isTrue, allowed: "true" },
    {
        control: "5.5.4",
        type: GKE_CLUSTER_TYPE,
        path: "releaseChannel.channel",
        holds: (v) => typeof v === "string" && v !== "UNSPECIFIED",
        allowed: '"RAPID", "REGULAR", "STABLE" or "EXTENDED"',
    },
    { control: "5.5.5", type: GKE_CLUSTER_TYPE, path: "enableShieldedNodes", holds: isTrue, allowed: "true" },
    { control: "5.5.6", type: GKE_NODE_POOL_TYPE, path: "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", holds: isTrue, allowed: "true" },
    { control: "5.5.7", type: GKE_NODE_POOL_TYPE, path: "nodeConfig.shieldedInstanceConfig.enableSecureBoot", holds: isTrue, allowed: "true" },
    { control: "5.6.1", type: GKE_CLUSTER_TYPE, path: "enableIntranodeVisibility", holds: isTrue, allowed: "true" },
    { control: "5.6.2", type: GKE_CLUSTER_TYPE, path: "networkingMode", holds: (v) => v === "VPC_NATIVE", allowed: '"VPC_NATIVE"' },
    { control: "5.6.5", type: GKE_CLUSTER_TYPE, path: "privateClusterConfig.enablePrivateNodes", holds: isTrue, allowed: "true" },
    { control: "5.7.1", type: GKE_CLUSTER_TYPE, path: "loggingService", holds: (v) => v !== "none", allowed: 'anything but "none"' },
    { control: "5.7.1", type: GKE_CLUSTER_TYPE, path: "monitoringService", holds: (v) => v !== "none", allowed: 'anything but "none"' },
    { control: "5.8.1", type: GKE_CLUSTER_TYPE, path: "masterAuth.clientCertificateConfig.issueClientCertificate", holds: notTrue, allowed: "false or not set" },
    { control: "5.8.3", type: GKE_CLUSTER_TYPE, path: "enableLegacyAbac", holds: notTrue, allowed: "false or not set" },
    { control: "5.10.2", type: GKE_CLUSTER_TYPE, path: "enableKubernetesAlpha", holds: notTrue, allowed: "false or not set" },
    { control: "5.10.4", type: GKE_CLUSTER_TYPE, path: "securityPostureConfig.mode", holds: (v) => v !== "DISABLED", allowed: '"BASIC" or "ENTERPRISE"' },
];

const ENDPOINT_ALLOWED = "masterAuthorizedNetworksConfig.cidrBlocks without 0.0.0.0/0 or ::/0, or privateClusterConfig.enablePrivateEndpoint: true";

/**
 * What GKE contributes to the policy pack. The control plane's public endpoint takes connections
 * from any address unless authorized networks are on
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks); a private endpoint
 * (`privateClusterConfig.enablePrivateEndpoint`) or a switched-off public IP endpoint
 * (`controlPlaneEndpointsConfig.ipEndpointsConfig.enablePublicEndpoint: false`) has none.
 */
export const GKE_POLICY_CHECKS: CloudPolicyChecks = {
    cluster: {
        type: GKE_CLUSTER_TYPE,
        // https://cloud.google.com/kubernetes-engine/docs/how-to/dual-stack-clusters: stackType IPV4_IPV6.
        families: (props) => (valueAt(props, "ipAllocationPolicy.stackType") === "IPV4_IPV6" ? [IpFamily.IPv4, IpFamily.IPv6] : [IpFamily.IPv4]),
    },
    endpoint: [
        {
            type: GKE_CLUSTER_TYPE,
            check: (resource) => {
                const { props } = resource;
                if (valueAt(props, "privateClusterConfig.enablePrivateEndpoint") === true) {
                    return [];
                }
                const ipEndpoints = "controlPlaneEndpointsConfig.ipEndpointsConfig";
                if (valueAt(props, `${ipEndpoints}.enabled`) === false || valueAt(props, `${ipEndpoints}.enablePublicEndpoint`) === false) {
                    return [];
                }
                const networks = valueAt(props, "masterAuthorizedNetworksConfig");
                if (networks === undefined || networks === null) {
                    return [violation(resource, "masterAuthorizedNetworksConfig", networks, ENDPOINT_ALLOWED)];
                }
                const blocks = valueAt(networks, "cidrBlocks");
                if (!Array.isArray(blocks) || blocks.length === 0) {
                    // Authorized networks on with no block: only the VPC (and Google's ranges, if enabled) reaches it.
                    return [];
                }
                return blocks.flatMap((block: unknown, index) => {
                    const cidr = valueAt(block, "cidrBlock");
                    return isWholeInternet(cidr) ? [violation(resource, `masterAuthorizedNetworksConfig.cidrBlocks[${index}].cidrBlock`, cidr, ENDPOINT_ALLOWED)] : [];
                });
            },
        },
    ],
    cis: cisChecks(GKE_CIS, GKE_CIS_PROOFS),
};
