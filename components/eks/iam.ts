/** An IAM policy document, as IAM takes it in JSON. */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

interface PolicyStatement {
    readonly Effect: "Allow";
    readonly Action: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Principal?: { readonly Service: string };
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
 * What every node needs: joining the cluster, pulling images, and the VPC CNI's IPv4 permissions,
 * which it needs even in IPv6 mode (without them ENI creation fails with 403s).
 */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy"] as const;

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
