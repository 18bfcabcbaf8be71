import * as pulumi from "@pulumi/pulumi";
import { LogGroup } from "@pulumi/aws/cloudwatch/logGroup";
import { LaunchTemplate } from "@pulumi/aws/ec2/launchTemplate";
import { Vpc } from "@pulumi/aws/ec2/vpc";
import { AccessEntry } from "@pulumi/aws/eks/accessEntry";
import { AccessPolicyAssociation } from "@pulumi/aws/eks/accessPolicyAssociation";
import { Addon } from "@pulumi/aws/eks/addon";
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
import { CLUSTER_ROLE_POLICIES, managedPolicyArn, NODE_ROLE_POLICIES, trustPolicy, vpcCniIpv6Policy } from "./iam";
import { eksKubeconfig } from "./kubeconfig";
import { autonamedLogicalName } from "./names";
import { LOAD_BALANCER_CONTROLLER_CHART, loadBalancerControllerPolicy, loadBalancerControllerValues } from "./load-balancer-controller";
import { createEksNetwork, createNodeSecurityGroup, type EksZoneSubnetPair } from "./network";
import { checkEksSecretsKey, type EksClusterPlan, type EksIpv6ClusterArgs, PLANNED_EKS_ARGS, planEksCluster } from "./plan";

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
 * NAT gateway for IPv4; IAM roles for the control plane, the nodes (with the VPC CNI's IPv6
 * policy) and the load-balancer controller; the cluster (KMS-encrypted Secrets, all five log
 * types, API access mode); the `vpc-cni`, `kube-proxy`, `coredns` and `eks-pod-identity-agent`
 * add-ons; a managed node group on Nitro instances requiring IMDSv2; a Kubernetes provider using
 * `aws eks get-token`; and the AWS Load Balancer Controller. Every argument is checked before
 * anything is created.
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
        // Created ahead of the cluster, so that EKS writes into it and its retention applies.
        const logGroup = new LogGroup(
            `${name}-control-plane-logs`,
            { region, name: `/aws/eks/${plan.clusterName}/cluster`, retentionInDays: CONTROL_PLANE_LOG_RETENTION_DAYS },
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
        const nodeRolePolicies = [
            ...NODE_ROLE_POLICIES.map(
                (policy) => new RolePolicyAttachment(`${name}-node-role-${policy}`, { role: nodeRole.name, policyArn: managedPolicyArn(partition, policy) }, parent),
            ),
            new RolePolicyAttachment(`${name}-node-role-vpc-cni-ipv6`, { role: nodeRole.name, policyArn: vpcCniIpv6.arn }, parent),
        ];

        const addon = (key: keyof typeof EKS_ADDONS, dependsOn: pulumi.Resource[] = []) =>
            new Addon(
                `${name}-${EKS_ADDONS[key]}`,
                {
                    region,
                    clusterName,
                    addonName: EKS_ADDONS[key],
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "PRESERVE",
                },
                { parent: this, dependsOn },
            );
        // The CNI switches itself to IPv6 mode from the cluster's family, and must run before any
        // node boots; DaemonSet add-ons become active without nodes, Deployments do not.
        const vpcCni = addon("vpcCni");
        const kubeProxy = addon("kubeProxy");
        const podIdentityAgent = addon("podIdentityAgent");

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
            { parent: this, dependsOn: [vpcCni, ...nodeRolePolicies], ignoreChanges: ["scalingConfig.desiredSize"] },
        );
        const coreDns = addon("coreDns", [this.nodeGroup]);

        const admin = this.grantDeployerAdmin(name, plan);
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
        this.provider = new Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this, dependsOn: [admin] });

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
     * stack, instead of EKS's invisible creator bootstrap. An assumed role is resolved to the role
     * itself, since access entries name IAM principals, not sessions.
     */
    private grantDeployerAdmin(name: string, plan: EksClusterPlan): AccessPolicyAssociation {
        const parent = { parent: this };
        const caller = getCallerIdentityOutput({}, parent);
        const principalArn = getSessionContextOutput({ arn: caller.arn }, parent).issuerArn;
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
