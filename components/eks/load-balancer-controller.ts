import type { PolicyDocument } from "./iam";

/**
 * The AWS Load Balancer Controller's chart. Pinned: a new controller can change load balancers
 * already serving traffic, so upgrades are a reviewed change here, not a side effect.
 */
export const LOAD_BALANCER_CONTROLLER_CHART = {
    chart: "aws-load-balancer-controller",
    version: "3.5.0",
    repository: "https://aws.github.io/eks-charts",
    namespace: "kube-system",
    serviceAccount: "aws-load-balancer-controller",
} as const;

/** What the controller's values depend on. */
export interface LoadBalancerControllerValuesInputs {
    readonly clusterName: string;
    readonly region: string;
    readonly vpcId: string;
}

/**
 * The controller's Helm values. Region and VPC are given because IMDSv2 with hop limit 1 keeps
 * pods from the instance metadata the controller would otherwise read them from. The Service
 * mutator webhook stays off: with it, every LoadBalancer Service in the cluster fails to be created
 * whenever the controller is down; Services that want an NLB say so by annotation instead.
 */
export function loadBalancerControllerValues(inputs: LoadBalancerControllerValuesInputs): Record<string, unknown> {
    return {
        clusterName: inputs.clusterName,
        region: inputs.region,
        vpcId: inputs.vpcId,
        serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER_CHART.serviceAccount },
        enableServiceMutatorWebhook: false,
    };
}

const CLUSTER_TAG = "elbv2.k8s.aws/cluster";
const REQUEST_TAGGED = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" } };
const RESOURCE_TAGGED = { Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } };
const RESOURCE_TAGGED_NOT_REQUEST = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "true", [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } };

/**
 * The controller's permissions, as its project publishes them for v3.5.0
 * (`docs/install/iam_policy.json`): read access to EC2 and ELB, and write access limited to the
 * security groups and load balancers it tagged as its own.
 */
export function loadBalancerControllerPolicy(partition: string): PolicyDocument {
    const elb = (path: string) => `arn:${partition}:elasticloadbalancing:*:*:${path}`;
    const taggable = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
    const securityGroups = `arn:${partition}:ec2:*:*:security-group/*`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: "iam:CreateServiceLinkedRole",
                Resource: "*",
                Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
            },
            {
                Effect: "Allow",
                Action: [
                    ...["AccountAttributes", "Addresses", "AvailabilityZones", "InternetGateways", "Vpcs", "VpcPeeringConnections", "Subnets"]
                        .concat(["SecurityGroups", "Instances", "NetworkInterfaces", "Tags", "CoipPools", "IpamPools", "RouteTables"])
                        .map((what) => `ec2:Describe${what}`),
                    "ec2:GetCoipPoolUsage",
                    "ec2:GetSecurityGroupsForVpc",
                    ...["LoadBalancers", "LoadBalancerAttributes", "Listeners", "ListenerCertificates", "SSLPolicies", "Rules", "TargetGroups"]
                        .concat(["TargetGroupAttributes", "TargetHealth", "Tags", "TrustStores", "ListenerAttributes", "CapacityReservation"])
                        .map((what) => `elasticloadbalancing:Describe${what}`),
                ],
                Resource: "*",
            },
            {
                Effect: "Allow",
                Action: [
                    "cognito-idp:DescribeUserPoolClient",
                    "acm:ListCertificates",
                    "acm:DescribeCertificate",
                    "iam:ListServerCertificates",
                    "iam:GetServerCertificate",
                    ...["GetWebACL", "GetWebACLForResource", "AssociateWebACL", "DisassociateWebACL"].flatMap((action) => [`waf-regional:${action}`, `wafv2:${action}`]),
                    "shield:GetSubscriptionState",
                    "shield:DescribeProtection",
                    "shield:CreateProtection",
                    "shield:DeleteProtection",
                ],
                Resource: "*",
            },
            { Effect: "Allow", Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], Resource: "*" },
            { Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
            {
                Effect: "Allow",
                Action: "ec2:CreateTags",
                Resource: securityGroups,
                Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...REQUEST_TAGGED },
            },
            { Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: securityGroups, Condition: RESOURCE_TAGGED_NOT_REQUEST },
            {
                Effect: "Allow",
                Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
                Resource: "*",
                Condition: RESOURCE_TAGGED,
            },
            {
                Effect: "Allow",
                Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
                Resource: "*",
                Condition: REQUEST_TAGGED,
            },
            {
                Effect: "Allow",
                Action: ["CreateListener", "DeleteListener", "CreateRule", "DeleteRule"].map((action) => `elasticloadbalancing:${action}`),
                Resource: "*",
            },
            {
                Effect: "Allow",
                Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                Resource: taggable,
                Condition: RESOURCE_TAGGED_NOT_REQUEST,
            },
            {
                Effect: "Allow",
                Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                Resource: ["listener/net/*/*/*", "listener/app/*/*/*", "listener-rule/net/*/*/*", "listener-rule/app/*/*/*"].map(elb),
            },
            {
                Effect: "Allow",
                Action: [
                    "ModifyLoadBalancerAttributes",
                    "SetIpAddressType",
                    "SetSecurityGroups",
                    "SetSubnets",
                    "DeleteLoadBalancer",
                    "ModifyTargetGroup",
                    "ModifyTargetGroupAttributes",
                    "DeleteTargetGroup",
                    "ModifyListenerAttributes",
                    "ModifyCapacityReservation",
                    "ModifyIpPools",
                ].map((action) => `elasticloadbalancing:${action}`),
                Resource: "*",
                Condition: RESOURCE_TAGGED,
            },
            {
                Effect: "Allow",
                Action: "elasticloadbalancing:AddTags",
                Resource: taggable,
                Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, ...REQUEST_TAGGED },
            },
            {
                Effect: "Allow",
                Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
                Resource: elb("targetgroup/*/*"),
            },
            {
                Effect: "Allow",
                Action: ["SetWebAcl", "ModifyListener", "AddListenerCertificates", "RemoveListenerCertificates", "ModifyRule", "SetRulePriorities"].map(
                    (action) => `elasticloadbalancing:${action}`,
                ),
                Resource: "*",
            },
        ],
    };
}
