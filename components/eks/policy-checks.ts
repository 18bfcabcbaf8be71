import { valueAt } from "../key-path";
import { IpFamily } from "../target/cluster-facts";
import { type CisProof, type CloudPolicyChecks, cisChecks, worldOpenRanges } from "../target/policy-check";
import { EKS_CIS } from "./cis";

/** The EKS cluster resource, as `EksIpv6Cluster` (and any `aws.eks.Cluster`) registers it. */
export const EKS_CLUSTER_TYPE = "aws:eks/cluster:Cluster";
/** An EKS add-on. */
export const EKS_ADDON_TYPE = "aws:eks/addon:Addon";

/** True when an add-on's `configurationValues` (a JSON document) turns the VPC CNI's network policy agent on. */
function networkPolicyOn(configurationValues: unknown): boolean {
    if (typeof configurationValues !== "string") {
        return false;
    }
    try {
        const parsed: unknown = JSON.parse(configurationValues);
        const enabled = valueAt(parsed, "enableNetworkPolicy");
        return enabled === "true" || enabled === true;
    } catch {
        return false;
    }
}

const isVpcCni = (props: Readonly<Record<string, unknown>>) => props.addonName === "vpc-cni";

/**
 * The CIS EKS controls of `cis.ts` that a resource's properties prove, with the property as
 * `EksIpv6Cluster` sets it (the table's `setting`). Not here: the kubelet controls (inside the
 * launch template's MIME user data), 2.1.2 (the log group's key is unknown until created), IAM and
 * subnet controls (5.1.3, 5.2.1, 5.4.3: more than one resource), and 5.4.2 (off by default; the
 * mandatory endpoint policy covers an open endpoint).
 */
const EKS_CIS_PROOFS: readonly CisProof[] = [
    {
        controls: ["2.1.1"],
        type: EKS_CLUSTER_TYPE,
        path: "enabledClusterLogTypes",
        holds: (v) => Array.isArray(v) && v.includes("audit"),
        allowed: 'a list with "audit" (and "api", "authenticator", "controllerManager", "scheduler")',
    },
    {
        controls: ["4.1.7"],
        type: EKS_CLUSTER_TYPE,
        path: "accessConfig.authenticationMode",
        holds: (v) => v === "API" || v === "API_AND_CONFIG_MAP",
        allowed: '"API" (or "API_AND_CONFIG_MAP" while moving off aws-auth)',
    },
    // https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html
    {
        controls: ["4.3.1", "5.4.4"],
        type: EKS_ADDON_TYPE,
        applies: isVpcCni,
        path: "configurationValues",
        holds: networkPolicyOn,
        allowed: '{"enableNetworkPolicy":"true"}',
    },
    {
        controls: ["5.3.1"],
        type: EKS_CLUSTER_TYPE,
        path: "encryptionConfig.resources",
        holds: (v) => Array.isArray(v) && v.includes("secrets"),
        allowed: '["secrets"] with a KMS provider.keyArn',
    },
];

const ENDPOINT_ALLOWED = "vpcConfig.endpointPublicAccess: false, or vpcConfig.publicAccessCidrs without 0.0.0.0/0 or ::/0";

/**
 * What EKS contributes to the policy pack. EKS clusters are IPv4 or IPv6, never dual-stack
 * (`kubernetesNetworkConfig.ipFamily`, default `ipv4`). The public endpoint is on unless
 * `endpointPublicAccess` is false, and with no `publicAccessCidrs` it admits 0.0.0.0/0 (and ::/0 on
 * IPv6 clusters): https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html.
 */
export const EKS_POLICY_CHECKS: CloudPolicyChecks = {
    cluster: {
        type: EKS_CLUSTER_TYPE,
        families: (props) => (valueAt(props, "kubernetesNetworkConfig.ipFamily") === "ipv6" ? [IpFamily.IPv6] : [IpFamily.IPv4]),
    },
    endpoint: [
        {
            type: EKS_CLUSTER_TYPE,
            check: (resource) =>
                valueAt(resource.props, "vpcConfig.endpointPublicAccess") === false
                    ? []
                    : worldOpenRanges(resource, "vpcConfig.publicAccessCidrs", valueAt(resource.props, "vpcConfig.publicAccessCidrs"), ENDPOINT_ALLOWED),
        },
    ],
    cis: cisChecks(EKS_CIS, EKS_CIS_PROOFS),
};
