/** An IAM policy document, as IAM takes it in JSON. */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow";
    readonly Action: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Principal?: { readonly Service: string } | { readonly AWS: string };
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** A trust policy letting one AWS service assume the role. */
export function trustPolicy(service: string, actions: readonly string[] = ["sts:AssumeRole"]): PolicyDocument {
    return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: [...actions] }] };
}

/** An AWS-managed policy's ARN in `partition`. */
export function managedPolicyArn(partition: string, policyName: string): string {
    return `arn:${partition}:iam::aws:policy/${policyName}`;
}

/** What the EKS control plane's role needs. */
export const CLUSTER_ROLE_POLICIES = ["AmazonEKSClusterPolicy"] as const;

/**
 * What every node needs: joining the cluster (which includes `eks-auth:AssumeRoleForPodIdentity`,
 * for the Pod Identity agent) and pulling images, read-only (CIS EKS 5.1.3).
 */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"] as const;

/**
 * The VPC CNI's AWS-managed policy: its IPv4 permissions, which it needs even in IPv6 mode
 * (without them ENI creation fails with 403s). It goes on the CNI's own Pod Identity role, or on
 * the node role when `vpcCniPodIdentity` is off; the IPv6 policy ({@link vpcCniIpv6Policy}) goes
 * with it. https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html
 */
export const VPC_CNI_MANAGED_POLICIES = ["AmazonEKS_CNI_Policy"] as const;

/** The VPC CNI's Kubernetes service account, which its Pod Identity association names. */
export const VPC_CNI_SERVICE_ACCOUNT = "aws-node";

/**
 * The VPC CNI's IPv6 actions (aws/amazon-vpc-cni-k8s `docs/iam-policy.md`, "IPv6 mode"). The EKS
 * user guide still lists five; vpc-cni 1.22 also needs the two `Describe*` additions. AWS ships no
 * managed policy for this, and the guide's name is account-global, so each cluster gets its own.
 */
export const VPC_CNI_IPV6_ACTIONS = [
    "ec2:AssignIpv6Addresses",
    "ec2:DescribeInstances",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeTags",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeInstanceTypes",
] as const;

/** The VPC CNI's IPv6 policy for `partition`. */
export function vpcCniIpv6Policy(partition: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: [...VPC_CNI_IPV6_ACTIONS], Resource: "*" },
            { Effect: "Allow", Action: "ec2:CreateTags", Resource: `arn:${partition}:ec2:*:*:network-interface/*` },
        ],
    };
}

/** Where the control-plane log group's key may be used: the account, region and cluster. */
export interface LogKeyScope {
    readonly partition: string;
    readonly region: string;
    readonly account: string;
    readonly clusterName: string;
}

/** What CloudWatch Logs may do with a key that encrypts a log group. */
export const LOGS_KMS_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"] as const;

/**
 * The key policy of the control-plane log group's KMS key: the account keeps full control (so IAM
 * policies apply and nobody is locked out), and CloudWatch Logs of the region may use the key for
 * the cluster's log group only, through the `kms:EncryptionContext:aws:logs:arn` condition.
 * Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 * ("Step 2: Set permissions on the KMS key").
 */
export function controlPlaneLogKeyPolicy(scope: LogKeyScope): PolicyDocument {
    const { partition, region, account, clusterName } = scope;
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
            {
                Sid: "CloudWatchLogsEncryptsTheControlPlaneLogGroup",
                Effect: "Allow",
                Principal: { Service: `logs.${region}.amazonaws.com` },
                Action: [...LOGS_KMS_ACTIONS],
                Resource: "*",
                Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:/aws/eks/${clusterName}/cluster` } },
            },
        ],
    };
}
