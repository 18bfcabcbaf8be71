import { valueAt } from "../key-path";
import { IpFamily } from "../target/cluster-facts";
import { type CisProof, type CloudPolicyChecks, cisChecks, isWholeInternet, violation } from "../target/policy-check";
import { GKE_CIS } from "./cis";

/** The GKE cluster resource, as `GkeDualStackCluster` (and any `gcp.container.Cluster`) registers it. */
export const GKE_CLUSTER_TYPE = "gcp:container/cluster:Cluster";
/** A GKE node pool. */
export const GKE_NODE_POOL_TYPE = "gcp:container/nodePool:NodePool";

const isTrue = (value: unknown) => value === true;
const notTrue = (value: unknown) => value !== true;
/** For a control GKE and the provider turn on when the property is absent: only an explicit `false` turns it off. */
const notFalse = (value: unknown) => value !== false;
/** A component list (`loggingConfig.enableComponents`) that is absent (GKE's default) or holds every one of `needed`. */
const listsOrUnset =
    (...needed: string[]) =>
    (value: unknown) =>
        value === undefined || (Array.isArray(value) && needed.every((component) => value.includes(component)));

/**
 * The CIS GKE controls of `cis.ts` that a resource's properties prove, with the property as
 * `GkeDualStackCluster` sets it (the table's `setting`). Controls that need more than one
 * resource's properties (5.1.3, 5.2.1 IAM roles; 5.6.6 firewall rules), those off by default
 * (5.6.4) and 5.6.3 (the mandatory endpoint policy's) are not checked here.
 *
 * A setting GKE and the provider turn on by default passes when absent and fails only when false
 * (`notFalse`), as @pulumi/gcp 9.37.0 documents it: `enableShieldedNodes` "Defaults to `true`"
 * (container/cluster.d.ts, ClusterArgs); `management.autoRepair` and `autoUpgrade` "Enabled by
 * default" (types/input.d.ts, NodePoolManagement); `shieldedInstanceConfig.enableIntegrityMonitoring`
 * "Defaults to `true`" (types/input.d.ts, ClusterNodeConfigShieldedInstanceConfig, the node_config
 * block a NodePool shares). Secure boot "Defaults to `false`" there, so 5.5.7 wants `true`.
 * 5.7.1 reads what the cluster component registers: `loggingConfig`/`monitoringConfig`
 * `enableComponents` when on (GKE's own defaults when absent), `loggingService`/`monitoringService`
 * `"none"` when a stack turns it off (`gcp.loggingAndMonitoring: false`).
 */
const GKE_CIS_PROOFS: readonly CisProof[] = [
    {
        controls: ["4.1.8", "4.1.9"],
        type: GKE_CLUSTER_TYPE,
        path: "rbacBindingConfig.enableInsecureBindingSystemUnauthenticated",
        holds: (v) => v === false,
        allowed: "false",
    },
    { controls: ["4.1.10"], type: GKE_CLUSTER_TYPE, path: "rbacBindingConfig.enableInsecureBindingSystemAuthenticated", holds: (v) => v === false, allowed: "false" },
    { controls: ["4.3.1"], type: GKE_CLUSTER_TYPE, path: "datapathProvider", holds: (v) => v === "ADVANCED_DATAPATH", allowed: '"ADVANCED_DATAPATH"' },
    {
        controls: ["5.2.2"],
        type: GKE_CLUSTER_TYPE,
        path: "workloadIdentityConfig.workloadPool",
        holds: (v) => typeof v === "string" && v !== "",
        allowed: '"<project>.svc.id.goog"',
    },
    { controls: ["5.3.1"], type: GKE_CLUSTER_TYPE, path: "databaseEncryption.state", holds: (v) => v === "ENCRYPTED", allowed: '"ENCRYPTED" with a Cloud KMS keyName' },
    { controls: ["5.4.1"], type: GKE_NODE_POOL_TYPE, path: "nodeConfig.workloadMetadataConfig.mode", holds: (v) => v === "GKE_METADATA", allowed: '"GKE_METADATA"' },
    {
        controls: ["5.5.1"],
        type: GKE_NODE_POOL_TYPE,
        path: "nodeConfig.imageType",
        holds: (v) => typeof v === "string" && v.toUpperCase() === "COS_CONTAINERD",
        allowed: '"COS_CONTAINERD"',
    },
    { controls: ["5.5.2"], type: GKE_NODE_POOL_TYPE, path: "management.autoRepair", holds: notFalse, allowed: "true or not set" },
    { controls: ["5.5.3"], type: GKE_NODE_POOL_TYPE, path: "management.autoUpgrade", holds: notFalse, allowed: "true or not set" },
    {
        controls: ["5.5.4"],
        type: GKE_CLUSTER_TYPE,
        path: "releaseChannel.channel",
        holds: (v) => typeof v === "string" && v !== "UNSPECIFIED",
        allowed: '"RAPID", "REGULAR", "STABLE" or "EXTENDED"',
    },
    { controls: ["5.5.5"], type: GKE_CLUSTER_TYPE, path: "enableShieldedNodes", holds: notFalse, allowed: "true or not set" },
    { controls: ["5.5.6"], type: GKE_NODE_POOL_TYPE, path: "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", holds: notFalse, allowed: "true or not set" },
    { controls: ["5.5.7"], type: GKE_NODE_POOL_TYPE, path: "nodeConfig.shieldedInstanceConfig.enableSecureBoot", holds: isTrue, allowed: "true" },
    { controls: ["5.6.1"], type: GKE_CLUSTER_TYPE, path: "enableIntranodeVisibility", holds: isTrue, allowed: "true" },
    { controls: ["5.6.2"], type: GKE_CLUSTER_TYPE, path: "networkingMode", holds: (v) => v === "VPC_NATIVE", allowed: '"VPC_NATIVE"' },
    { controls: ["5.6.5"], type: GKE_CLUSTER_TYPE, path: "privateClusterConfig.enablePrivateNodes", holds: isTrue, allowed: "true" },
    {
        controls: ["5.7.1"],
        type: GKE_CLUSTER_TYPE,
        path: "loggingConfig.enableComponents",
        holds: listsOrUnset("SYSTEM_COMPONENTS", "WORKLOADS"),
        allowed: 'a list with "SYSTEM_COMPONENTS" and "WORKLOADS", or not set',
    },
    {
        controls: ["5.7.1"],
        type: GKE_CLUSTER_TYPE,
        path: "monitoringConfig.enableComponents",
        holds: listsOrUnset("SYSTEM_COMPONENTS"),
        allowed: 'a list with "SYSTEM_COMPONENTS", or not set',
    },
    {
        controls: ["5.7.1"],
        type: GKE_CLUSTER_TYPE,
        path: "loggingService",
        holds: (v) => v !== "none",
        allowed: 'anything but "none"',
    },
    {
        controls: ["5.7.1"],
        type: GKE_CLUSTER_TYPE,
        path: "monitoringService",
        holds: (v) => v !== "none",
        allowed: 'anything but "none"',
    },
    {
        controls: ["5.8.1"],
        type: GKE_CLUSTER_TYPE,
        path: "masterAuth.clientCertificateConfig.issueClientCertificate",
        holds: notTrue,
        allowed: "false or not set",
    },
    { controls: ["5.8.3"], type: GKE_CLUSTER_TYPE, path: "enableLegacyAbac", holds: notTrue, allowed: "false or not set" },
    { controls: ["5.10.2"], type: GKE_CLUSTER_TYPE, path: "enableKubernetesAlpha", holds: notTrue, allowed: "false or not set" },
    { controls: ["5.10.4"], type: GKE_CLUSTER_TYPE, path: "securityPostureConfig.mode", holds: (v) => v !== "DISABLED", allowed: '"BASIC" or "ENTERPRISE"' },
];

const ENDPOINT_ALLOWED = "masterAuthorizedNetworksConfig.cidrBlocks without 0.0.0.0/0 or ::/0, or privateClusterConfig.enablePrivateEndpoint: true";
const NO_GCP_PUBLIC =
    "false while masterAuthorizedNetworksConfig.cidrBlocks is empty (otherwise every Google Cloud public IP address reaches the endpoint), or cidrBlocks without 0.0.0.0/0 or ::/0, or privateClusterConfig.enablePrivateEndpoint: true";

/**
 * What GKE contributes to the policy pack. The control plane's public endpoint takes connections
 * from any address unless authorized networks are on
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks). A private endpoint
 * (`privateClusterConfig.enablePrivateEndpoint`) or switched-off IP endpoints
 * (`controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false`, the one field of that block in
 * @pulumi/gcp 9.37.0: "Controls whether to allow direct IP access") leave no public IP endpoint.
 * Authorized networks with no block admit only the VPC, unless `gcpPublicCidrsAccessEnabled` is
 * left on, which admits every Google Cloud public IP address: anyone's VM.
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
                if (valueAt(props, "controlPlaneEndpointsConfig.ipEndpointsConfig.enabled") === false) {
                    return [];
                }
                const networks = valueAt(props, "masterAuthorizedNetworksConfig");
                if (networks === undefined || networks === null) {
                    return [violation(resource, "masterAuthorizedNetworksConfig", networks, ENDPOINT_ALLOWED)];
                }
                const blocks = valueAt(networks, "cidrBlocks");
                if (!Array.isArray(blocks) || blocks.length === 0) {
                    // Authorized networks on with no block: only the VPC, and Google Cloud's public addresses unless switched off.
                    const gcpPublic = valueAt(networks, "gcpPublicCidrsAccessEnabled");
                    return gcpPublic === false ? [] : [violation(resource, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", gcpPublic, NO_GCP_PUBLIC)];
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
