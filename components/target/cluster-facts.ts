import { InputError } from "../errors";

/** An IP family, spelled as Kubernetes spells it in `Service.spec.ipFamilies`. */
export const IpFamily = {
    IPv4: "IPv4",
    IPv6: "IPv6",
} as const;
export type IpFamily = (typeof IpFamily)[keyof typeof IpFamily];

/**
 * The kind of platform a cluster runs on, where it changes how Istio must be installed
 * (for example, Istio CNI on GKE needs a ResourceQuota for its system-node-critical pods).
 */
export const KubernetesPlatform = {
    /** Any conformant cluster: kind, on-prem, private clouds. */
    Generic: "generic",
    /** Google Kubernetes Engine. */
    Gke: "gke",
    /** Amazon Elastic Kubernetes Service. */
    Eks: "eks",
} as const;
export type KubernetesPlatform = (typeof KubernetesPlatform)[keyof typeof KubernetesPlatform];

/**
 * How the cluster's LoadBalancer Services reach clients, where that differs from the cluster's own
 * families: on EKS, an IPv6 cluster behind dual-stack Network Load Balancers.
 */
export interface LoadBalancerEdge {
    /** The families clients reach the load balancer over, e.g. `[IPv4, IPv6]`. */
    readonly ipFamilies: readonly IpFamily[];
    /** Annotations a LoadBalancer Service needs to get such a load balancer. */
    readonly serviceAnnotations: Readonly<Record<string, string>>;
    /**
     * Why the edge lacks a family the cluster has, and what would give it that family. A dual-stack
     * mesh's LoadBalancer gateway is refused on such an edge, with these words.
     * @default none: the edge carries every family of the cluster
     */
    readonly missingFamilies?: string;
}

/**
 * The plain facts about a cluster that Istio planning needs: the half of the cluster target that
 * holds no Pulumi resources, so that planning code can be run and tested without the runtime.
 */
export interface ClusterFacts {
    /**
     * The IP families of the cluster's pods and Services, primary family first:
     * `[IPv4]`, `[IPv6]`, `[IPv4, IPv6]` or `[IPv6, IPv4]`. Two families means dual-stack.
     */
    readonly ipFamilies: readonly IpFamily[];
    /** The Kubernetes version, `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` (a vendor suffix is allowed). */
    readonly kubernetesVersion: string;
    /**
     * The platform the cluster runs on.
     * @default "generic"
     */
    readonly platform?: KubernetesPlatform;
    /**
     * The load-balancer edge, where the cluster's LoadBalancer Services need telling how to reach
     * clients of both families.
     * @default none: LoadBalancer Services get what the cluster's families give them
     */
    readonly loadBalancer?: LoadBalancerEdge;
}

/** A Kubernetes version reduced to what compatibility decisions need. */
export interface KubernetesMinor {
    readonly major: number;
    readonly minor: number;
    /** The version as given, for messages. */
    readonly text: string;
}

/** The lowest Kubernetes minor with dual-stack Services GA; nothing older is accepted. */
export const MIN_KUBERNETES_MINOR = 23;

// MAJOR.MINOR, or MAJOR.MINOR.PATCH with an optional vendor suffix (GKE's 1.33.5-gke.1080000);
// numbers without leading zeros, as Kubernetes and semver write them (1.033 is not 1.33 to every tool).
const KUBERNETES_VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?)?$/;

/** Parses a Kubernetes version; `field` names the input in errors. */
export function parseKubernetesVersion(text: string, field: string): KubernetesMinor {
    const match = KUBERNETES_VERSION.exec(text);
    if (!match) {
        const hint = /^v\d/.test(text) ? " without the leading 'v'" : /(^|\.)0\d/.test(text.split("-")[0]) ? " without leading zeros" : "";
        throw new InputError(field, `'${text}' is not a Kubernetes version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH${hint}, e.g. 1.33`);
    }
    const version = { major: Number(match[1]), minor: Number(match[2]), text };
    if (version.major > 1) {
        throw new InputError(
            field,
            `Kubernetes ${text} is not a release this package knows; Kubernetes versions are 1.x (1.${MIN_KUBERNETES_MINOR} or newer for dual-stack Services)`,
        );
    }
    if (version.major !== 1 || version.minor < MIN_KUBERNETES_MINOR) {
        throw new InputError(field, `Kubernetes ${text} is not supported; dual-stack Services need Kubernetes 1.${MIN_KUBERNETES_MINOR} or newer`);
    }
    return version;
}

const IP_FAMILY_SETS = ["IPv4", "IPv6", "IPv4,IPv6", "IPv6,IPv4"];

/** Checks `ipFamilies` (rule G1): one family, or both with the primary first. */
export function validateIpFamilies(families: readonly string[], field: string): readonly IpFamily[] {
    const key = families.join(",");
    if (!IP_FAMILY_SETS.includes(key)) {
        throw new InputError(field, `[${families.join(", ")}] is not a set of IP families; allowed: [IPv4], [IPv6], [IPv4, IPv6], [IPv6, IPv4]`);
    }
    return families as readonly IpFamily[];
}

/** True when the cluster gives pods and Services both families. */
export function isDualStack(families: readonly IpFamily[]): boolean {
    return families.length === 2;
}
