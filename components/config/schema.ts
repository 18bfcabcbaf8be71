import * as z from "zod";
import { IpFamily, KubernetesPlatform } from "../target/cluster-facts";
import { DEFAULT_CHART_REPOSITORY, DEFAULT_UPSTREAM_HUB, GatewayServiceType, ImagePullPolicy } from "../istio/settings";
import { DEFAULT_ISTIO_VERSION, IstioFlavor } from "../istio/versions";
import { GKE_DEFAULTS, GkeReleaseChannel, Ipv6AccessType } from "../gke/plan";
import { EKS_DEFAULTS, EksNodeAmiFamily } from "../eks/plan";

/** Where the cluster comes from. */
export const Cloud = {
    /** A GKE cluster this stack creates: true dual-stack pods and Services. */
    Gcp: "gcp",
    /** An EKS cluster this stack creates: IPv6 pods on a dual-stack VPC with a dual-stack edge. */
    Aws: "aws",
    /** A cluster that already exists, reached through a kubeconfig (kind, on-prem, private clouds). */
    Existing: "existing",
} as const;
export type Cloud = (typeof Cloud)[keyof typeof Cloud];

function values<T extends Record<string, string>>(set: T): [T[keyof T], ...T[keyof T][]] {
    return Object.values(set) as [T[keyof T], ...T[keyof T][]];
}

/**
 * Defaults that depend on the cloud: each cloud component's own. Every other default is in the
 * schema below (`default`) or, for `istio.*`, is the Istio installer's own and is quoted from its
 * constants, so the documented defaults are the ones the code applies.
 */
export const CLOUD_DEFAULTS = {
    gcp: GKE_DEFAULTS,
    aws: {
        kubernetesVersion: EKS_DEFAULTS.kubernetesVersion,
        network: EKS_DEFAULTS.network,
        nodes: {
            count: EKS_DEFAULTS.nodes.count,
            minCount: EKS_DEFAULTS.nodes.minCount,
            maxCount: EKS_DEFAULTS.nodes.maxCount,
            machineType: EKS_DEFAULTS.nodes.instanceType,
        },
    },
} as const;

const text = z.string().min(1);
const wholeNumber = z.int().min(0);
const textList = z.array(text);

const gcpSection = z
    .strictObject({
        project: text.meta({ description: "The GCP project to create everything in. Required with `cloud: gcp`." }),
        ipv6AccessType: z.enum(values(Ipv6AccessType)).default(Ipv6AccessType.External).meta({
            description:
                "`EXTERNAL`: internet-routable IPv6 (subject to firewall rules). `INTERNAL`: ULA IPv6 from the network's /48, not routable from the internet. Fixed once the subnet exists.",
        }),
        zones: textList.optional().meta({
            description: "Zones of `region` to run nodes in. Default: the zones GKE picks for the region.",
        }),
        releaseChannel: z.enum(values(GkeReleaseChannel)).default(GkeReleaseChannel.Regular).meta({
            description: "The GKE release channel that upgrades the control plane and nodes.",
        }),
        deletionProtection: z.boolean().default(true).meta({
            description: "Refuse to delete the cluster (set `false` before `pulumi destroy`).",
        }),
        privateNodes: z.boolean().default(false).meta({
            description:
                "Nodes without public IPv4 addresses; adds a Cloud Router and Cloud NAT for IPv4 egress. With `ipv6AccessType: EXTERNAL` nodes still have public IPv6.",
        }),
        authorizedNetworks: textList.optional().meta({
            description:
                "IPv4 CIDRs allowed to reach the control-plane endpoint (never 0.0.0.0/0). Default: no restriction beyond Google's authentication; the plan warns.",
        }),
        secretsEncryptionKey: text.optional().meta({
            description:
                "A Cloud KMS key (`projects/P/locations/L/keyRings/R/cryptoKeys/K`) to encrypt Secrets in etcd. Default: Google-managed encryption.",
        }),
    })
    .meta({ description: "GKE settings; only with `cloud: gcp`." });

const awsSection = z
    .strictObject({
        ipFamilies: z
            .array(z.enum(values(IpFamily)))
            .default([...EKS_DEFAULTS.ipFamilies])
            .meta({
                description:
                    "The pods' and Services' families. EKS gives a cluster one family, so the only value is `[IPv6]` (the VPC and the load balancers are dual-stack); `[IPv4, IPv6]` is refused with the reason.",
            }),
        availabilityZones: textList.optional().meta({
            description: "2 to 8 availability zones of `region`, a public and a private subnet each. Default: the first two zones AWS reports as available.",
        }),
        nodeAmiFamily: z.enum(values(EksNodeAmiFamily)).default(EKS_DEFAULTS.nodeAmiFamily).meta({
            description: "The node OS: `AL2023` or `Bottlerocket`; the architecture follows `nodes.machineType`.",
        }),
        publicEndpoint: z.boolean().default(true).meta({
            description:
                "Give the API server a public endpoint, which `pulumi up` needs to install Istio unless it runs inside the VPC. The private endpoint is always on.",
        }),
        publicAccessCidrs: textList.optional().meta({
            description:
                "CIDRs (either family) allowed to reach the public API endpoint (never `0.0.0.0/0` or `::/0`). Default: any address; the plan warns.",
        }),
        secretsEncryptionKeyArn: text.optional().meta({
            description: "A KMS key ARN in `region` to encrypt Secrets in etcd. Default: a new key with rotation, owned by the stack.",
        }),
        deletionProtection: z.boolean().default(true).meta({
            description: "Refuse to delete the cluster (set `false` before `pulumi destroy`).",
        }),
    })
    .meta({ description: "EKS settings; only with `cloud: aws`." });

/** The `aws` section of a `cloud: aws` stack that leaves it out. */
export const AWS_SECTION_DEFAULTS = awsSection.parse({});

const existingSection = z
    .strictObject({
        kubeconfig: text.meta({
            description: "The cluster's kubeconfig: a file path (`~` allowed) or the kubeconfig itself. Required with `cloud: existing`.",
        }),
        context: text.optional().meta({ description: "The kubeconfig context to use. Default: the kubeconfig's `current-context`." }),
        ipFamilies: z
            .array(z.enum(values(IpFamily)))
            .default([IpFamily.IPv4, IpFamily.IPv6])
            .meta({ description: "The cluster's IP families, primary first: `[IPv4]`, `[IPv6]`, `[IPv4, IPv6]` or `[IPv6, IPv4]`." }),
        platform: z.enum(values(KubernetesPlatform)).default(KubernetesPlatform.Generic).meta({
            description: "What the cluster runs on, where Istio installs differ (`gke` sets the CNI profile).",
        }),
    })
    .meta({ description: "The existing cluster; only with `cloud: existing`." });

const networkSection = z
    .strictObject({
        ipv4Cidr: text.optional().meta({
            description: `The IPv4 range of the nodes (GKE subnet, default ${CLOUD_DEFAULTS.gcp.network.ipv4Cidr}) or of the VPC (EKS, /16 to /24, default ${CLOUD_DEFAULTS.aws.network.ipv4Cidr}). IPv6 ranges are always assigned by the cloud.`,
        }),
        podIpv4Cidr: text.optional().meta({
            description: `GKE only: the pods' IPv4 secondary range. Default ${CLOUD_DEFAULTS.gcp.network.podIpv4Cidr}.`,
        }),
        serviceIpv4Cidr: text.optional().meta({
            description: `GKE only: the Services' IPv4 secondary range. Default ${CLOUD_DEFAULTS.gcp.network.serviceIpv4Cidr}.`,
        }),
    })
    .meta({ description: "The cluster's IPv4 ranges; only with `cloud: gcp` or `aws`." });

const nodesSection = z
    .strictObject({
        count: wholeNumber.optional().meta({
            description: `Initial nodes (per zone on GKE). Default ${CLOUD_DEFAULTS.gcp.nodes.count} on GKE, ${CLOUD_DEFAULTS.aws.nodes.count} on EKS.`,
        }),
        minCount: wholeNumber.optional().meta({
            description: `Autoscaling minimum (per zone on GKE). Default ${CLOUD_DEFAULTS.gcp.nodes.minCount} on GKE, ${CLOUD_DEFAULTS.aws.nodes.minCount} on EKS.`,
        }),
        maxCount: wholeNumber.optional().meta({
            description: `Autoscaling maximum (per zone on GKE). Default ${CLOUD_DEFAULTS.gcp.nodes.maxCount} on GKE, ${CLOUD_DEFAULTS.aws.nodes.maxCount} on EKS.`,
        }),
        machineType: text.optional().meta({
            description: `Machine (instance) type. Default ${CLOUD_DEFAULTS.gcp.nodes.machineType} on GKE, ${CLOUD_DEFAULTS.aws.nodes.machineType} on EKS (Nitro).`,
        }),
    })
    .meta({ description: "The node pool; only with `cloud: gcp` or `aws`." });

const istioSection = z
    .strictObject({
        flavor: z.enum(values(IstioFlavor)).optional().meta({
            description: "`upstream` (an Istio release) or `experimental-dual-stack` (your build of that branch). Default `upstream`.",
        }),
        version: text.optional().meta({ description: `The upstream Istio release X.Y.Z. Default ${DEFAULT_ISTIO_VERSION}.` }),
        hub: text.optional().meta({
            description: `Registry path of your Istio images, e.g. \`europe-docker.pkg.dev/p/istio\`. Default ${DEFAULT_UPSTREAM_HUB} (required for the branch).`,
        }),
        tag: text.optional().meta({ description: "Tag of your Istio images (needs `hub`). Default: the release version (required for the branch)." }),
        imagePullPolicy: z.enum(values(ImagePullPolicy)).optional().meta({
            description: "Pull policy of Istio's images. Default `Always` with `hub`, else `IfNotPresent`.",
        }),
        revision: text.optional().meta({ description: "istiod revision, a DNS-1123 label other than `default`. Default: none (the default control plane)." }),
        chartsDir: text.optional().meta({
            description: "A checkout's `manifests/charts` folder to install from (required for the branch).",
        }),
        chartRepository: text.optional().meta({
            description: `The Helm repository (https or oci) of the upstream charts. Default ${DEFAULT_CHART_REPOSITORY}.`,
        }),
        imagePullSecrets: textList.optional().meta({ description: "Names of pull Secrets for Istio's images. Default: none." }),
        base: z
            .strictObject({
                enabled: z.boolean().optional().meta({
                    description:
                        "Install Istio's base chart and create `istio-system`. `false` installs only `istiod-<revision>` beside a control plane another stack installed (a canary; needs `revision`, no gateway or CNI). Default `true`.",
                }),
            })
            .optional()
            .meta({ description: "Istio's base chart (CRDs, cluster roles) and namespace." }),
        gateway: z
            .strictObject({
                enabled: z.boolean().optional().meta({ description: "Install a dual-stack ingress gateway in `istio-ingress`. Default `false`." }),
                serviceType: z.enum(values(GatewayServiceType)).optional().meta({
                    description: "The gateway Service's type. Default `LoadBalancer`.",
                }),
            })
            .optional()
            .meta({ description: "The ingress gateway." }),
        cni: z
            .strictObject({
                enabled: z.boolean().optional().meta({ description: "Install Istio CNI, so pods need no `NET_ADMIN` init container. Default `false`." }),
            })
            .optional()
            .meta({ description: "Istio CNI." }),
    })
    .meta({ description: "Istio, installed with Helm Releases." });

/**
 * The stack config: one schema for the root program's stack config, `dualstack-istio plan
 * --config`, and each tenant of a fleet. Unknown keys and wrong types are refused; what depends
 * on the cloud is checked by {@link resolveStackConfig} in `./parse`.
 */
export const stackConfigSchema = z.strictObject({
    cloud: z.enum(values(Cloud)).meta({ description: "Where the cluster comes from: `gcp`, `aws` or `existing`. Required." }),
    clusterName: text.meta({
        description: "The cluster's name (GKE: lowercase letters, digits and `-`, at most 40; EKS: at most 100). Names the stack's resources. Required.",
    }),
    region: text.optional().meta({ description: "The GCP or AWS region (a region, not a zone). Required with `gcp` and `aws`." }),
    kubernetesVersion: text.optional().meta({
        description: `The Kubernetes version, MAJOR.MINOR (GKE also takes a full GKE version). Default ${CLOUD_DEFAULTS.gcp.kubernetesVersion} on GKE, ${CLOUD_DEFAULTS.aws.kubernetesVersion} on EKS; required with \`existing\` (the cluster's version).`,
    }),
    gcp: gcpSection.optional(),
    aws: awsSection.optional(),
    existing: existingSection.optional(),
    network: networkSection.optional(),
    nodes: nodesSection.optional(),
    istio: istioSection.optional(),
});

/** The stack config as written, before cloud defaults. */
export type StackConfigDocument = z.output<typeof stackConfigSchema>;
/** The `istio` section as written. */
export type IstioConfig = NonNullable<StackConfigDocument["istio"]>;
