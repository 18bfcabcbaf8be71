import type * as pulumi from "@pulumi/pulumi";

// The GKE component's arguments and their allowed values; `./plan` checks them and applies the defaults.

/** The GKE release channels (`releaseChannel.channel`). */
export const GkeReleaseChannel = { Rapid: "RAPID", Regular: "REGULAR", Stable: "STABLE", Extended: "EXTENDED" } as const;
export type GkeReleaseChannel = (typeof GkeReleaseChannel)[keyof typeof GkeReleaseChannel];

/** How a GKE subnet's IPv6 range is reachable (`ipv6AccessType`). */
export const Ipv6AccessType = {
    /** Global unicast addresses, reachable from the internet subject to firewall rules. */
    External: "EXTERNAL",
    /** Unique local addresses from the network's ULA /48; not reachable from the internet. */
    Internal: "INTERNAL",
} as const;
export type Ipv6AccessType = (typeof Ipv6AccessType)[keyof typeof Ipv6AccessType];

/** Arguments of {@link GkeDualStackCluster}. Shape-deciding values are plain. */
export interface GkeDualStackClusterArgs {
    /** The GCP project to create everything in. */
    readonly project: string;
    /** The region of the (regional) cluster, e.g. `europe-west4`; not a zone. */
    readonly region: string;
    /**
     * The GKE cluster's name: a lowercase letter, then lowercase letters, digits and `-`, at most
     * 40 characters, not ending in `-`. The network and subnetwork are named after it.
     * @default the component's name
     */
    readonly clusterName?: string;
    /**
     * The minimum control-plane version, `MAJOR.MINOR` or a full GKE version
     * (`1.33.5-gke.1080000`). Dual-stack needs 1.24 or newer, and with `EXTERNAL` access 1.25.5 (the
     * dual-stack load balancer), and a minor GKE offers on the release channel that day (see
     * `components/gke/calendar.ts`); the release channel upgrades from it.
     * @default "1.35"
     */
    readonly kubernetesVersion?: string;
    /**
     * Zones of `region` to run nodes in.
     * @default the zones GKE chooses for the region
     */
    readonly zones?: string[];
    /**
     * How the subnet's IPv6 range is reachable: `EXTERNAL` (global unicast) or `INTERNAL` (ULA
     * from the network's /48, which this turns on; external load balancers then get IPv4 only).
     * Fixed once the subnet exists.
     * @default "EXTERNAL"
     */
    readonly ipv6AccessType?: Ipv6AccessType;
    /** The IPv4 ranges; IPv6 ranges are always assigned by Google. */
    readonly network?: GkeNetworkArgs;
    /** The node pool. */
    readonly nodes?: GkeNodesArgs;
    /**
     * The release channel that upgrades control plane and nodes; `UNSPECIFIED` opts out.
     * @default "REGULAR"
     */
    readonly releaseChannel?: GkeReleaseChannel | "UNSPECIFIED";
    /**
     * Refuse to delete the cluster; set `false` before `pulumi destroy`.
     * @default true
     */
    readonly deletionProtection?: boolean;
    /**
     * Nodes without public IPv4 addresses, with a Cloud Router and Cloud NAT for IPv4 egress
     * (CIS GKE 5.6.5). With `ipv6AccessType: EXTERNAL` nodes keep global IPv6 addresses: the
     * network's own rules admit no internet traffic to them, but GKE opens a LoadBalancer
     * Service's ports itself; `INTERNAL` gives them ULA IPv6 only.
     * @default true
     */
    readonly privateNodes?: boolean;
    /**
     * The control plane has a private endpoint only (CIS GKE 5.6.4; needs `privateNodes`), with
     * authorized networks on (only the VPC when `authorizedNetworks` is unset). The same `pulumi up`
     * installs Istio through it, so run Pulumi from inside the VPC, in its region.
     * @default false
     */
    readonly privateEndpoint?: boolean;
    /**
     * IPv4 CIDRs allowed to reach the control-plane endpoint (GKE authorised networks).
     * @default no restriction beyond Google authentication (the plan warns)
     */
    readonly authorizedNetworks?: string[];
    /**
     * A Cloud KMS key in the cluster's region that encrypts Secrets in etcd
     * (`projects/P/locations/L/keyRings/R/cryptoKeys/K`). It may be created in the same program
     * (a `CryptoKey`'s `id`): it is checked once known.
     * @default a key ring and key this component creates (see `customerManagedSecretsKey`)
     */
    readonly secretsEncryptionKey?: pulumi.Input<string>;
    /**
     * Encrypt Secrets in etcd with a Cloud KMS key (CIS GKE 5.3.1): `secretsEncryptionKey`, or a
     * key ring and key this component creates, rotated every 90 days. Cloud KMS never deletes a
     * key ring, so `pulumi destroy` leaves the ring (autonamed) and schedules the key's versions
     * for destruction. `false` leaves Secrets to Google-managed encryption.
     * @default true
     */
    readonly customerManagedSecretsKey?: boolean;
    /**
     * Workload Identity and the GKE metadata server on the nodes. Opting out exposes the node's
     * service account to every pod.
     * @default true
     */
    readonly enableWorkloadIdentity?: boolean;
    /**
     * Shielded nodes with Secure Boot and integrity monitoring. Opt out only for nodes that
     * load unsigned kernel modules.
     * @default true
     */
    readonly enableShieldedNodes?: boolean;
    /**
     * Send system and workload logs to Cloud Logging, and system metrics to Cloud Monitoring.
     * @default true
     */
    readonly enableLoggingAndMonitoring?: boolean;
    /**
     * The node image: `COS_CONTAINERD` (Container-Optimized OS, CIS GKE 5.5.1) or `UBUNTU_CONTAINERD`.
     * @default "COS_CONTAINERD"
     */
    readonly nodeImageType?: GkeNodeImageType;
    /**
     * Let GKE recreate nodes that fail its health checks (CIS GKE 5.5.2).
     * @default true
     */
    readonly nodeAutoRepair?: boolean;
    /**
     * Keep the kubelet's unauthenticated read-only port (10255) open. GKE closes it by default on
     * 1.32+; the component closes it on every version.
     * @default false
     */
    readonly insecureKubeletReadonlyPort?: boolean;
    /**
     * Allow RoleBindings and ClusterRoleBindings to `system:anonymous`, `system:unauthenticated`
     * and `system:authenticated` (CIS GKE 4.1.8–4.1.10 ask to refuse them).
     * @default false
     */
    readonly insecureRbacBindings?: boolean;
    /**
     * GKE security posture: `BASIC` (configuration audit of workloads, CIS GKE 5.10.4),
     * `ENTERPRISE`, or `DISABLED`. Workload vulnerability scanning is not turned on: its basic tier
     * was shut down on 2025-07-31.
     * @default "BASIC"
     */
    readonly securityPosture?: GkeSecurityPosture;
    /**
     * VPC Flow Logs on the subnet and intranode visibility, so pod-to-pod traffic on one node is
     * logged and firewalled too (CIS GKE 5.6.1). Flow logs are billed by volume.
     * @default true
     */
    readonly flowLogs?: boolean;
    /**
     * When GKE may upgrade and repair the control plane and nodes: a recurring window.
     * @default weekends, Saturday and Sunday 00:00–08:00 UTC
     */
    readonly maintenanceWindow?: GkeMaintenanceWindow;
}

/** GKE's node images that can run Istio's dual-stack data plane. */
export const GkeNodeImageType = { Cos: "COS_CONTAINERD", Ubuntu: "UBUNTU_CONTAINERD" } as const;
export type GkeNodeImageType = (typeof GkeNodeImageType)[keyof typeof GkeNodeImageType];

/** GKE security posture modes (`securityPostureConfig.mode`). */
export const GkeSecurityPosture = { Basic: "BASIC", Enterprise: "ENTERPRISE", Disabled: "DISABLED" } as const;
export type GkeSecurityPosture = (typeof GkeSecurityPosture)[keyof typeof GkeSecurityPosture];

/**
 * A recurring maintenance window (`maintenancePolicy.recurringWindow`): GKE needs at least 48 hours
 * of it in any 32 days, counting only stretches of 4 hours or more
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions#maintenance_windows).
 */
export interface GkeMaintenanceWindow {
    /**
     * `false` leaves maintenance to GKE at any time.
     * @default true
     */
    readonly enabled?: boolean;
    /**
     * The first window's start, RFC 3339 with seconds and a zone (`2025-01-04T00:00:00Z`).
     * @default "2025-01-04T00:00:00Z"
     */
    readonly startTime?: string;
    /**
     * The first window's end, RFC 3339; the window's length repeats with `recurrence`.
     * @default "2025-01-04T08:00:00Z"
     */
    readonly endTime?: string;
    /**
     * An RFC 5545 RRULE: `FREQ=DAILY` or `FREQ=WEEKLY;BYDAY=SA,SU`.
     * @default "FREQ=WEEKLY;BYDAY=SA,SU"
     */
    readonly recurrence?: string;
}

/** IPv4 ranges of a GKE cluster. */
export interface GkeNetworkArgs {
    /**
     * The subnet's primary range: node addresses.
     * @default "10.0.0.0/20"
     */
    readonly ipv4Cidr?: string;
    /**
     * The pods' IPv4 secondary range.
     * @default "10.16.0.0/14"
     */
    readonly podIpv4Cidr?: string;
    /**
     * The Services' IPv4 secondary range.
     * @default "10.20.0.0/20"
     */
    readonly serviceIpv4Cidr?: string;
}

/** The node pool; counts are per zone, as GKE counts them on regional clusters. */
export interface GkeNodesArgs {
    /** @default 1 */
    readonly count?: number;
    /** @default 1 */
    readonly minCount?: number;
    /** @default 3 */
    readonly maxCount?: number;
    /** @default "e2-standard-4" */
    readonly machineType?: string;
}
