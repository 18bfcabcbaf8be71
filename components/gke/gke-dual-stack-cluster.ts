import * as pulumi from "@pulumi/pulumi";
import { Firewall } from "@pulumi/gcp/compute/firewall";
import { Network } from "@pulumi/gcp/compute/network";
import { Router } from "@pulumi/gcp/compute/router";
import { RouterNat } from "@pulumi/gcp/compute/routerNat";
import { Subnetwork } from "@pulumi/gcp/compute/subnetwork";
import { Cluster } from "@pulumi/gcp/container/cluster";
import { NodePool } from "@pulumi/gcp/container/nodePool";
import { CryptoKey } from "@pulumi/gcp/kms/cryptoKey";
import { CryptoKeyIAMMember } from "@pulumi/gcp/kms/cryptoKeyIAMMember";
import { KeyRing } from "@pulumi/gcp/kms/keyRing";
import { getProjectOutput } from "@pulumi/gcp/organizations/getProject";
import { IAMMember } from "@pulumi/gcp/projects/iammember";
import { Account } from "@pulumi/gcp/serviceaccount/account";
import { Provider } from "@pulumi/kubernetes/provider";
import { checkedFor, formatWarning } from "../errors";
import type { ClusterTarget } from "../target/cluster-target";
import { checkedWhenKnown } from "../target/checked-when-known";
import { gkeKubeconfig } from "./kubeconfig";
import { fittedName, GCP_NAME_LIMITS } from "./names";
import { RBS_HEALTH_CHECK_RANGES } from "./load-balancer";
import {
    type GkeClusterPlan,
    type GkeDualStackClusterArgs,
    Ipv6AccessType,
    checkGkeSecretsKey,
    planGkeCluster,
    PLANNED_GKE_ARGS,
    POD_RANGE_NAME,
    SERVICE_RANGE_NAME,
} from "./plan";

/**
 * The node service account's roles: `roles/container.defaultNodeServiceAccount`, the least
 * privilege Google gives GKE nodes (logs, metrics, autoscaling metrics;
 * https://cloud.google.com/kubernetes-engine/docs/how-to/service-accounts#default-gke-service-agent),
 * and reading Artifact Registry to pull images, its only registry role (CIS GKE 5.1.3).
 */
export const NODE_SERVICE_ACCOUNT_ROLES = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"] as const;

/** How often the stack-owned Secrets key rotates: 90 days. */
export const SECRETS_KEY_ROTATION_PERIOD = "7776000s";

/**
 * Access is governed by the node account's IAM roles, not by scopes
 * (https://cloud.google.com/compute/docs/access/service-accounts#scopes_best_practice).
 */
const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/**
 * A regional GKE Standard cluster whose nodes, pods and Services have IPv4 and IPv6, hardened by
 * default, producing the {@link ClusterTarget} that {@link DualStackIstio} installs onto.
 *
 * Creates a custom-mode VPC with a dual-stack subnet (IPv4 pod and Service secondary ranges;
 * Google assigns the IPv6 /64), per-family firewall rules, a dedicated node service account, a
 * VPC-native Dataplane V2 cluster with `IPV4_IPV6` and L4 ILB subsetting, an autoscaled node
 * pool, and a Kubernetes provider that authenticates with `gke-gcloud-auth-plugin`.
 * Every argument is checked before anything is created.
 */
export class GkeDualStackCluster extends pulumi.ComponentResource {
    /** The cluster target: provider, families `[IPv4, IPv6]`, version, readiness (the node pool). */
    public readonly target: ClusterTarget;
    /** The GKE cluster. */
    public readonly cluster: Cluster;
    /** The GKE cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    /** The control plane's endpoint address. */
    public readonly endpoint: pulumi.Output<string>;
    /** A kubeconfig for the cluster using `gke-gcloud-auth-plugin` (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The VPC network. */
    public readonly network: Network;
    /** The dual-stack subnetwork. */
    public readonly subnetwork: Subnetwork;
    /** The subnet's Google-assigned IPv6 /64, which nodes and pods take their IPv6 addresses from. */
    public readonly subnetIpv6CidrRange: pulumi.Output<string>;
    /** The node pools (one). */
    public readonly nodePools: NodePool[];
    /** The Kubernetes provider for the cluster (also in {@link GkeDualStackCluster.target}). */
    public readonly provider: Provider;

    constructor(name: string, args: GkeDualStackClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const plan = PLANNED_GKE_ARGS.planOf(args, () => checkedFor("GkeDualStackCluster", name, () => planGkeCluster(name, args)));
        super("dualstack-istio:index:GkeDualStackCluster", name, args, opts);
        for (const warning of plan.warnings) {
            void pulumi.log.warn(formatWarning(warning), this);
        }
        const { project, region } = plan;

        const network = fitted(`${name}-network`, GCP_NAME_LIMITS.compute);
        this.network = new Network(
            network.logical,
            {
                ...network.args,
                project,
                autoCreateSubnetworks: false,
                routingMode: "REGIONAL",
                enableUlaInternalIpv6: plan.ipv6AccessType === Ipv6AccessType.Internal,
            },
            { parent: this, ...network.opts },
        );
        const subnet = fitted(`${name}-subnet`, GCP_NAME_LIMITS.compute);
        this.subnetwork = new Subnetwork(
            subnet.logical,
            {
                ...subnet.args,
                project,
                region,
                network: this.network.id,
                ipCidrRange: plan.network.ipv4Cidr,
                stackType: "IPV4_IPV6",
                ipv6AccessType: plan.ipv6AccessType,
                privateIpGoogleAccess: true,
                secondaryIpRanges: [
                    { rangeName: POD_RANGE_NAME, ipCidrRange: plan.network.podIpv4Cidr },
                    { rangeName: SERVICE_RANGE_NAME, ipCidrRange: plan.network.serviceIpv4Cidr },
                ],
                // Half the flows, aggregated over 5 s: what CIS GKE 5.6.1 asks at a fraction of the volume.
                logConfig: plan.flowLogs ? { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" } : undefined,
            },
            // The access type can only be set when the subnet becomes dual-stack. The replacement
            // reuses the primary range, which no two subnets of a network may share: delete first.
            { parent: this, replaceOnChanges: ["ipv6AccessType"], deleteBeforeReplace: true },
        );
        this.subnetIpv6CidrRange = plan.ipv6AccessType === Ipv6AccessType.External ? this.subnetwork.externalIpv6Prefix : this.subnetwork.internalIpv6Prefix;

        this.createFirewallRules(name, plan);
        if (plan.privateNodes) {
            this.createCloudNat(name, plan);
        }

        const nodeAccount = new Account(
            `${name}-node-account`,
            {
                project,
                accountId: plan.nodeServiceAccountId,
                displayName: `Nodes of GKE cluster ${plan.clusterName}`,
            },
            { parent: this },
        );
        const nodeRoles = NODE_SERVICE_ACCOUNT_ROLES.map(
            (role) =>
                new IAMMember(
                    `${name}-node-account-${role.replace(/^roles\//, "").replace(/\./g, "-")}`,
                    { project, role, member: pulumi.interpolate`serviceAccount:${nodeAccount.email}` },
                    { parent: this },
                ),
        );

        const secretsKeyName = !plan.customerManagedSecretsKey
            ? undefined
            : plan.secretsEncryptionKey
              ? checkedWhenKnown(plan.secretsEncryptionKey, (key) => checkGkeSecretsKey(key, region))
              : this.createSecretsKey(name, plan).id;
        const secretsKeyGrants = secretsKeyName ? [this.grantSecretsKey(name, project, secretsKeyName)] : [];

        this.cluster = new Cluster(
            `${name}-cluster`,
            {
                project,
                name: plan.clusterName,
                location: region,
                nodeLocations: plan.zones ? [...plan.zones] : undefined,
                network: this.network.id,
                subnetwork: this.subnetwork.id,
                networkingMode: "VPC_NATIVE",
                datapathProvider: "ADVANCED_DATAPATH",
                ipAllocationPolicy: {
                    stackType: "IPV4_IPV6",
                    clusterSecondaryRangeName: POD_RANGE_NAME,
                    servicesSecondaryRangeName: SERVICE_RANGE_NAME,
                },
                enableL4IlbSubsetting: true,
                enableIntranodeVisibility: plan.flowLogs,
                removeDefaultNodePool: true,
                initialNodeCount: 1,
                // The default pool lives until the cluster is up; without an account its nodes run as
                // the Compute Engine default service account, which many projects disable.
                nodeConfig: { serviceAccount: nodeAccount.email, oauthScopes: [CLOUD_PLATFORM_SCOPE] },
                minMasterVersion: plan.kubernetesVersion,
                releaseChannel: { channel: plan.releaseChannel },
                deletionProtection: plan.deletionProtection,
                enableShieldedNodes: plan.enableShieldedNodes,
                enableLegacyAbac: false,
                enableKubernetesAlpha: false,
                rbacBindingConfig: {
                    enableInsecureBindingSystemUnauthenticated: plan.insecureRbacBindings,
                    enableInsecureBindingSystemAuthenticated: plan.insecureRbacBindings,
                },
                securityPostureConfig: { mode: plan.securityPosture },
                // https://cloud.google.com/kubernetes-engine/docs/how-to/disable-kubelet-readonly-port
                nodePoolDefaults: { nodeConfigDefaults: { insecureKubeletReadonlyPortEnabled: kubeletReadonlyPort(plan) } },
                maintenancePolicy: plan.maintenanceWindow ? { recurringWindow: plan.maintenanceWindow } : undefined,
                masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
                workloadIdentityConfig: plan.enableWorkloadIdentity ? { workloadPool: `${project}.svc.id.goog` } : undefined,
                ...(plan.enableLoggingAndMonitoring
                    ? {
                          loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
                          monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS"] },
                      }
                    : { loggingService: "none", monitoringService: "none" }),
                privateClusterConfig: plan.privateNodes ? { enablePrivateNodes: true, enablePrivateEndpoint: plan.privateEndpoint } : undefined,
                // A private endpoint needs authorized networks on, even with none listed (then only the VPC reaches it).
                masterAuthorizedNetworksConfig:
                    plan.authorizedNetworks || plan.privateEndpoint
                        ? {
                              cidrBlocks: (plan.authorizedNetworks ?? []).map((cidrBlock) => ({ cidrBlock })),
                              gcpPublicCidrsAccessEnabled: false,
                          }
                        : undefined,
                databaseEncryption: secretsKeyName ? { state: "ENCRYPTED", keyName: secretsKeyName } : undefined,
            },
            // The cluster's nodeConfig only shapes the removed default pool, and a node account cannot
            // change in place (the provider would replace the cluster): stacks made before it keep theirs.
            { parent: this, dependsOn: [...nodeRoles, ...secretsKeyGrants], ignoreChanges: ["nodeConfig"] },
        );

        const pool = fitted(`${name}-nodes`, GCP_NAME_LIMITS.nodePool);
        const nodePool = new NodePool(
            pool.logical,
            {
                ...pool.args,
                project,
                cluster: this.cluster.name,
                location: region,
                nodeLocations: plan.zones ? [...plan.zones] : undefined,
                initialNodeCount: plan.nodes.count,
                autoscaling: { minNodeCount: plan.nodes.minCount, maxNodeCount: plan.nodes.maxCount },
                management: { autoRepair: plan.nodeAutoRepair, autoUpgrade: true },
                nodeConfig: {
                    machineType: plan.nodes.machineType,
                    imageType: plan.nodeImageType,
                    serviceAccount: nodeAccount.email,
                    oauthScopes: [CLOUD_PLATFORM_SCOPE],
                    metadata: { "disable-legacy-endpoints": "true" },
                    shieldedInstanceConfig: plan.enableShieldedNodes ? { enableSecureBoot: true, enableIntegrityMonitoring: true } : undefined,
                    workloadMetadataConfig: plan.enableWorkloadIdentity ? { mode: "GKE_METADATA" } : undefined,
                    kubeletConfig: { insecureKubeletReadonlyPortEnabled: kubeletReadonlyPort(plan) },
                },
            },
            // The autoscaler owns the size after creation; a new initial count must not replace the pool.
            { parent: this, dependsOn: nodeRoles, ignoreChanges: ["initialNodeCount"], ...pool.opts },
        );
        this.nodePools = [nodePool];

        this.clusterName = this.cluster.name;
        this.endpoint = this.cluster.endpoint;
        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.cluster.endpoint, this.cluster.masterAuth.clusterCaCertificate])
                .apply(([endpoint, clusterCaCertificate]) =>
                    gkeKubeconfig({ project, region, clusterName: plan.clusterName, endpoint, clusterCaCertificate: clusterCaCertificate ?? "" }),
                ),
        );
        // The provider needs only the control plane: CRDs and namespaces go ahead while nodes boot,
        // and what schedules pods waits for `readyForWorkloads`.
        this.provider = new Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });
        this.target = { ...plan.facts, provider: this.provider, readyForWorkloads: [nodePool] };

        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            kubeconfig: this.kubeconfig,
            subnetIpv6CidrRange: this.subnetIpv6CidrRange,
        });
    }

    /**
     * A key ring and key in the cluster's region for Secrets, both autonamed: Cloud KMS never
     * deletes a key ring, so a recreated stack must not reuse the name
     * (https://cloud.google.com/kms/docs/resource-hierarchy#retention).
     */
    private createSecretsKey(name: string, plan: GkeClusterPlan): CryptoKey {
        const keyRing = new KeyRing(`${name}-secrets`, { project: plan.project, location: plan.region }, { parent: this });
        return new CryptoKey(`${name}-secrets`, { keyRing: keyRing.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: SECRETS_KEY_ROTATION_PERIOD }, { parent: this });
    }

    /**
     * GKE encrypts Secrets as its service agent, which needs the key's encrypter/decrypter role
     * before the cluster is created, or the create fails
     * (https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets#grant_permission).
     */
    private grantSecretsKey(name: string, project: string, keyName: pulumi.Input<string>): CryptoKeyIAMMember {
        const projectNumber = getProjectOutput({ projectId: project }, { parent: this }).number;
        return new CryptoKeyIAMMember(
            `${name}-secrets-key-gke-agent`,
            {
                cryptoKeyId: keyName,
                role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                member: pulumi.interpolate`serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`,
            },
            { parent: this },
        );
    }

    private createFirewallRules(name: string, plan: GkeClusterPlan): void {
        // A GCP firewall rule holds one family, so every rule comes in an IPv4 and an IPv6 twin.
        const rule = (suffix: string, sourceRanges: pulumi.Input<pulumi.Input<string>[]>, allow: { protocol: string }[], description: string) => {
            const firewall = fitted(`${name}-${suffix}`, GCP_NAME_LIMITS.compute);
            return new Firewall(
                firewall.logical,
                {
                    ...firewall.args,
                    project: plan.project,
                    network: this.network.id,
                    direction: "INGRESS",
                    sourceRanges,
                    allows: allow,
                    description,
                },
                { parent: this, ...firewall.opts },
            );
        };
        rule(
            "allow-internal-ipv4",
            [plan.network.ipv4Cidr, plan.network.podIpv4Cidr],
            [{ protocol: "tcp" }, { protocol: "udp" }, { protocol: "icmp" }],
            "Nodes and pods talk to each other over IPv4.",
        );
        rule(
            "allow-internal-ipv6",
            [this.subnetIpv6CidrRange],
            // 58 is ICMPv6, which IPv6 needs for neighbour discovery and path MTU.
            [{ protocol: "tcp" }, { protocol: "udp" }, { protocol: "58" }],
            "Nodes and pods talk to each other over IPv6 (the subnet's /64 holds both).",
        );
        // GKE opens its own per-Service health-check rules too
        // (https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules); these hold while
        // that is turned off, and cover exactly the gateway's load balancer's checkers.
        rule("allow-health-checks-ipv4", [...RBS_HEALTH_CHECK_RANGES.IPv4], [{ protocol: "tcp" }], "Health checks of external passthrough load balancers over IPv4.");
        rule("allow-health-checks-ipv6", [...RBS_HEALTH_CHECK_RANGES.IPv6], [{ protocol: "tcp" }], "Health checks of external passthrough load balancers over IPv6.");
    }

    private createCloudNat(name: string, plan: GkeClusterPlan): void {
        const routerName = fitted(`${name}-router`, GCP_NAME_LIMITS.compute);
        const router = new Router(
            routerName.logical,
            { ...routerName.args, project: plan.project, region: plan.region, network: this.network.id },
            { parent: this, ...routerName.opts },
        );
        const nat = fitted(`${name}-nat`, GCP_NAME_LIMITS.compute);
        new RouterNat(
            nat.logical,
            {
                ...nat.args,
                project: plan.project,
                region: plan.region,
                router: router.name,
                natIpAllocateOption: "AUTO_ONLY",
                sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                logConfig: { enable: true, filter: "ERRORS_ONLY" },
            },
            { parent: this, ...nat.opts },
        );
    }
}

/**
 * A resource's name where its autoname would pass Google's limit (see {@link fittedName}), and
 * delete-before-replace with it: a named resource's replacement cannot exist beside it.
 */
function fitted(logical: string, limit: number): { logical: string; args: { name?: string }; opts: { deleteBeforeReplace?: boolean } } {
    const name = fittedName(logical, limit);
    return name === undefined ? { logical, args: {}, opts: {} } : { logical, args: { name }, opts: { deleteBeforeReplace: true } };
}

/** The kubelet's read-only port setting, as GKE spells the boolean. */
function kubeletReadonlyPort(plan: GkeClusterPlan): "TRUE" | "FALSE" {
    return plan.insecureKubeletReadonlyPort ? "TRUE" : "FALSE";
}
