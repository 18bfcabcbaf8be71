import * as z from "zod";
import { type CloudPlan, defineCloud, type NewClusterStackConfig } from "../target/cloud-module";
import { type ConfigKeyMap, relabelWarnings, withConfigKeys } from "../target/config-keys";
import { enumValues, text, textList } from "../target/schema-parts";
import { GKE_CIS } from "./cis";
import { GKE_POLICY_CHECKS } from "./policy-checks";
import { GCP_INVOKES, GCP_SYNTHESIZERS } from "./offline-answers";
import {
    GKE_DEFAULTS,
    type GkeClusterPlan,
    type GkeDualStackClusterArgs,
    GkeNodeImageType,
    GkeReleaseChannel,
    GkeSecurityPosture,
    Ipv6AccessType,
    PLANNED_GKE_ARGS,
    planGkeCluster,
} from "./plan";

/** The `gcp` section of a `cloud: gcp` stack config. */
export const gcpSection = z
    .strictObject({
        project: text.meta({ description: "The GCP project to create everything in. Required with `cloud: gcp`." }),
        ipv6AccessType: z.enum(enumValues(Ipv6AccessType)).default(Ipv6AccessType.External).meta({
            description:
                "`EXTERNAL`: internet-routable IPv6 (subject to firewall rules). `INTERNAL`: ULA IPv6 from the network's /48, not routable from the internet. Fixed once the subnet exists.",
        }),
        zones: textList.optional().meta({
            description: "Zones of `region` to run nodes in. Default: the zones GKE picks for the region.",
        }),
        releaseChannel: z
            .enum([...enumValues(GkeReleaseChannel), "UNSPECIFIED"])
            .default(GkeReleaseChannel.Regular)
            .meta({
                description: "The GKE release channel that upgrades the control plane and nodes (CIS GKE 5.5.4); `UNSPECIFIED` opts out. The version must be one GKE offers on it.",
            }),
        deletionProtection: z.boolean().default(true).meta({
            description: "Refuse to delete the cluster (set `false` before `pulumi destroy`).",
        }),
        privateNodes: z.boolean().default(true).meta({
            description:
                "Nodes without public IPv4 addresses, with a Cloud Router and Cloud NAT for IPv4 egress (CIS GKE 5.6.5). With `ipv6AccessType: EXTERNAL` nodes keep global IPv6 addresses: the network's own rules admit no internet traffic to them, but GKE opens a LoadBalancer Service's ports itself.",
        }),
        privateEndpoint: z.boolean().default(false).meta({
            description:
                "A private-only control-plane endpoint (CIS GKE 5.6.4; needs `privateNodes`; authorized networks go on, with only the VPC when `authorizedNetworks` is unset). The same `pulumi up` installs Istio through it: run Pulumi from inside the VPC, in its region.",
        }),
        authorizedNetworks: textList.optional().meta({
            description: "IPv4 CIDRs allowed to reach the control-plane endpoint (never 0.0.0.0/0). Default: no restriction beyond Google's authentication; the plan warns.",
        }),
        secretsEncryptionKey: text.optional().meta({
            description: "Your Cloud KMS key (`projects/P/locations/L/keyRings/R/cryptoKeys/K`, in `region`) to encrypt Secrets in etcd. Default: a key the stack creates.",
        }),
        customerManagedSecretsKey: z.boolean().default(true).meta({
            description:
                "Encrypt Secrets in etcd with a Cloud KMS key (CIS GKE 5.3.1): `secretsEncryptionKey`, or an autonamed key ring and key the stack creates, rotated every 90 days (Cloud KMS never deletes a key ring; destroy leaves it). `false`: Google-managed encryption. Needs the Cloud KMS API in the project.",
        }),
        workloadIdentity: z.boolean().default(true).meta({
            description: "Workload Identity and the GKE metadata server on nodes (CIS GKE 5.2.2, 5.4.1). `false` exposes the node's service account to every pod.",
        }),
        shieldedNodes: z.boolean().default(true).meta({
            description: "Shielded nodes with Secure Boot and integrity monitoring (CIS GKE 5.5.5–5.5.7). Opt out only for nodes that load unsigned kernel modules.",
        }),
        loggingAndMonitoring: z.boolean().default(true).meta({
            description: "System and workload logs to Cloud Logging, system metrics to Cloud Monitoring (CIS GKE 5.7.1).",
        }),
        nodeImageType: z.enum(enumValues(GkeNodeImageType)).default(GkeNodeImageType.Cos).meta({
            description: "The node image: Container-Optimized OS (CIS GKE 5.5.1) or Ubuntu.",
        }),
        nodeAutoRepair: z.boolean().default(true).meta({
            description: "GKE recreates nodes that fail its health checks (CIS GKE 5.5.2).",
        }),
        insecureKubeletReadonlyPort: z.boolean().default(false).meta({
            description: "Keep the kubelet's unauthenticated read-only port 10255 open (closed by default).",
        }),
        insecureRbacBindings: z.boolean().default(false).meta({
            description: "Allow RoleBindings to `system:anonymous`, `system:unauthenticated` and `system:authenticated` (CIS GKE 4.1.8–4.1.10 refuse them).",
        }),
        securityPosture: z.enum(enumValues(GkeSecurityPosture)).default(GkeSecurityPosture.Basic).meta({
            description: "GKE security posture (CIS GKE 5.10.4): `BASIC` audits workload configuration; `ENTERPRISE`; `DISABLED`.",
        }),
        flowLogs: z.boolean().default(true).meta({
            description: "VPC Flow Logs on the subnet (half the flows, 5 s aggregation; billed by volume) and intranode visibility (CIS GKE 5.6.1).",
        }),
        maintenanceWindow: z
            .strictObject({
                enabled: z.boolean().default(true).meta({ description: "`false` lets GKE maintain the cluster at any time." }),
                startTime: text.default(GKE_DEFAULTS.maintenanceWindow.startTime).meta({ description: "The first window's start, RFC 3339 with seconds and a zone." }),
                endTime: text.default(GKE_DEFAULTS.maintenanceWindow.endTime).meta({ description: "The first window's end: at least 4 hours and less than 24 after the start." }),
                recurrence: text.default(GKE_DEFAULTS.maintenanceWindow.recurrence).meta({
                    description: "`FREQ=DAILY` or `FREQ=WEEKLY;BYDAY=…`; GKE needs 48 hours of windows in any 32 days.",
                }),
            })
            .optional()
            .meta({ description: "When GKE may upgrade and repair the cluster. Default: Saturdays and Sundays, 00:00–08:00 UTC." }),
    })
    .meta({ description: "GKE settings; only with `cloud: gcp`." });

/** The `gcp` section, defaults applied. */
export type GcpSection = z.output<typeof gcpSection>;

/** A `cloud: gcp` stack's config as the GKE cloud reads it. */
export type GcpStackConfig = NewClusterStackConfig<"gcp", GcpSection, typeof GKE_DEFAULTS.network>;

/** The GKE component's arguments for a `cloud: gcp` stack. */
export function gkeArgs(config: GcpStackConfig): GkeDualStackClusterArgs {
    const { gcp } = config;
    return {
        project: gcp.project,
        region: config.region,
        clusterName: config.clusterName,
        kubernetesVersion: config.kubernetesVersion,
        ipv6AccessType: gcp.ipv6AccessType,
        network: config.network,
        nodes: config.nodes,
        releaseChannel: gcp.releaseChannel,
        deletionProtection: gcp.deletionProtection,
        privateNodes: gcp.privateNodes,
        privateEndpoint: gcp.privateEndpoint,
        customerManagedSecretsKey: gcp.customerManagedSecretsKey,
        enableWorkloadIdentity: gcp.workloadIdentity,
        enableShieldedNodes: gcp.shieldedNodes,
        enableLoggingAndMonitoring: gcp.loggingAndMonitoring,
        nodeImageType: gcp.nodeImageType,
        nodeAutoRepair: gcp.nodeAutoRepair,
        insecureKubeletReadonlyPort: gcp.insecureKubeletReadonlyPort,
        insecureRbacBindings: gcp.insecureRbacBindings,
        securityPosture: gcp.securityPosture,
        flowLogs: gcp.flowLogs,
        ...(gcp.maintenanceWindow ? { maintenanceWindow: gcp.maintenanceWindow } : {}),
        ...(gcp.zones ? { zones: gcp.zones } : {}),
        ...(gcp.authorizedNetworks ? { authorizedNetworks: gcp.authorizedNetworks } : {}),
        ...(gcp.secretsEncryptionKey ? { secretsEncryptionKey: gcp.secretsEncryptionKey } : {}),
    };
}

/** Where each GKE component argument lives in the stack config. */
const GKE_KEYS: ConfigKeyMap = {
    project: "gcp.project",
    zones: "gcp.zones",
    ipv6AccessType: "gcp.ipv6AccessType",
    releaseChannel: "gcp.releaseChannel",
    deletionProtection: "gcp.deletionProtection",
    privateNodes: "gcp.privateNodes",
    authorizedNetworks: "gcp.authorizedNetworks",
    secretsEncryptionKey: "gcp.secretsEncryptionKey",
    privateEndpoint: "gcp.privateEndpoint",
    customerManagedSecretsKey: "gcp.customerManagedSecretsKey",
    enableWorkloadIdentity: "gcp.workloadIdentity",
    enableShieldedNodes: "gcp.shieldedNodes",
    enableLoggingAndMonitoring: "gcp.loggingAndMonitoring",
    nodeImageType: "gcp.nodeImageType",
    nodeAutoRepair: "gcp.nodeAutoRepair",
    insecureKubeletReadonlyPort: "gcp.insecureKubeletReadonlyPort",
    insecureRbacBindings: "gcp.insecureRbacBindings",
    securityPosture: "gcp.securityPosture",
    flowLogs: "gcp.flowLogs",
    maintenanceWindow: "gcp.maintenanceWindow",
};

/** A GKE stack's plan: the component's own plan, and its warnings named by config key. */
export interface GcpCloudPlan extends CloudPlan {
    readonly args: GkeDualStackClusterArgs;
    readonly cluster: GkeClusterPlan;
}

/** `cloud: gcp`: a GKE Standard cluster this stack creates, true dual-stack. */
export const GCP_CLOUD = defineCloud({
    name: "gcp",
    title: "GKE",
    summary: "A GKE cluster this stack creates: true dual-stack pods and Services.",
    exampleConfig: "examples/gke/stack-config.yaml",
    section: gcpSection,
    requiredKey: { key: "project", hint: "give the project ID to create the cluster in" },
    newCluster: {
        region: { provider: "GCP", example: "europe-west4" },
        kubernetesVersion: GKE_DEFAULTS.kubernetesVersion,
        otherVersionForms: "also a full GKE version",
        network: {
            ipv4Cidr: { default: GKE_DEFAULTS.network.ipv4Cidr, meaning: "the subnet's range, node addresses" },
            podIpv4Cidr: { default: GKE_DEFAULTS.network.podIpv4Cidr, meaning: "the pods' IPv4 secondary range" },
            serviceIpv4Cidr: { default: GKE_DEFAULTS.network.serviceIpv4Cidr, meaning: "the Services' IPv4 secondary range" },
        },
        otherNetworkKeys: "Google assigns the IPv6 ranges",
        nodes: GKE_DEFAULTS.nodes,
        nodeCountsAre: "per zone",
        clusterNameRule: "lowercase letters, digits and `-`, at most 40",
    },
    sdk: { name: "@pulumi/gcp", range: "^9.37.0" },
    plugins: ["gcp"],
    cis: GKE_CIS,
    policyChecks: GKE_POLICY_CHECKS,
    plan(config: GcpStackConfig, today: Date): GcpCloudPlan {
        const args = gkeArgs(config);
        const cluster = withConfigKeys(GKE_KEYS, () => planGkeCluster(config.clusterName, args, today));
        return { args, cluster, facts: cluster.facts, warnings: relabelWarnings(cluster.warnings, GKE_KEYS) };
    },
    async deploy(config: GcpStackConfig, plan: GcpCloudPlan) {
        const { GkeDualStackCluster } = await import("./gke-dual-stack-cluster");
        const cluster = new GkeDualStackCluster(config.clusterName, PLANNED_GKE_ARGS.attach(plan.args, plan.cluster));
        return {
            target: cluster.target,
            outputs: { kubeconfig: cluster.kubeconfig, endpoint: cluster.endpoint, subnetIpv6CidrRange: cluster.subnetIpv6CidrRange },
        };
    },
    offlineAnswers: () => ({ synthesizers: GCP_SYNTHESIZERS, invokes: GCP_INVOKES }),
    identity: (config: GcpStackConfig) => ({
        key: `gcp/${config.gcp.project}/${config.region}/${config.clusterName}`,
        description: `GKE cluster '${config.clusterName}' in project ${config.gcp.project}, region ${config.region}`,
        remedy: "give all but one another clusterName, region or gcp.project",
    }),
    sharedNames: (config: GcpStackConfig, { cluster }: GcpCloudPlan) => [
        {
            key: `gcp/${config.gcp.project}/serviceAccount/${cluster.nodeServiceAccountId}`,
            description: `the node service account '${cluster.nodeServiceAccountId}' of project ${config.gcp.project} (named after the clusterName)`,
            remedy: "give all but one another clusterName or gcp.project",
        },
    ],
    location: (config: GcpStackConfig) => `gcp ${config.region}`,
    deletionProtected: (config: GcpStackConfig) => config.gcp.deletionProtection,
});
