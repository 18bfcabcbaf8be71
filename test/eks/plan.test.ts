import assert from "node:assert/strict";
import { checkEksVersion, EKS_CALENDAR_PROVENANCE } from "../../components/eks/calendar";
import { CALENDAR_MAX_AGE_DAYS } from "../../components/support-calendar";
import { type EksIpv6ClusterArgs, planEksCluster } from "../../components/eks/plan";
import { refusal as refusalOf } from "../support/fixtures";
import { TEST_TODAY as NOW } from "../support/clock";

const ARGS: EksIpv6ClusterArgs = { region: "eu-west-1", publicAccessCidrs: ["81.2.69.0/24"] };

const plan = (args: Partial<EksIpv6ClusterArgs>) => planEksCluster("demo", { ...ARGS, ...args }, NOW);
const refusal = (args: Partial<EksIpv6ClusterArgs>) => refusalOf(() => plan(args));

describe("EKS cluster plan", () => {
    it("applies the secure defaults: IPv6 family, a dual-stack edge, two zones, Nitro AL2023 nodes", () => {
        assert.deepEqual(plan({}), {
            facts: {
                ipFamilies: ["IPv6"],
                kubernetesVersion: "1.35",
                platform: "eks",
                loadBalancer: {
                    ipFamilies: ["IPv4", "IPv6"],
                    serviceAnnotations: {
                        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                        "service.beta.kubernetes.io/aws-load-balancer-ip-address-type": "dualstack",
                        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port": "15021",
                        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "http",
                        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": "/healthz/ready",
                    },
                },
            },
            region: "eu-west-1",
            partition: "aws",
            clusterName: "demo",
            kubernetesVersion: "1.35",
            ipv4Cidr: "10.0.0.0/16",
            zones: [
                { index: 0, privateIpv4Cidr: "10.0.0.0/20", publicIpv4Cidr: "10.0.128.0/20", privateIpv6Index: 0, publicIpv6Index: 8 },
                { index: 1, privateIpv4Cidr: "10.0.16.0/20", publicIpv4Cidr: "10.0.144.0/20", privateIpv6Index: 1, publicIpv6Index: 9 },
            ],
            nodes: { count: 2, minCount: 2, maxCount: 4, instanceType: "m6i.large" },
            nodeAmiFamily: "AL2023",
            amiType: "AL2023_x86_64_STANDARD",
            publicEndpoint: true,
            publicAccessCidrs: ["81.2.69.0/24"],
            deletionProtection: true,
            networkPolicy: true,
            vpcCniPodIdentity: true,
            encryptControlPlaneLogs: true,
            natGatewayPerZone: false,
            deployerAccess: "cluster-admin",
            pinKubeletSettings: true,
            warnings: [],
        });
    });

    it("keeps each zone's slots when zones are listed, so adding one moves none", () => {
        const zones = plan({ availabilityZones: ["eu-west-1c", "eu-west-1a", "eu-west-1b"], network: { ipv4Cidr: "172.20.0.0/18" } }).zones;
        assert.deepEqual(
            zones.map((zone) => [zone.availabilityZone, zone.privateIpv4Cidr, zone.publicIpv4Cidr, zone.privateIpv6Index, zone.publicIpv6Index]),
            [
                ["eu-west-1c", "172.20.0.0/22", "172.20.32.0/22", 0, 8],
                ["eu-west-1a", "172.20.4.0/22", "172.20.36.0/22", 1, 9],
                ["eu-west-1b", "172.20.8.0/22", "172.20.40.0/22", 2, 10],
            ],
        );
    });

    it("picks the AMI from the family and the instance's architecture", () => {
        const ami = (instanceType: string, nodeAmiFamily?: "AL2023" | "Bottlerocket") => plan({ nodes: { instanceType }, ...(nodeAmiFamily ? { nodeAmiFamily } : {}) }).amiType;
        assert.equal(ami("m7g.large"), "AL2023_ARM_64_STANDARD");
        assert.equal(ami("c6gn.xlarge"), "AL2023_ARM_64_STANDARD");
        assert.equal(ami("is4gen.large"), "AL2023_ARM_64_STANDARD");
        assert.equal(ami("a1.large"), "AL2023_ARM_64_STANDARD");
        assert.equal(ami("g4ad.xlarge"), "AL2023_x86_64_STANDARD");
        assert.equal(ami("m7i-flex.large"), "AL2023_x86_64_STANDARD");
        assert.equal(ami("m6i.large", "Bottlerocket"), "BOTTLEROCKET_x86_64");
        assert.equal(ami("r8g.large", "Bottlerocket"), "BOTTLEROCKET_ARM_64");
        // A Xen family's bare-metal size runs on Nitro hardware.
        assert.equal(ami("i3.metal"), "AL2023_x86_64_STANDARD");
    });

    it("GovCloud ARNs use its partition; a private-only endpoint and a given KMS key are kept", () => {
        const gov = plan({
            region: "us-gov-west-1",
            publicAccessCidrs: undefined,
            publicEndpoint: false,
            secretsEncryptionKeyArn: "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            deletionProtection: false,
        });
        assert.equal(gov.partition, "aws-us-gov");
        assert.equal(gov.publicEndpoint, false);
        assert.equal(gov.publicAccessCidrs, undefined);
        assert.equal(gov.secretsEncryptionKeyArn, "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assert.equal(gov.deletionProtection, false);
        assert.deepEqual(gov.warnings, [
            {
                field: "publicEndpoint",
                message: "false: the API is reachable only from inside the VPC, so run `pulumi up` from there (or a peered network); otherwise installing Istio times out",
            },
        ]);
    });

    it("warns when the public endpoint is open to the world, and about small subnets", () => {
        assert.deepEqual(plan({ publicAccessCidrs: undefined, network: { ipv4Cidr: "192.168.10.0/24" } }).warnings, [
            {
                field: "network.ipv4Cidr",
                message: "each subnet keeps only 11 usable IPv4 addresses; nodes and load balancers need more than a few, use /23 or larger",
            },
            {
                field: "publicAccessCidrs",
                message: "not set: the public API endpoint accepts connections from any IPv4 or IPv6 address (IAM authentication still applies); list your networks to restrict it",
            },
        ]);
    });

    const refusals: [string, Partial<EksIpv6ClusterArgs>, string][] = [
        ["no region", { region: "" }, "region: required; give the AWS region to create the cluster in, e.g. eu-west-1"],
        ["a China region (A11)", { region: "cn-north-1" }, "region: cn-north-1 is a China region, where EKS has no IPv6 clusters; use a commercial or GovCloud region"],
        ["a zone as region", { region: "eu-west-1a" }, "region: 'eu-west-1a' is an availability zone; give its region, eu-west-1"],
        ["a GCP region", { region: "europe-west4" }, "region: 'europe-west4' is not an AWS commercial or GovCloud region; expected e.g. eu-west-1"],
        ["a bad cluster name", { clusterName: "-demo" }, "clusterName: '-demo' is not an EKS cluster name; use a letter or digit, then letters, digits, '-' and '_', at most 100"],
        [
            "a long cluster name",
            { clusterName: "a".repeat(101) },
            `clusterName: '${"a".repeat(101)}' is not an EKS cluster name; use a letter or digit, then letters, digits, '-' and '_', at most 100`,
        ],
        [
            "dual-stack pods (A1)",
            { ipFamilies: ["IPv4", "IPv6"] },
            "ipFamilies: EKS cannot give pods and Services both families (a cluster is IPv4 or IPv6); use [IPv6]: IPv6 pods on a dual-stack VPC behind dual-stack load balancers",
        ],
        [
            "IPv6-primary dual-stack pods (A1)",
            { ipFamilies: ["IPv6", "IPv4"] },
            "ipFamilies: EKS cannot give pods and Services both families (a cluster is IPv4 or IPv6); use [IPv6]: IPv6 pods on a dual-stack VPC behind dual-stack load balancers",
        ],
        [
            "an IPv4 cluster",
            { ipFamilies: ["IPv4"] },
            "ipFamilies: [IPv4] is not offered; this component builds IPv6 EKS clusters on a dual-stack VPC, so the only value is [IPv6]",
        ],
        ["a patch version", { kubernetesVersion: "1.35.2" }, "kubernetesVersion: '1.35.2' is not an EKS version; EKS takes MAJOR.MINOR only, e.g. 1.35"],
        [
            "a v-prefixed version",
            { kubernetesVersion: "v1.35" },
            "kubernetesVersion: 'v1.35' is not a Kubernetes version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH without the leading 'v', e.g. 1.33",
        ],
        ["a version EKS never offered", { kubernetesVersion: "1.28" }, "kubernetesVersion: EKS no longer offers Kubernetes 1.28; use 1.35 (or at least 1.29)"],
        [
            "a version past extended support",
            { kubernetesVersion: "1.30" },
            "kubernetesVersion: Kubernetes 1.30 left EKS extended support on 2026-07-23; EKS no longer creates it, use 1.35",
        ],
        [
            "a public VPC block",
            { network: { ipv4Cidr: "8.8.0.0/16" } },
            "network.ipv4Cidr: '8.8.0.0/16' is not a private range; use 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10",
        ],
        [
            "an IPv6 VPC block",
            { network: { ipv4Cidr: "2001:db8::/56" } },
            "network.ipv4Cidr: '2001:db8::/56' is IPv6; this range is IPv4 (the IPv6 ranges are assigned by the cloud)",
        ],
        [
            "a VPC block too large",
            { network: { ipv4Cidr: "10.0.0.0/8" } },
            "network.ipv4Cidr: '10.0.0.0/8' is a /8; an AWS VPC block is /16 to /28, and this one is cut into 16 subnets of at least /28, so use /16 to /24",
        ],
        [
            "a VPC block too small",
            { network: { ipv4Cidr: "10.0.0.0/25" } },
            "network.ipv4Cidr: '10.0.0.0/25' is a /25; an AWS VPC block is /16 to /28, and this one is cut into 16 subnets of at least /28, so use /16 to /24",
        ],
        ["host bits", { network: { ipv4Cidr: "10.0.0.1/16" } }, "network.ipv4Cidr: '10.0.0.1/16' has host bits set; the block is 10.0.0.0/16"],
        ["one zone (A4)", { availabilityZones: ["eu-west-1a"] }, "availabilityZones: lists 1; EKS needs subnets in at least 2 zones, and at most 8 fit the VPC's layout"],
        [
            "nine zones",
            { availabilityZones: "abcdefghi".split("").map((letter) => `eu-west-1${letter}`) },
            "availabilityZones: lists 9; EKS needs subnets in at least 2 zones, and at most 8 fit the VPC's layout",
        ],
        [
            "a zone of another region",
            { availabilityZones: ["eu-west-1a", "eu-west-2b"] },
            "availabilityZones[1]: 'eu-west-2b' is not a zone of eu-west-1; expected e.g. eu-west-1a",
        ],
        ["a repeated zone", { availabilityZones: ["eu-west-1a", "eu-west-1a"] }, "availabilityZones[1]: 'eu-west-1a' is listed twice; EKS needs distinct zones"],
        ["a negative count", { nodes: { count: -1 } }, "nodes.count: -1 is not a node count; expected a whole number, 0 or more"],
        [
            "no nodes at all",
            { nodes: { count: 0, minCount: 0, maxCount: 0 } },
            "nodes.maxCount: must be 1 or more: istiod, CoreDNS and the load-balancer controller need nodes to run on",
        ],
        ["min above max", { nodes: { minCount: 5, maxCount: 4 } }, "nodes.minCount: 5 is more than nodes.maxCount (4)"],
        ["count outside the bounds", { nodes: { count: 9 } }, "nodes.count: 9 is outside nodes.minCount..nodes.maxCount (2..4)"],
        [
            "a non-Nitro instance (A8)",
            { nodes: { instanceType: "m4.large" } },
            "nodes.instanceType: m4.large is not a Nitro instance; IPv6 pods need prefix delegation, which only Nitro offers (e.g. m6i.large, m7g.large)",
        ],
        [
            "a Xen burstable (A8)",
            { nodes: { instanceType: "t2.medium" } },
            "nodes.instanceType: t2.medium is not a Nitro instance; IPv6 pods need prefix delegation, which only Nitro offers (e.g. m6i.large, m7g.large)",
        ],
        ["a Mac", { nodes: { instanceType: "mac2.metal" } }, "nodes.instanceType: mac2.metal is a Mac instance, which EKS cannot run as a node"],
        ["not an instance type", { nodes: { instanceType: "large" } }, "nodes.instanceType: 'large' is not an EC2 instance type; expected e.g. m6i.large"],
        [
            "Windows or Amazon Linux 2 (A8)",
            { nodeAmiFamily: "AL2" as "AL2023" },
            "nodeAmiFamily: 'AL2' is not a node AMI family for an IPv6 cluster; allowed: AL2023, Bottlerocket (no Windows, no Amazon Linux 2)",
        ],
        ["an any-address API range", { publicAccessCidrs: ["0.0.0.0/0"] }, "publicAccessCidrs[0]: '0.0.0.0/0' allows every address; list the networks that need access instead"],
        [
            "an any-address IPv6 API range",
            { publicAccessCidrs: ["81.2.69.0/24", "::/0"] },
            "publicAccessCidrs[1]: '::/0' allows every address; list the networks that need access instead",
        ],
        ["an empty API range list", { publicAccessCidrs: [] }, "publicAccessCidrs: is empty; list the networks that may reach the API, or leave it unset for any address"],
        ["API ranges without a public endpoint", { publicEndpoint: false }, "publicAccessCidrs: is set but publicEndpoint is false; the ranges only apply to the public endpoint"],
        [
            "a malformed KMS key",
            { secretsEncryptionKeyArn: "alias/eks" },
            "secretsEncryptionKeyArn: 'alias/eks' is not a KMS key ARN; expected arn:aws:kms:REGION:ACCOUNT:key/KEY-ID",
        ],
        [
            "a KMS key elsewhere",
            { secretsEncryptionKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
            "secretsEncryptionKeyArn: the key is in us-east-1; EKS needs it in the cluster's region, eu-west-1",
        ],
    ];
    for (const [what, args, message] of refusals) {
        it(`refuses ${what}`, () => {
            assert.equal(refusal(args), message);
        });
    }
});

describe("EKS version calendar", () => {
    it("on 2026-11-25: 1.34–1.35 are standard, 1.31–1.33 paid extended support, 1.36 has no dates yet, 1.37 is past the calendar", () => {
        assert.deepEqual(checkEksVersion("1.35", "v", NOW), []);
        assert.deepEqual(checkEksVersion("1.34", "v", NOW), []);
        assert.deepEqual(checkEksVersion("1.33", "v", NOW), [
            { field: "v", message: "Kubernetes 1.33 is in EKS extended support (paid per cluster hour) until 2027-07-29; use 1.35" },
        ]);
        assert.deepEqual(checkEksVersion("1.31", "v", NOW).length, 1);
        assert.deepEqual(checkEksVersion("1.36", "v", NOW), []);
        assert.deepEqual(checkEksVersion("1.37", "v", NOW), [
            { field: "v", message: "Kubernetes 1.37 is newer than the EKS calendar this package knows (up to 1.36); EKS refuses it until it offers it" },
        ]);
    });

    it("moves with the date: 1.31 is refused the day its extended support ends, 1.34 turns paid in December", () => {
        assert.throws(() => checkEksVersion("1.31", "v", new Date("2026-11-26T00:00:00Z")), {
            message: "v: Kubernetes 1.31 left EKS extended support on 2026-11-26; EKS no longer creates it, use 1.35",
        });
        assert.equal(checkEksVersion("1.34", "v", new Date("2026-12-02T00:00:00Z")).length, 1);
    });

    it("says once that the calendar is stale, past its trusted age after it was last checked", () => {
        const checked = Date.parse(`${EKS_CALENDAR_PROVENANCE.checkedOn}T00:00:00Z`);
        const firstStaleDay = new Date(checked + (CALENDAR_MAX_AGE_DAYS + 1) * 24 * 3600 * 1000);
        const stale = {
            field: "v",
            message:
                `the EKS Kubernetes version calendar was last checked on ${EKS_CALENDAR_PROVENANCE.checkedOn} (${CALENDAR_MAX_AGE_DAYS + 1} days ago) and may be stale: ` +
                "upgrade pulumi-dualstack-istio, or update components/eks/calendar.ts from https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
        };
        assert.deepEqual(checkEksVersion("1.36", "v", new Date(checked + CALENDAR_MAX_AGE_DAYS * 24 * 3600 * 1000)), []);
        assert.deepEqual(checkEksVersion("1.36", "v", firstStaleDay), [stale]);
        assert.deepEqual(checkEksVersion("1.37", "v", firstStaleDay), [
            { field: "v", message: "Kubernetes 1.37 is newer than the EKS calendar this package knows (up to 1.36); EKS refuses it until it offers it" },
            stale,
        ]);
    });
});
