import type * as pulumi from "@pulumi/pulumi";
import { InputError, type InputWarning } from "../errors";
import { type Cidr, parsePrivateIpv4Cidr, parseSourceRange } from "../network/cidr";
import { splitIpv4Block } from "../network/subnets";
import { type ClusterFacts, IpFamily, KubernetesPlatform, type LoadBalancerEdge } from "../target/cluster-facts";
import { checkNodeCounts, withDefaults } from "../target/node-pool";
import { PlannedArgs } from "../target/planned-args";
import { checkEksVersion, RECOMMENDED_EKS_VERSION } from "./calendar";
import { checkFlag } from "../target/arg-checks";
import { checkDeployerAccess, EksDeployerAccess, checkInstanceType, checkIpFamilies, checkRegion, ZONE } from "./plan-checks";

/** The node operating systems EKS supports for IPv6 clusters (Amazon Linux 2 ended in 2025). */
export const EksNodeAmiFamily = { AL2023: "AL2023", Bottlerocket: "Bottlerocket" } as const;
export type EksNodeAmiFamily = (typeof EksNodeAmiFamily)[keyof typeof EksNodeAmiFamily];

/** Arguments of {@link EksIpv6Cluster}. Shape-deciding values are plain. */
export interface EksIpv6ClusterArgs {
    /** The AWS region, e.g. `eu-west-1`; not an availability zone, not a China region. */
    readonly region: string;
    /**
     * The EKS cluster's name: a letter or digit, then letters, digits, `-` and `_`, at most 100.
     * @default the component's name
     */
    readonly clusterName?: string;
    /**
     * The Kubernetes version, `MAJOR.MINOR`, inside EKS's support calendar.
     * @default "1.35"
     */
    readonly kubernetesVersion?: string;
    /**
     * The families of the cluster's pods and Services. EKS gives a cluster one family, so the only
     * value is `[IPv6]`; the VPC and the load balancers in front are dual-stack. Asking for both
     * is refused, with the reason, rather than silently ignored.
     * @default ["IPv6"]
     */
    readonly ipFamilies?: IpFamily[];
    /**
     * Availability zones of `region` for the subnets: at least 2, at most 8, each getting one
     * public and one private subnet.
     * @default the first two zones AWS reports as available in the region
     */
    readonly availabilityZones?: string[];
    /** The VPC's IPv4 block; its IPv6 /56 is always Amazon-provided. */
    readonly network?: EksNetworkArgs;
    /** The managed node group. */
    readonly nodes?: EksNodesArgs;
    /**
     * The node operating system: `AL2023` or `Bottlerocket` (the AMI's architecture follows the
     * instance type).
     * @default "AL2023"
     */
    readonly nodeAmiFamily?: EksNodeAmiFamily;
    /**
     * Whether the API server has a public endpoint. The same `pulumi up` installs Istio through
     * it; without it, run Pulumi from inside the VPC. The private endpoint is always on.
     * @default true
     */
    readonly publicEndpoint?: boolean;
    /**
     * CIDRs of either family allowed to reach the public endpoint (never an any-address range).
     * @default any address (the plan warns)
     */
    readonly publicAccessCidrs?: string[];
    /**
     * The ARN of a KMS key in `region` that encrypts Secrets in etcd.
     * @default a new KMS key with yearly rotation, owned by this component
     */
    readonly secretsEncryptionKeyArn?: pulumi.Input<string>;
    /**
     * Refuse to delete the cluster; set `false` before `pulumi destroy`.
     * @default true
     */
    readonly deletionProtection?: boolean;
    /**
     * Turn on the VPC CNI's network policy agent (`vpc-cni` add-on `configurationValues`
     * `{"enableNetworkPolicy":"true"}`), so that NetworkPolicy objects are enforced (CIS EKS 4.3.1,
     * 5.4.4). https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html
     * @default true
     */
    readonly networkPolicy?: boolean;
    /**
     * Give the VPC CNI (`aws-node`) its IAM permissions through an EKS Pod Identity role instead of
     * the node role, so that other pods on a node cannot use them (CIS EKS 5.2.1). `false` keeps
     * `AmazonEKS_CNI_Policy` and the IPv6 policy on the node role.
     * https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html
     * @default true
     */
    readonly vpcCniPodIdentity?: boolean;
    /**
     * Encrypt the control-plane log group with a KMS key of its own (yearly rotation), whose policy
     * lets CloudWatch Logs use it for that log group only (CIS EKS 2.1.2).
     * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
     * @default true
     */
    readonly encryptControlPlaneLogs?: boolean;
    /**
     * One NAT gateway in each zone's public subnet, each zone's private subnet sending IPv4 through
     * its own zone's gateway, so that losing a zone does not cut the others' IPv4 egress (one
     * gateway and its address per zone, billed hourly). `false`: one NAT gateway, in the first zone.
     * @default false
     */
    readonly natGatewayPerZone?: boolean;
    /**
     * Whether this component gives whoever runs `pulumi up` cluster-admin through an access entry:
     * `cluster-admin`, or `none`, when the deployer already has access through an access entry
     * made elsewhere. The same run installs Istio and the load-balancer controller through the
     * deployer's access, so with `none` that entry must exist while `pulumi up` runs (the plan warns).
     * @default "cluster-admin"
     */
    readonly deployerAccess?: EksDeployerAccess;
    /**
     * Pin the kubelet settings CIS EKS 3.2.1–3.2.9 check (anonymous auth off, Webhook
     * authorization, a client CA, no read-only port, a streaming idle timeout, iptables util chains,
     * an event QPS, client and server certificate rotation) in a NodeConfig part of the nodes'
     * user data, instead of relying on the AMI's defaults. Only AL2023 nodes read a NodeConfig;
     * Bottlerocket nodes keep their own settings.
     * https://awslabs.github.io/amazon-eks-ami/nodeadm/
     * @default true
     */
    readonly pinKubeletSettings?: boolean;
}

export { EksDeployerAccess };

/** The VPC's IPv4 block. */
export interface EksNetworkArgs {
    /**
     * The VPC's IPv4 block, private, `/16` to `/24`. It is cut into 16 equal slots: zone N's
     * private subnet takes slot N, its public subnet slot 8+N. Nodes take IPv4 addresses from it;
     * pods and Services are IPv6.
     * @default "10.0.0.0/16"
     */
    readonly ipv4Cidr?: string;
}

/** The managed node group; an autoscaler (Cluster Autoscaler, Karpenter) may move the size between the bounds. */
export interface EksNodesArgs {
    /** @default 2 */
    readonly count?: number;
    /** @default 2 */
    readonly minCount?: number;
    /** @default 4 */
    readonly maxCount?: number;
    /**
     * A Nitro instance type (IPv6 pods need prefix delegation, which only Nitro offers).
     * @default "m6i.large"
     */
    readonly instanceType?: string;
}

/** One availability zone's pair of subnets. */
export interface EksZoneSubnets {
    /** The zone, or `undefined` for "the Nth zone AWS reports", resolved at apply time. */
    readonly availabilityZone?: string;
    /** The zone's position: names the subnets and picks their slots. */
    readonly index: number;
    readonly privateIpv4Cidr: string;
    readonly publicIpv4Cidr: string;
    /** Which /64 of the VPC's IPv6 block each subnet takes. */
    readonly privateIpv6Index: number;
    readonly publicIpv6Index: number;
}

/** Every value of an EKS cluster, checked and with defaults applied. */
export interface EksClusterPlan {
    readonly facts: ClusterFacts;
    readonly region: string;
    /** The AWS partition of `region` (`aws`, `aws-us-gov`), for ARNs. */
    readonly partition: string;
    readonly clusterName: string;
    readonly kubernetesVersion: string;
    readonly ipv4Cidr: string;
    readonly zones: readonly EksZoneSubnets[];
    readonly nodes: Required<EksNodesArgs>;
    /** The node operating system. */
    readonly nodeAmiFamily: EksNodeAmiFamily;
    /** The node group's `amiType`. */
    readonly amiType: string;
    readonly publicEndpoint: boolean;
    readonly publicAccessCidrs?: readonly string[];
    readonly secretsEncryptionKeyArn?: pulumi.Input<string>;
    readonly deletionProtection: boolean;
    /** The `vpc-cni` add-on enforces NetworkPolicy. */
    readonly networkPolicy: boolean;
    /** The VPC CNI's permissions are on a Pod Identity role, not on the node role. */
    readonly vpcCniPodIdentity: boolean;
    /** The control-plane log group is encrypted with a KMS key of its own. */
    readonly encryptControlPlaneLogs: boolean;
    /** A NAT gateway per zone (each zone's private subnet routing IPv4 through its own), or one. */
    readonly natGatewayPerZone: boolean;
    readonly deployerAccess: EksDeployerAccess;
    /** The nodes' user data pins the CIS kubelet settings: asked for, and the nodes run AL2023. */
    readonly pinKubeletSettings: boolean;
    readonly warnings: readonly InputWarning[];
}

export const EKS_DEFAULTS = {
    kubernetesVersion: RECOMMENDED_EKS_VERSION,
    ipFamilies: [IpFamily.IPv6],
    zoneCount: 2,
    network: { ipv4Cidr: "10.0.0.0/16" },
    nodes: { count: 2, minCount: 2, maxCount: 4, instanceType: "m6i.large" },
    nodeAmiFamily: EksNodeAmiFamily.AL2023,
    networkPolicy: true,
    vpcCniPodIdentity: true,
    encryptControlPlaneLogs: true,
    natGatewayPerZone: false,
    deployerAccess: EksDeployerAccess.ClusterAdmin,
    pinKubeletSettings: true,
} as const;

/**
 * Arguments the stack plan already planned, so {@link EksIpv6Cluster} builds from that plan.
 * @internal
 */
export const PLANNED_EKS_ARGS = new PlannedArgs<EksIpv6ClusterArgs, EksClusterPlan>();

/**
 * The dual-stack edge: a LoadBalancer Service annotated like this gets an internet-facing Network
 * Load Balancer from the AWS Load Balancer Controller, reachable over IPv4 and IPv6, sending to the
 * pods' IPv6 addresses (instance targets cannot carry IPv6). Health checks go to Istio's status
 * port, which answers before any Gateway opens 80 or 443.
 */
export const DUAL_STACK_NLB_ANNOTATIONS: Readonly<Record<string, string>> = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-ip-address-type": "dualstack",
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port": "15021",
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "http",
    "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": "/healthz/ready",
};

/** The EKS load-balancer edge: dual-stack NLBs in front of an IPv6 cluster. */
export const EKS_LOAD_BALANCER_EDGE: LoadBalancerEdge = {
    ipFamilies: [IpFamily.IPv4, IpFamily.IPv6],
    serviceAnnotations: DUAL_STACK_NLB_ANNOTATIONS,
};

/** The VPC's IPv4 block is cut into this many slots (4 bits): 8 zones, a private and a public subnet each. */
const IPV4_SLOT_BITS = 4;
const MAX_ZONES = 8;
/** AWS keeps 5 addresses of every subnet. */
const AWS_RESERVED_PER_SUBNET = 5;

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const KMS_KEY_ARN = /^arn:aws(?:-us-gov)?:kms:([a-z0-9-]+):\d{12}:key\/[0-9a-f-]+$/;

/**
 * Checks a KMS key ARN for Secrets encryption: its form, and that it is in the cluster's region.
 * The component checks a key created in the same program once its ARN is known.
 */
export function checkEksSecretsKey(arn: string, region: string): void {
    const key = KMS_KEY_ARN.exec(arn);
    if (!key) {
        throw new InputError("secretsEncryptionKeyArn", `'${arn}' is not a KMS key ARN; expected arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`);
    }
    if (key[1] !== region) {
        throw new InputError("secretsEncryptionKeyArn", `the key is in ${key[1]}; EKS needs it in the cluster's region, ${region}`);
    }
}

/**
 * Checks an EKS cluster's arguments and applies defaults, so that rules A1–A11 hold by construction
 * or are refused here, before anything is registered. Errors name the {@link EksIpv6ClusterArgs}
 * field. `today` dates the version check.
 */
export function planEksCluster(name: string, args: EksIpv6ClusterArgs, today?: Date): EksClusterPlan {
    const warnings: InputWarning[] = [];
    const region = checkRegion(args.region);
    const clusterName = args.clusterName ?? name;
    if (!CLUSTER_NAME.test(clusterName)) {
        throw new InputError("clusterName", `'${clusterName}' is not an EKS cluster name; use a letter or digit, then letters, digits, '-' and '_', at most 100`);
    }
    const kubernetesVersion = args.kubernetesVersion ?? EKS_DEFAULTS.kubernetesVersion;
    warnings.push(...checkEksVersion(kubernetesVersion, "kubernetesVersion", today));
    checkIpFamilies(args.ipFamilies);

    const ipv4Block = parsePrivateIpv4Cidr(args.network?.ipv4Cidr ?? EKS_DEFAULTS.network.ipv4Cidr, "network.ipv4Cidr");
    if (ipv4Block.prefixLength < 16 || ipv4Block.prefixLength > 24) {
        throw new InputError(
            "network.ipv4Cidr",
            `'${ipv4Block.text}' is a /${ipv4Block.prefixLength}; an AWS VPC block is /16 to /28, and this one is cut into 16 subnets of at least /28, so use /16 to /24`,
        );
    }
    const subnetUsable = 2 ** (32 - ipv4Block.prefixLength - IPV4_SLOT_BITS) - AWS_RESERVED_PER_SUBNET;
    if (subnetUsable < 16) {
        warnings.push({
            field: "network.ipv4Cidr",
            message: `each subnet keeps only ${subnetUsable} usable IPv4 addresses; nodes and load balancers need more than a few, use /23 or larger`,
        });
    }
    const zones = planZones(args.availabilityZones, region, ipv4Block);

    const nodes = withDefaults<Required<EksNodesArgs>>(EKS_DEFAULTS.nodes, args.nodes);
    checkNodeCounts(nodes, "istiod, CoreDNS and the load-balancer controller");
    const architecture = checkInstanceType(nodes.instanceType);
    const nodeAmiFamily = args.nodeAmiFamily ?? EKS_DEFAULTS.nodeAmiFamily;
    if (!Object.values<string>(EksNodeAmiFamily).includes(nodeAmiFamily)) {
        throw new InputError("nodeAmiFamily", `'${nodeAmiFamily}' is not a node AMI family for an IPv6 cluster; allowed: AL2023, Bottlerocket (no Windows, no Amazon Linux 2)`);
    }
    const amiType =
        nodeAmiFamily === EksNodeAmiFamily.AL2023
            ? `AL2023_${architecture === "arm64" ? "ARM_64" : "x86_64"}_STANDARD`
            : `BOTTLEROCKET_${architecture === "arm64" ? "ARM_64" : "x86_64"}`;

    const publicEndpoint = args.publicEndpoint ?? true;
    if (args.publicAccessCidrs !== undefined) {
        if (!publicEndpoint) {
            throw new InputError("publicAccessCidrs", "is set but publicEndpoint is false; the ranges only apply to the public endpoint");
        }
        if (args.publicAccessCidrs.length === 0) {
            throw new InputError("publicAccessCidrs", "is empty; list the networks that may reach the API, or leave it unset for any address");
        }
        args.publicAccessCidrs.forEach((cidr, index) => parseSourceRange(cidr, `publicAccessCidrs[${index}]`, [IpFamily.IPv4, IpFamily.IPv6]));
    } else if (publicEndpoint) {
        warnings.push({
            field: "publicAccessCidrs",
            message: "not set: the public API endpoint accepts connections from any IPv4 or IPv6 address (IAM authentication still applies); list your networks to restrict it",
        });
    } else {
        warnings.push({
            field: "publicEndpoint",
            message: "false: the API is reachable only from inside the VPC, so run `pulumi up` from there (or a peered network); otherwise installing Istio times out",
        });
    }

    if (typeof args.secretsEncryptionKeyArn === "string") {
        checkEksSecretsKey(args.secretsEncryptionKeyArn, region);
    }

    const deployerAccess = checkDeployerAccess(args.deployerAccess, warnings);
    const flags = {
        networkPolicy: checkFlag(args.networkPolicy, "networkPolicy", EKS_DEFAULTS.networkPolicy),
        vpcCniPodIdentity: checkFlag(args.vpcCniPodIdentity, "vpcCniPodIdentity", EKS_DEFAULTS.vpcCniPodIdentity),
        encryptControlPlaneLogs: checkFlag(args.encryptControlPlaneLogs, "encryptControlPlaneLogs", EKS_DEFAULTS.encryptControlPlaneLogs),
        natGatewayPerZone: checkFlag(args.natGatewayPerZone, "natGatewayPerZone", EKS_DEFAULTS.natGatewayPerZone),
    };
    // Bottlerocket reads no NodeConfig (its kubelet is set through its own settings API).
    const askedToPin = checkFlag(args.pinKubeletSettings, "pinKubeletSettings", EKS_DEFAULTS.pinKubeletSettings);
    const pinKubeletSettings = askedToPin && nodeAmiFamily === EksNodeAmiFamily.AL2023;
    if (askedToPin && !pinKubeletSettings) {
        warnings.push({
            field: "pinKubeletSettings",
            message: `applies to AL2023 nodes only: ${nodeAmiFamily} keeps its own kubelet settings, which this package has not checked against CIS EKS 3.2.1–3.2.9, so they are not counted (pinKubeletSettings: false says so and ends this warning)`,
        });
    }

    return {
        facts: {
            ipFamilies: [IpFamily.IPv6],
            kubernetesVersion,
            platform: KubernetesPlatform.Eks,
            loadBalancer: EKS_LOAD_BALANCER_EDGE,
        },
        region,
        partition: region.startsWith("us-gov-") ? "aws-us-gov" : "aws",
        clusterName,
        kubernetesVersion,
        ipv4Cidr: ipv4Block.text,
        zones,
        nodes,
        nodeAmiFamily,
        amiType,
        publicEndpoint,
        ...(args.publicAccessCidrs ? { publicAccessCidrs: args.publicAccessCidrs } : {}),
        ...(args.secretsEncryptionKeyArn ? { secretsEncryptionKeyArn: args.secretsEncryptionKeyArn } : {}),
        deletionProtection: args.deletionProtection ?? true,
        ...flags,
        deployerAccess,
        pinKubeletSettings,
        warnings,
    };
}

function planZones(zones: readonly string[] | undefined, region: string, ipv4Block: Cidr): EksZoneSubnets[] {
    if (zones !== undefined) {
        if (zones.length < 2 || zones.length > MAX_ZONES) {
            throw new InputError("availabilityZones", `lists ${zones.length}; EKS needs subnets in at least 2 zones, and at most ${MAX_ZONES} fit the VPC's layout`);
        }
        zones.forEach((zone, index) => {
            const match = ZONE.exec(zone);
            if (!match || match[1] !== region) {
                throw new InputError(`availabilityZones[${index}]`, `'${zone}' is not a zone of ${region}; expected e.g. ${region}a`);
            }
            if (zones.indexOf(zone) !== index) {
                throw new InputError(`availabilityZones[${index}]`, `'${zone}' is listed twice; EKS needs distinct zones`);
            }
        });
    }
    const count = zones?.length ?? EKS_DEFAULTS.zoneCount;
    return Array.from({ length: count }, (_, index) => ({
        ...(zones ? { availabilityZone: zones[index] } : {}),
        index,
        privateIpv4Cidr: splitIpv4Block(ipv4Block, IPV4_SLOT_BITS, index),
        publicIpv4Cidr: splitIpv4Block(ipv4Block, IPV4_SLOT_BITS, MAX_ZONES + index),
        privateIpv6Index: index,
        publicIpv6Index: MAX_ZONES + index,
    }));
}
