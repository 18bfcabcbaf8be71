import { InputError, type InputWarning } from "../errors";
import { IpFamily, type LoadBalancerEdge } from "../target/cluster-facts";

/**
 * Selects the backend service-based (RBS) external passthrough Network Load Balancer for a
 * LoadBalancer Service. Without it GKE builds a target-pool load balancer, which has no IPv6
 * forwarding rules. https://cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer-parameters
 * ("Backend service-based external passthrough Network Load Balancer", GKE 1.25.5+).
 */
export const RBS_SERVICE_ANNOTATIONS: Readonly<Record<string, string>> = { "cloud.google.com/l4-rbs": "enabled" };

/** The GKE load-balancer edge: RBS external passthrough NLBs, reached over IPv4 and IPv6. */
export const GKE_LOAD_BALANCER_EDGE: LoadBalancerEdge = {
    ipFamilies: [IpFamily.IPv4, IpFamily.IPv6],
    serviceAnnotations: RBS_SERVICE_ANNOTATIONS,
};

/** The first GKE version with `cloud.google.com/l4-rbs` (the parameters page above, "Version support"). */
export const GKE_MIN_RBS_VERSION = { minor: 25, patch: 5 } as const;

/**
 * Where the RBS load balancer's health checks come from: Google's probe ranges for the regional
 * external passthrough Network Load Balancer (not those of proxy or internal load balancers).
 * https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges
 */
export const RBS_HEALTH_CHECK_RANGES = {
    IPv4: ["35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22"],
    IPv6: ["2600:1901:8001::/48"],
} as const;

const GKE_VERSION = /^1\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?/;

/**
 * Refuses a `kubernetesVersion` older than the RBS load balancer. `1.25` alone is accepted: GKE
 * resolves the alias `1.X` to "the highest valid patch+gke.N patch in the 1.X version"
 * (https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters, version aliases).
 */
export function checkRbsVersion(kubernetesVersion: string): void {
    const match = GKE_VERSION.exec(kubernetesVersion);
    if (!match) {
        return;
    }
    const minor = Number(match[1]);
    const patch = match[2] === undefined ? undefined : Number(match[2]);
    const { minor: floorMinor, patch: floorPatch } = GKE_MIN_RBS_VERSION;
    if (minor < floorMinor || (minor === floorMinor && patch !== undefined && patch < floorPatch)) {
        throw new InputError(
            "kubernetesVersion",
            `GKE ${kubernetesVersion} cannot give LoadBalancer Services IPv6: the backend service-based external passthrough load balancer (cloud.google.com/l4-rbs) needs GKE 1.${floorMinor}.${floorPatch} or newer`,
        );
    }
}

/**
 * ULA addresses cannot be served by an external load balancer: its IPv6 forwarding rule needs a
 * subnet with an external IPv6 range
 * (https://cloud.google.com/load-balancing/docs/network/networklb-backend-service#ip-address).
 */
export const INTERNAL_ACCESS_WARNING: InputWarning = {
    field: "ipv6AccessType",
    message:
        "INTERNAL gives ULA IPv6, which no external load balancer serves: LoadBalancer Services, the Istio gateway's too, get IPv4 only; use EXTERNAL for a dual-stack gateway",
};

/**
 * The edge of a subnet with INTERNAL (ULA) IPv6: external load balancers serve IPv4 only (see
 * {@link INTERNAL_ACCESS_WARNING}). The package has no internal load balancer for the gateway, so a
 * dual-stack mesh's LoadBalancer gateway is refused on it (`resolveIstioSettings`).
 */
export const GKE_INTERNAL_ACCESS_EDGE: LoadBalancerEdge = {
    ipFamilies: [IpFamily.IPv4],
    serviceAnnotations: {},
    missingFamilies: "the subnet's IPv6 is INTERNAL (ULA), which no external load balancer serves; ipv6AccessType EXTERNAL gives the gateway IPv6",
};
