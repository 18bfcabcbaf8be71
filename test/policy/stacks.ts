// Hand-written stacks for the policy tests: resources as a stack of one's own would register them,
// compliant unless a test changes them.
import { dualStackIstioPolicies } from "../../policy";
import type { Diagnostic, TestResource } from "./analyzer";
import { urnOf } from "./analyzer";

export const RELEASE = "kubernetes:helm.sh/v3:Release";
export const ISTIO_REPO = "https://istio-release.example/charts";

/** A GKE cluster with every checked CIS control on, dual-stack, and authorized networks. */
export function gkeCluster(overrides: Record<string, unknown> = {}): TestResource {
    return {
        type: "gcp:container/cluster:Cluster",
        name: "gke",
        props: {
            ipAllocationPolicy: { stackType: "IPV4_IPV6" },
            networkingMode: "VPC_NATIVE",
            datapathProvider: "ADVANCED_DATAPATH",
            rbacBindingConfig: { enableInsecureBindingSystemUnauthenticated: false, enableInsecureBindingSystemAuthenticated: false },
            workloadIdentityConfig: { workloadPool: "my-project.svc.id.goog" },
            databaseEncryption: { state: "ENCRYPTED", keyName: "projects/my-project/locations/europe-west4/keyRings/r/cryptoKeys/k" },
            releaseChannel: { channel: "REGULAR" },
            enableShieldedNodes: true,
            enableIntranodeVisibility: true,
            privateClusterConfig: { enablePrivateNodes: true },
            masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "81.2.69.0/24" }] },
            ...overrides,
        },
    };
}

/** An EKS cluster (IPv6) with its checked CIS controls on and a listed public endpoint. */
export function eksCluster(overrides: Record<string, unknown> = {}): TestResource {
    return {
        type: "aws:eks/cluster:Cluster",
        name: "eks",
        props: {
            kubernetesNetworkConfig: { ipFamily: "ipv6" },
            vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["81.2.69.0/24"] },
            accessConfig: { authenticationMode: "API" },
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:eu-west-1:111122223333:key/k" } },
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            ...overrides,
        },
    };
}

/** An AKS cluster, dual-stack, with authorized ranges. */
export function aksCluster(overrides: Record<string, unknown> = {}): TestResource {
    return {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { networkProfile: { ipFamilies: ["IPv4", "IPv6"] }, apiServerAccessProfile: { authorizedIPRanges: ["81.2.69.0/24"] }, ...overrides },
    };
}

/** An istiod Release of Istio `version` from a repository, with everything a dual-stack istiod of 1.20 and newer needs. */
export function istiod(version = "1.30.3", values: Record<string, unknown> = {}): TestResource {
    return {
        type: RELEASE,
        name: "istiod",
        props: {
            name: "istiod",
            chart: "istiod",
            version,
            repositoryOpts: { repo: ISTIO_REPO },
            values: {
                global: { hub: "docker.io/istio", tag: version },
                pilot: { env: { ISTIO_DUAL_STACK: "true" }, ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] },
                meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_DUAL_STACK: "true" } } },
                ...values,
            },
        },
    };
}

/** A gateway Release of Istio `version`, dual-stack through its chart's service keys. */
export function gateway(version = "1.30.3", values: Record<string, unknown> = {}): TestResource {
    return {
        type: RELEASE,
        name: "gateway",
        props: {
            name: "istio-ingressgateway",
            chart: "gateway",
            version,
            repositoryOpts: { repo: ISTIO_REPO },
            values: { service: { type: "LoadBalancer", ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] }, ...values },
        },
    };
}

/** A ServicePatch of Service `service` asking for both families. */
export function dualStackPatch(service: string): TestResource {
    return {
        type: "kubernetes:core/v1:ServicePatch",
        name: `${service}-dual-stack`,
        props: { metadata: { name: service, namespace: "istio-system" }, spec: { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] } },
    };
}

const DESCRIPTIONS = new Map(dualStackIstioPolicies().map((policy) => [policy.name, policy.description]));

/**
 * The diagnostic the SDK returns for a violation reported with one line: the policy's description,
 * a newline, then the line (the SDK's `reportViolation(message, urn)`).
 */
export function expected(policy: string, level: Diagnostic["level"], resource: TestResource, line: string): Diagnostic {
    return { policy, level, message: `${DESCRIPTIONS.get(policy)}\n${line}`, urn: urnOf(resource) };
}
