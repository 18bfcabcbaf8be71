import type { CisBenchmark, CisControl } from "../target/cis";
import type { AwsCloudPlan } from "./cloud";
import { CIS_KUBELET_CONFIG } from "./node-config";

// The CIS Amazon EKS Benchmark v1.8.0 controls an EksIpv6Cluster has on by default. Numbers and
// titles: aquasecurity/kube-bench `cfg/eks-1.8.0/{controlplane,node,policies,managedservices}.yaml`
// at commit a73ce378 (https://github.com/aquasecurity/kube-bench/tree/a73ce378/cfg/eks-1.8.0).

type Control = CisControl<AwsCloudPlan>;

/** The kubelet controls: pinned in the AL2023 nodes' NodeConfig (see `node-config.ts`). */
const kubelet = (id: string, title: string, setting: string): Control => ({
    id,
    title,
    setting: `launch template \`userData\` NodeConfig \`spec.kubelet.config.${setting}\` (AL2023 nodes)`,
    optOut: { key: "aws.pinKubeletSettings", value: "false" },
    // Bottlerocket's defaults were not checked against its source, so only AL2023 counts.
    on: (plan) => plan.cluster.pinKubeletSettings,
});

const { authentication, authorization } = CIS_KUBELET_CONFIG;

/** Why the cluster's access-entry controls cannot be turned off. */
const ACCESS_ENTRIES_ONLY =
    "the cluster uses access entries only (`authenticationMode: API`); the aws-auth ConfigMap is deprecated, and the package's own access (deployer, nodes, Pod Identity) is made of access entries";

export const EKS_CIS: CisBenchmark<AwsCloudPlan> = {
    name: "CIS Amazon EKS Benchmark v1.8.0",
    source: "https://github.com/aquasecurity/kube-bench/tree/a73ce378/cfg/eks-1.8.0",
    controls: [
        {
            id: "2.1.1",
            title: "Enable audit Logs",
            setting: 'Cluster `enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"]`',
            fixed: "the logs cost little next to the cluster, and without them nothing that happened on the control plane can be looked up",
            on: () => true,
        },
        {
            id: "2.1.2",
            title: "Ensure audit logs are collected and managed",
            setting: "log group `/aws/eks/<cluster>/cluster` made ahead of the cluster, `retentionInDays: 90`, `kmsKeyId`: a key of its own with rotation",
            optOut: { key: "aws.encryptControlPlaneLogs", value: "false" },
            on: (plan) => plan.cluster.encryptControlPlaneLogs,
        },
        kubelet("3.2.1", "Ensure that the Anonymous Auth is Not Enabled", `authentication.anonymous.enabled: ${String(authentication.anonymous.enabled)}`),
        kubelet("3.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow", `authorization.mode: ${authorization.mode}`),
        kubelet("3.2.3", "Ensure that a Client CA File is Configured", `authentication.x509.clientCAFile: ${authentication.x509.clientCAFile}`),
        kubelet("3.2.4", "Ensure that the --read-only-port is disabled", `readOnlyPort: ${CIS_KUBELET_CONFIG.readOnlyPort}`),
        kubelet(
            "3.2.5",
            "Ensure that the --streaming-connection-idle-timeout argument is not set to 0",
            `streamingConnectionIdleTimeout: ${CIS_KUBELET_CONFIG.streamingConnectionIdleTimeout}`,
        ),
        kubelet("3.2.6", "Ensure that the --make-iptables-util-chains argument is set to true", `makeIPTablesUtilChains: ${String(CIS_KUBELET_CONFIG.makeIPTablesUtilChains)}`),
        kubelet(
            "3.2.7",
            "Ensure that the --eventRecordQPS argument is set to 0 or a level which ensures appropriate event capture",
            `eventRecordQPS: ${CIS_KUBELET_CONFIG.eventRecordQPS}`,
        ),
        kubelet("3.2.8", "Ensure that the --rotate-certificates argument is not present or is set to true", `rotateCertificates: ${String(CIS_KUBELET_CONFIG.rotateCertificates)}`),
        kubelet(
            "3.2.9",
            "Ensure that the RotateKubeletServerCertificate argument is set to true",
            `featureGates.RotateKubeletServerCertificate: ${String(CIS_KUBELET_CONFIG.featureGates.RotateKubeletServerCertificate)}`,
        ),
        {
            id: "4.1.7",
            title: "Cluster Access Manager API to streamline and enhance the management of access controls within EKS clusters",
            setting: 'Cluster `accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false }`; access through AccessEntry resources',
            fixed: ACCESS_ENTRIES_ONLY,
            on: () => true,
        },
        {
            id: "4.3.1",
            title: "Ensure that the CNI in use supports Network Policies",
            setting: '`vpc-cni` Addon `configurationValues: {"enableNetworkPolicy":"true"}`',
            optOut: { key: "aws.networkPolicy", value: "false" },
            on: (plan) => plan.cluster.networkPolicy,
        },
        {
            id: "5.1.3",
            title: "Minimize cluster access to read-only for Amazon ECR",
            setting: "node role: `AmazonEC2ContainerRegistryPullOnly`, no ECR write policy",
            fixed: "nodes only pull images; nothing in the cluster the package builds pushes to ECR",
            on: () => true,
        },
        {
            id: "5.2.1",
            title: "Prefer using dedicated Amazon EKS Service Accounts",
            setting:
                '`vpc-cni` Addon `podIdentityAssociations: [{ serviceAccount: "aws-node", roleArn }]` (CNI policies off the node role); the load-balancer controller through a PodIdentityAssociation',
            optOut: { key: "aws.vpcCniPodIdentity", value: "false" },
            on: (plan) => plan.cluster.vpcCniPodIdentity,
        },
        {
            id: "5.3.1",
            title: "Ensure Kubernetes Secrets are encrypted using Customer Master Keys (CMKs) managed in AWS KMS",
            setting: 'Cluster `encryptionConfig: { resources: ["secrets"], provider: { keyArn } }`: `aws.secretsEncryptionKeyArn`, or a new key with rotation',
            fixed: "EKS always envelope-encrypts Secrets, and a customer key only adds who controls it; the key is created when none is given, and EKS cannot remove it from a cluster later",
            on: () => true,
        },
        {
            id: "5.4.2",
            title: "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled",
            setting: "Cluster `vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false }`",
            // Off by default: the same `pulumi up` installs Istio through the API, which a deployer
            // outside the VPC could not reach.
            optIn: { key: "aws.publicEndpoint", value: "false" },
            on: (plan) => !plan.cluster.publicEndpoint,
        },
        {
            id: "5.4.3",
            title: "Ensure clusters are created with Private Nodes",
            setting: "NodeGroup `subnetIds`: the private subnets (IPv4 through NAT, IPv6 through the egress-only gateway)",
            fixed: "nodes need no inbound path from the internet: load balancers reach pods through the public subnets",
            on: () => true,
        },
        {
            id: "5.4.4",
            title: "Ensure Network Policy is Enabled and set as appropriate",
            setting: '`vpc-cni` Addon `configurationValues: {"enableNetworkPolicy":"true"}`',
            optOut: { key: "aws.networkPolicy", value: "false" },
            on: (plan) => plan.cluster.networkPolicy,
        },
        {
            id: "5.5.1",
            title: "Manage Kubernetes RBAC users with AWS IAM Authenticator for Kubernetes or Upgrade to AWS CLI v1.16.156 or greater",
            setting: 'Cluster `accessConfig.authenticationMode: "API"` (IAM principals through access entries); the kubeconfig uses `aws eks get-token`',
            fixed: ACCESS_ENTRIES_ONLY,
            on: () => true,
        },
    ],
};
