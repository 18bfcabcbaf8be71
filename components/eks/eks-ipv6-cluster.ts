import * as pulumi from "@pulumi/pulumi";
import { LogGroup } from "@pulumi/aws/cloudwatch/logGroup";
import { LaunchTemplate } from "@pulumi/aws/ec2/launchTemplate";
import { Vpc } from "@pulumi/aws/ec2/vpc";
import { AccessEntry } from "@pulumi/aws/eks/accessEntry";
import { AccessPolicyAssociation } from "@pulumi/aws/eks/accessPolicyAssociation";
import { Addon, type AddonArgs } from "@pulumi/aws/eks/addon";
import { Cluster } from "@pulumi/aws/eks/cluster";
import { NodeGroup } from "@pulumi/aws/eks/nodeGroup";
import { PodIdentityAssociation } from "@pulumi/aws/eks/podIdentityAssociation";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getSessionContextOutput } from "@pulumi/aws/iam/getSessionContext";
import { Policy } from "@pulumi/aws/iam/policy";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";
import { Key } from "@pulumi/aws/kms/key";
import { Release } from "@pulumi/kubernetes/helm/v3/release";
import { Provider } from "@pulumi/kubernetes/provider";
import { checkedFor, formatWarning } from "../errors";
import { RELEASE_DEFAULTS } from "../target/release-defaults";
import type { ClusterTarget } from "../target/cluster-target";
import { checkedWhenKnown } from "../target/checked-when-known";
import {
    CLUSTER_ROLE_POLICIES,
    controlPlaneLogKeyPolicy,
    managedPolicyArn,
    NODE_ROLE_POLICIES,
    trustPolicy,
    VPC_CNI_MANAGED_POLICIES,
    VPC_CNI_SERVICE_ACCOUNT,
    vpcCniIpv6Policy,
} from "./iam";
import { eksKubeconfig } from "./kubeconfig";
import { autonamedLogicalName } from "./names";
import { LOAD_BALANCER_CONTROLLER_CHART, loadBalancerControllerPolicy, loadBalancerControllerValues } from "./load-balancer-controller";
import { createEksNetwork, createNodeSecurityGroup, type EksZoneSubnetPair } from "./network";
import { kubeletUserData } from "./node-config";
import { checkEksSecretsKey, type EksClusterPlan, EksDeployerAccess, type EksIpv6ClusterArgs, PLANNED_EKS_ARGS, planEksCluster } from "./plan";

/** The five control-plane log types; CIS EKS 2.1.1 asks for all of them. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** How long control-plane logs are kept (EKS's own log group would keep them forever). */
export const CONTROL_PLANE_LOG_RETENTION_DAYS = 90;

/** The EKS add-ons this component manages, by the name EKS knows them by. */
export const EKS_ADDONS = {
    vpcCni: "vpc-cni",
    kubeProxy: "kube-proxy",
    coreDns: "coredns",
    podIdentityAgent: "eks-pod-identity-agent",
} as const;

/** The `vpc-cni` add-on's configuration that turns its network policy agent on (a string, as the chart takes it). */
export const VPC_CNI_NETWORK_POLICY_VALUES = { enableNetworkPolicy: "true" } as const;

/** The access policy the deploying identity gets, so that the same run can install Istio. */
export const CLUSTER_ADMIN_ACCESS_POLICY = "AmazonEKSClusterAdminPolicy";

/**
 * An EKS cluster whose pods and Services are IPv6, on a VPC that carries both families, behind
 * dual-stack Network Load Balancers: the closest EKS comes to dual-stack, since a cluster has one
 * family. Produces the {@link ClusterTarget} that {@link DualStackIstio} installs onto, with
 * families `[IPv6]` and a dual-stack load-balancer edge.
 *
 * Creates a VPC with an Amazon-provided IPv6 /56 and, in each zone, a public and a private subnet
 * with an IPv4 block and an IPv6 /64; an internet gateway, an egress-only gateway for IPv6 and a
 * NAT gateway for IPv4 (or one per zone); IAM roles for the control plane, the nodes, the VPC CNI
 * (through Pod Identity, with its IPv6 policy) and the load-balancer controller; the cluster
 * (KMS-encrypted Secrets, all five log types into a KMS-encrypted log group, API access mode);
 * the `vpc-cni` (network policy on), `kube-proxy`, `coredns` and `eks-pod-identity-agent`
 * add-ons; a managed node group on Nitro instances requiring IMDSv2, with the CIS kubelet
 * settings pinned on AL2023; a Kubernetes provider using `aws eks get-token`; and the AWS Load
 * Balancer Controller. The CIS controls this meets are `EKS_CIS` (`cis.ts`). Every argument is
 * checked before anything is created.
 */
export class EksIpv6Cluster extends pulumi.ComponentResource {
    /** The cluster target: provider, families `[IPv6]`, the dual-stack edge, readiness. */
    public readonly target: ClusterTarget;
    /** The EKS cluster. */
    public readonly cluster: Cluster;
    /** The EKS cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    /** The API server's URL. */
    public readonly endpoint: pulumi.Output<string>;
    /** A kubeconfig for the cluster using `aws eks get-token` (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The VPC. */
    public readonly vpc: Vpc;
    /** The VPC's Amazon-provided IPv6 /56, which every subnet's /64 comes from. */
    public readonly vpcIpv6CidrBlock: pulumi.Output<string>;
    /** The subnets, one public and one private per availability zone. */
    public readonly subnets: EksZoneSubnetPair[];
    /** The IPv6 range EKS picked for Services (from `fc00::/7`). */
    public readonly serviceIpv6Cidr: pulumi.Output<string>;
    /** The managed node group. */
    public readonly nodeGroup: NodeGroup;
    /** The AWS Load Balancer Controller's Helm release. */
    public readonly loadBalancerController: Release;
    /** The Kubernetes provider for the cluster (also in {@link EksIpv6Cluster.target}). */
    public readonly provider: Provider;

    constructor(name: string, args: EksIpv6ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = PLANNED_EKS_ARGS.planOf(args, () => checkedFor("EksIpv6Cluster", name, () => planEksCluster(name, args)));
        super("dualstack-istio:index:EksIpv6Cluster", name, args, opts);
        for (const warning of plan.warnings) {
            void pulumi.log.warn(formatWarning(warning), this);
        }
        const { region, partition } = plan;
        const parent = { parent: this };
        const caller = getCallerIdentityOutput({}, parent);

        const network = createEksNetwork(this, name, plan);
        this.vpc = network.vpc;
        this.vpcIpv6CidrBlock = network.vpc.ipv6CidrBlock;
        this.subnets = network.subnets;
        const privateSubnetIds = network.subnets.map((pair) => pair.private.id);

        const clusterRole = new Role(
            autonamedLogicalName(`${name}-cluster-role`, "iamRole"),
            {
                description: `EKS control plane of ${plan.clusterName}`,
                assumeRolePolicy: JSON.stringify(trustPolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"])),
            },
            parent,
        );
        const clusterRolePolicies = CLUSTER_ROLE_POLICIES.map(
            (policy) => new RolePolicyAttachment(`${name}-cluster-role-${policy}`, { role: clusterRole.name, policyArn: managedPolicyArn(partition, policy) }, parent),
        );
        const secretsKeyArn =
            (plan.secretsEncryptionKeyArn && checkedWhenKnown(plan.secretsEncryptionKeyArn, (arn) => checkEksSecretsKey(arn, region))) ??
            new Key(`${name}-secrets-key`, { region, description: `Encrypts Secrets of EKS cluster ${plan.clusterName}`, enableKeyRotation: true }, parent).arn;
        // CIS EKS 2.1.2: a key of its own, which CloudWatch Logs may use for this log group only
        // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
        const logKey = plan.encryptControlPlaneLogs
            ? new Key(
                  `${name}-control-plane-logs-key`,
                  {
                      region,
                      description: `Encrypts control-plane logs of EKS cluster ${plan.clusterName}`,
                      enableKeyRotation: true,
                      policy: caller.accountId.apply((account) => JSON.stringify(controlPlaneLogKeyPolicy({ partition, region, account, clusterName: plan.clusterName }))),
                  },
                  parent,
              )
            : undefined;
        // Created ahead of the cluster, so that EKS writes into it and its retention applies.
        const logGroup = new LogGroup(
            `${name}-control-plane-logs`,
            {
                region,
                name: `/aws/eks/${plan.clusterName}/cluster`,
                retentionInDays: CONTROL_PLANE_LOG_RETENTION_DAYS,
                ...(logKey ? { kmsKeyId: logKey.arn } : {}),
            },
            parent,
        );

        this.cluster = new Cluster(
            `${name}-cluster`,
            {
                region,
                name: plan.clusterName,
                version: plan.kubernetesVersion,
                roleArn: clusterRole.arn,
                // No serviceIpv4Cidr: EKS picks the IPv6 Service range itself, from fc00::/7.
                kubernetesNetworkConfig: { ipFamily: "ipv6" },
                vpcConfig: {
                    subnetIds: privateSubnetIds,
                    endpointPrivateAccess: true,
                    endpointPublicAccess: plan.publicEndpoint,
                    publicAccessCidrs: plan.publicAccessCidrs ? [...plan.publicAccessCidrs] : undefined,
                },
                accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
                encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKeyArn } },
                enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
                // The add-ons below are EKS-managed instead of the unmanaged copies EKS would install.
                bootstrapSelfManagedAddons: false,
                deletionProtection: plan.deletionProtection,
            },
            { parent: this, dependsOn: [...clusterRolePolicies, logGroup] },
        );
        const clusterName = this.cluster.name;

        const nodeRole = new Role(
            autonamedLogicalName(`${name}-node-role`, "iamRole"),
            { description: `Nodes of EKS cluster ${plan.clusterName}`, assumeRolePolicy: JSON.stringify(trustPolicy("ec2.amazonaws.com")) },
            parent,
        );
        const vpcCniIpv6 = new Policy(
            autonamedLogicalName(`${name}-vpc-cni-ipv6`, "iamPolicy"),
            {
                description: `The VPC CNI's IPv6 permissions for EKS cluster ${plan.clusterName}`,
                policy: JSON.stringify(vpcCniIpv6Policy(partition)),
            },
            parent,
        );
        const nodeRolePolicies = NODE_ROLE_POLICIES.map(
            (policy) => new RolePolicyAttachment(`${name}-node-role-${policy}`, { role: nodeRole.name, policyArn: managedPolicyArn(partition, policy) }, parent),
        );
        // CIS EKS 5.2.1: the CNI's permissions on a role only `aws-node` assumes, through EKS Pod
        // Identity (https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html); without
        // it, on the node role, where every pod without its own role could reach them.
        const vpcCniRole = plan.vpcCniPodIdentity
            ? new Role(
                  autonamedLogicalName(`${name}-vpc-cni`, "iamRole"),
                  {
                      description: `VPC CNI of EKS cluster ${plan.clusterName}`,
                      assumeRolePolicy: JSON.stringify(trustPolicy("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"])),
                  },
                  parent,
              )
            : undefined;
        const cniHolder = vpcCniRole ? { prefix: `${name}-vpc-cni`, role: vpcCniRole } : { prefix: `${name}-node-role`, role: nodeRole };
        const vpcCniPolicies = [
            ...VPC_CNI_MANAGED_POLICIES.map(
                (policy) => new RolePolicyAttachment(`${cniHolder.prefix}-${policy}`, { role: cniHolder.role.name, policyArn: managedPolicyArn(partition, policy) }, parent),
            ),
            new RolePolicyAttachment(`${cniHolder.prefix}-vpc-cni-ipv6`, { role: cniHolder.role.name, policyArn: vpcCniIpv6.arn }, parent),
        ];

        const addon = (key: keyof typeof EKS_ADDONS, dependsOn: pulumi.Resource[] = [], extra: Partial<AddonArgs> = {}) =>
            new Addon(
                `${name}-${EKS_ADDONS[key]}`,
                {
                    region,
                    clusterName,
                    addonName: EKS_ADDONS[key],
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "PRESERVE",
                    ...extra,
                },
                { parent: this, dependsOn },
            );
        // The CNI switches itself to IPv6 mode from the cluster's family, and must run before any
        // node boots; DaemonSet add-ons become active without nodes, Deployments do not. Its
        // network policy agent (CIS EKS 4.3.1, 5.4.4) is off unless asked for:
        // https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html
        // With its permissions through Pod Identity, aws-node gets credentials from the agent, which
        // therefore comes first.
        const podIdentityAgent = addon("podIdentityAgent");
        const vpcCni = addon("vpcCni", vpcCniRole ? [...vpcCniPolicies, podIdentityAgent] : [], {
            ...(plan.networkPolicy ? { configurationValues: JSON.stringify(VPC_CNI_NETWORK_POLICY_VALUES) } : {}),
            ...(vpcCniRole ? { podIdentityAssociations: [{ serviceAccount: VPC_CNI_SERVICE_ACCOUNT, roleArn: vpcCniRole.arn }] } : {}),
        });
        const kubeProxy = addon("kubeProxy");

        const nodeSecurityGroup = createNodeSecurityGroup(this, name, plan, this.vpc);
        const launchTemplate = new LaunchTemplate(
            autonamedLogicalName(`${name}-nodes`, "launchTemplate"),
            {
                region,
                description: `Nodes of EKS cluster ${plan.clusterName}`,
                // Hop limit 1 keeps pods away from the node role's credentials.
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, httpProtocolIpv6: "enabled" },
                vpcSecurityGroupIds: [this.cluster.vpcConfig.clusterSecurityGroupId, nodeSecurityGroup.id],
                blockDeviceMappings: [
                    {
                        deviceName: plan.amiType.startsWith("BOTTLEROCKET") ? "/dev/xvdb" : "/dev/xvda",
                        ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
                    },
                ],
                tagSpecifications: [{ resourceType: "instance", tags: { Name: `${plan.clusterName}-node` } }],
                // CIS EKS 3.2.1-3.2.9 pinned in a NodeConfig part, which EKS merges with its own.
                ...(plan.pinKubeletSettings ? { userData: kubeletUserData() } : {}),
            },
            parent,
        );
        this.nodeGroup = new NodeGroup(
            autonamedLogicalName(`${name}-nodes`, "nodeGroup"),
            {
                region,
                clusterName,
                nodeRoleArn: nodeRole.arn,
                subnetIds: privateSubnetIds,
                amiType: plan.amiType,
                instanceTypes: [plan.nodes.instanceType],
                scalingConfig: { desiredSize: plan.nodes.count, minSize: plan.nodes.minCount, maxSize: plan.nodes.maxCount },
                updateConfig: { maxUnavailable: 1 },
                launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
            },
            // Nodes join only with the CNI running and allowed to assign IPv6 prefixes. An
            // autoscaler owns the size after creation.
            { parent: this, dependsOn: [vpcCni, ...nodeRolePolicies, ...vpcCniPolicies], ignoreChanges: ["scalingConfig.desiredSize"] },
        );
        const coreDns = addon("coreDns", [this.nodeGroup]);

        const admin = plan.deployerAccess === EksDeployerAccess.ClusterAdmin ? [this.grantDeployerAdmin(name, plan, caller.arn)] : [];
        this.clusterName = clusterName;
        this.endpoint = this.cluster.endpoint;
        this.serviceIpv6Cidr = this.cluster.kubernetesNetworkConfig.apply((config) => config.serviceIpv6Cidr);
        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.cluster.arn, this.cluster.endpoint, this.cluster.certificateAuthority])
                .apply(([clusterArn, endpoint, authority]) =>
                    eksKubeconfig({ region, clusterName: plan.clusterName, clusterArn, endpoint, certificateAuthorityData: authority.data }),
                ),
        );
        // The deployer's access must exist before anything talks to the API server.
        this.provider = new Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this, dependsOn: admin });

        this.loadBalancerController = this.createLoadBalancerController(name, plan, [this.nodeGroup, coreDns, podIdentityAgent]);
        this.target = {
            ...plan.facts,
            provider: this.provider,
            readyForWorkloads: [vpcCni, kubeProxy, this.nodeGroup, coreDns],
            readyForLoadBalancers: [this.loadBalancerController],
        };

        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            kubeconfig: this.kubeconfig,
            vpcIpv6CidrBlock: this.vpcIpv6CidrBlock,
            serviceIpv6Cidr: this.serviceIpv6Cidr,
        });
    }

    /**
     * Gives whoever runs `pulumi up` cluster-admin through an access entry that lives in this
     * stack, instead of EKS's invisible creator bootstrap (unless `deployerAccess` is `none`). An
     * assumed role is resolved to the role itself, since access entries name IAM principals, not sessions.
     */
    private grantDeployerAdmin(name: string, plan: EksClusterPlan, callerArn: pulumi.Output<string>): AccessPolicyAssociation {
        const parent = { parent: this };
        const principalArn = getSessionContextOutput({ arn: callerArn }, parent).issuerArn;
        const entry = new AccessEntry(`${name}-deployer`, { region: plan.region, clusterName: this.cluster.name, principalArn, type: "STANDARD" }, parent);
        return new AccessPolicyAssociation(
            `${name}-deployer-admin`,
            {
                region: plan.region,
                clusterName: this.cluster.name,
                principalArn: entry.principalArn,
                policyArn: `arn:${plan.partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_ACCESS_POLICY}`,
                accessScope: { type: "cluster" },
            },
            parent,
        );
    }

    /** The AWS Load Balancer Controller, with its IAM role bound to its service account through EKS Pod Identity. */
    private createLoadBalancerController(name: string, plan: EksClusterPlan, after: pulumi.Resource[]): Release {
        const parent = { parent: this };
        const role = new Role(
            autonamedLogicalName(`${name}-lb-controller`, "iamRole"),
            {
                description: `AWS Load Balancer Controller of EKS cluster ${plan.clusterName}`,
                assumeRolePolicy: JSON.stringify(trustPolicy("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"])),
            },
            parent,
        );
        const policy = new Policy(
            autonamedLogicalName(`${name}-lb-controller`, "iamPolicy"),
            {
                description: `AWS Load Balancer Controller of EKS cluster ${plan.clusterName}`,
                policy: JSON.stringify(loadBalancerControllerPolicy(plan.partition)),
            },
            parent,
        );
        const attachment = new RolePolicyAttachment(`${name}-lb-controller`, { role: role.name, policyArn: policy.arn }, parent);
        const identity = new PodIdentityAssociation(
            `${name}-lb-controller`,
            {
                region: plan.region,
                clusterName: this.cluster.name,
                namespace: LOAD_BALANCER_CONTROLLER_CHART.namespace,
                serviceAccount: LOAD_BALANCER_CONTROLLER_CHART.serviceAccount,
                roleArn: role.arn,
            },
            parent,
        );
        return new Release(
            `${name}-lb-controller`,
            {
                name: LOAD_BALANCER_CONTROLLER_CHART.chart,
                chart: LOAD_BALANCER_CONTROLLER_CHART.chart,
                version: LOAD_BALANCER_CONTROLLER_CHART.version,
                repositoryOpts: { repo: LOAD_BALANCER_CONTROLLER_CHART.repository },
                namespace: LOAD_BALANCER_CONTROLLER_CHART.namespace,
                values: this.vpc.id.apply((vpcId) => loadBalancerControllerValues({ clusterName: plan.clusterName, region: plan.region, vpcId })),
                timeout: 600,
                ...RELEASE_DEFAULTS,
            },
            { parent: this, provider: this.provider, dependsOn: [...after, identity, attachment] },
        );
    }
}
