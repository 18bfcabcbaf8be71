import assert from "node:assert/strict";
import { parseStackConfig } from "../../components/config/parse";
import { allConfigKeys } from "../../components/config/keys";
import { refusal as refusalOf } from "../support/fixtures";

const GCP = { cloud: "gcp", clusterName: "demo", region: "europe-west4", gcp: { project: "my-project" } };
const EXISTING = { cloud: "existing", clusterName: "kind", kubernetesVersion: "1.33", existing: { kubeconfig: "~/.kube/config" } };
const AWS = { cloud: "aws", clusterName: "demo", region: "eu-west-1" };

const refusal = (document: unknown) => refusalOf(() => parseStackConfig(document));

describe("stack config schema", () => {
    it("applies the GKE defaults in one place", () => {
        assert.deepEqual(parseStackConfig(GCP), {
            cloud: "gcp",
            clusterName: "demo",
            region: "europe-west4",
            kubernetesVersion: "1.35",
            gcp: {
                project: "my-project",
                ipv6AccessType: "EXTERNAL",
                releaseChannel: "REGULAR",
                deletionProtection: true,
                privateNodes: true,
                privateEndpoint: false,
                customerManagedSecretsKey: true,
                workloadIdentity: true,
                shieldedNodes: true,
                loggingAndMonitoring: true,
                nodeImageType: "COS_CONTAINERD",
                nodeAutoRepair: true,
                insecureKubeletReadonlyPort: false,
                insecureRbacBindings: false,
                securityPosture: "BASIC",
                flowLogs: true,
            },
            network: { ipv4Cidr: "10.0.0.0/20", podIpv4Cidr: "10.16.0.0/14", serviceIpv4Cidr: "10.20.0.0/20" },
            nodes: { count: 1, minCount: 1, maxCount: 3, machineType: "e2-standard-4" },
            istio: {},
        });
    });

    it("applies the EKS and existing-cluster defaults", () => {
        assert.deepEqual(parseStackConfig(AWS), {
            cloud: "aws",
            clusterName: "demo",
            region: "eu-west-1",
            kubernetesVersion: "1.35",
            aws: {
                ipFamilies: ["IPv6"],
                nodeAmiFamily: "AL2023",
                publicEndpoint: true,
                deletionProtection: true,
                deployerAccess: "cluster-admin",
                encryptControlPlaneLogs: true,
                natGatewayPerZone: false,
                networkPolicy: true,
                pinKubeletSettings: true,
                vpcCniPodIdentity: true,
            },
            network: { ipv4Cidr: "10.0.0.0/16" },
            nodes: { count: 2, minCount: 2, maxCount: 4, machineType: "m6i.large" },
            istio: {},
        });
        assert.deepEqual(parseStackConfig(EXISTING), {
            cloud: "existing",
            clusterName: "kind",
            kubernetesVersion: "1.33",
            existing: { kubeconfig: "~/.kube/config", ipFamilies: ["IPv4", "IPv6"], platform: "generic" },
            istio: {},
        });
    });

    it("accepts every key and keeps every value as given", () => {
        const istio = {
            flavor: "experimental-dual-stack",
            version: "1.30.3",
            hub: "registry.example.com/istio",
            tag: "ds-1",
            imagePullPolicy: "IfNotPresent",
            revision: "canary",
            chartsDir: "/src/istio/manifests/charts",
            chartRepository: "oci://registry.example.com/charts",
            imagePullSecrets: ["pull-a", "pull-b"],
            base: { enabled: true },
            gateway: { enabled: true, serviceType: "NodePort" },
            cni: { enabled: true },
            mode: "ambient",
            nativeNftables: true,
            verify: { enabled: true, clientImage: "docker.io/curlimages/curl:8.11.1", timeoutSeconds: 120 },
        };
        const gcp = {
            ...GCP,
            kubernetesVersion: "1.34",
            gcp: {
                project: "my-project",
                ipv6AccessType: "INTERNAL",
                zones: ["europe-west4-a", "europe-west4-b"],
                releaseChannel: "STABLE",
                deletionProtection: false,
                privateNodes: true,
                privateEndpoint: true,
                authorizedNetworks: ["198.51.100.0/24"],
                secretsEncryptionKey: "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k",
                customerManagedSecretsKey: true,
                workloadIdentity: false,
                shieldedNodes: false,
                loggingAndMonitoring: false,
                nodeImageType: "UBUNTU_CONTAINERD",
                nodeAutoRepair: false,
                insecureKubeletReadonlyPort: true,
                insecureRbacBindings: true,
                securityPosture: "ENTERPRISE",
                flowLogs: false,
                maintenanceWindow: { enabled: true, startTime: "2025-01-06T01:00:00Z", endTime: "2025-01-06T05:00:00Z", recurrence: "FREQ=DAILY" },
            },
            network: { ipv4Cidr: "10.1.0.0/20", podIpv4Cidr: "10.32.0.0/14", serviceIpv4Cidr: "10.36.0.0/20" },
            nodes: { count: 2, minCount: 1, maxCount: 5, machineType: "n2-standard-8" },
            istio,
        };
        assert.deepEqual(parseStackConfig(gcp), gcp);
        const aws = {
            ...AWS,
            kubernetesVersion: "1.34",
            aws: {
                ipFamilies: ["IPv6"],
                availabilityZones: ["eu-west-1a", "eu-west-1b"],
                nodeAmiFamily: "Bottlerocket",
                publicEndpoint: true,
                publicAccessCidrs: ["198.51.100.0/24"],
                secretsEncryptionKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                deletionProtection: false,
                deployerAccess: "none",
                encryptControlPlaneLogs: false,
                natGatewayPerZone: true,
                networkPolicy: false,
                pinKubeletSettings: false,
                vpcCniPodIdentity: false,
            },
            network: { ipv4Cidr: "10.2.0.0/16" },
            nodes: { count: 3, minCount: 3, maxCount: 6, machineType: "m7g.large" },
            istio,
        };
        assert.deepEqual(parseStackConfig(aws), aws);
        const existing = { ...EXISTING, existing: { kubeconfig: "/k", context: "c", ipFamilies: ["IPv6", "IPv4"], platform: "gke" }, istio };
        assert.deepEqual(parseStackConfig(existing), existing);
        const azure = {
            cloud: "azure",
            clusterName: "x",
            region: "westeurope",
            kubernetesVersion: "1.36",
            azure: {
                subscriptionId: "3f2b8c4e-9a1d-4e6f-8b2c-7d5e1a9c0f42",
                resourceGroupName: "edge-rg",
                ipFamilies: ["IPv4"],
                networkPlugin: "azure-overlay",
                availabilityZones: ["1", "2"],
                nodeOsSku: "AzureLinux",
                authorizedIpRanges: ["198.51.100.0/24"],
                adminGroupObjectIds: ["9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"],
                deployerPrincipalType: "ServicePrincipal",
                kubeloginMode: "workloadidentity",
                deletionProtection: false,
                enableAzurePolicy: false,
                enableImageCleaner: false,
            },
            network: {
                ipv4Cidr: "10.3.0.0/16",
                ipv6Cidr: "fd00:10:3::/48",
                podIpv4Cidr: "10.48.0.0/16",
                podIpv6Cidr: "fd12:1::/64",
                serviceIpv4Cidr: "10.49.0.0/16",
                serviceIpv6Cidr: "fd12:2::/108",
            },
            nodes: { count: 3, minCount: 3, maxCount: 6, machineType: "Standard_D8s_v5" },
            istio,
        };
        assert.deepEqual(parseStackConfig(azure), azure);

        // Every key of the schema appears in one of the documents above.
        const used = new Set<string>();
        const collect = (value: unknown, prefix: string): void => {
            if (value !== null && typeof value === "object" && !Array.isArray(value)) {
                for (const [key, child] of Object.entries(value)) {
                    used.add(prefix + key);
                    collect(child, `${prefix}${key}.`);
                }
            }
        };
        [gcp, aws, azure, existing].forEach((document) => collect(document, ""));
        assert.deepEqual(
            allConfigKeys()
                .map((key) => key.path)
                .filter((path) => !used.has(path)),
            [],
        );
    });

    const cases: [string, unknown, string][] = [
        ["not a map", "gcp", 'config: expected a map of keys (cloud, clusterName, …), got "gcp"'],
        ["missing cloud", { clusterName: "x" }, "cloud: required; expected one of gcp, aws, azure, existing"],
        ["unknown cloud", { ...GCP, cloud: "moon" }, 'cloud: expected one of gcp, aws, azure, existing, got "moon"'],
        ["missing clusterName", { cloud: "gcp", region: "r", gcp: { project: "p" } }, "clusterName: required; expected a string"],
        ["empty clusterName", { ...GCP, clusterName: "" }, "clusterName: must not be empty"],
        ["numeric version", { ...GCP, kubernetesVersion: 1.3 }, "kubernetesVersion: expected a string, got 1.3; quote it in YAML"],
        ["region as a list", { ...GCP, region: ["a"] }, "region: expected a string, got a list"],
        ["section as text", { ...GCP, istio: "on" }, 'istio: expected a section (a map of keys), got "on"'],
        ["boolean as text", { ...GCP, istio: { gateway: { enabled: "yes" } } }, 'istio.gateway.enabled: expected true or false, got "yes"'],
        ["cni boolean", { ...GCP, istio: { cni: { enabled: 1 } } }, "istio.cni.enabled: expected true or false, got 1"],
        ["negative count", { ...GCP, nodes: { count: -1 } }, "nodes.count: must be 0 or more, got -1"],
        ["fractional count", { ...GCP, nodes: { maxCount: 2.5 } }, "nodes.maxCount: expected a whole number, got 2.5"],
        ["list of numbers", { ...GCP, istio: { imagePullSecrets: ["a", 2] } }, "istio.imagePullSecrets[1]: expected a string, got 2; quote it in YAML"],
        ["list as text", { ...GCP, gcp: { project: "p", zones: "europe-west4-a" } }, 'gcp.zones: expected a list, got "europe-west4-a"'],
        ["bad enum", { ...GCP, gcp: { project: "p", ipv6AccessType: "PUBLIC" } }, 'gcp.ipv6AccessType: expected one of EXTERNAL, INTERNAL, got "PUBLIC"'],
        ["bad flavor", { ...GCP, istio: { flavor: "dual" } }, 'istio.flavor: expected one of upstream, experimental-dual-stack, got "dual"'],
        ["bad family", { ...EXISTING, existing: { kubeconfig: "k", ipFamilies: ["IPv4", "ipv6"] } }, 'existing.ipFamilies[1]: expected one of IPv4, IPv6, got "ipv6"'],
        [
            "bad service type",
            { ...GCP, istio: { gateway: { serviceType: "Internal" } } },
            'istio.gateway.serviceType: expected one of LoadBalancer, NodePort, ClusterIP, got "Internal"',
        ],
        ["typo, nested", { ...GCP, istio: { gatway: { enabled: true } } }, "istio.gatway: unknown key; did you mean istio.gateway?"],
        ["typo, top level", { ...GCP, clustername: "x" }, "clustername: unknown key; did you mean clusterName?"],
        ["typo, deep", { ...GCP, istio: { gateway: { enable: true } } }, "istio.gateway.enable: unknown key; did you mean istio.gateway.enabled?"],
        ["key at the wrong level", { ...GCP, hub: "x" }, "hub: unknown key here; did you mean istio.hub?"],
        ["wrong level, nested", { ...GCP, gcp: { project: "p", machineType: "e2" } }, "gcp.machineType: unknown key here; did you mean nodes.machineType?"],
        ["nothing close", { ...GCP, nodes: { flavour: 1 } }, "nodes.flavour: unknown key; allowed: count, minCount, maxCount, machineType"],
        [
            "unknown, no suggestion",
            { ...GCP, tenant: "t" },
            "tenant: unknown key; allowed: cloud, clusterName, region, kubernetesVersion, gcp, aws, azure, existing, network, nodes, istio",
        ],
        ["gcp section on aws", { ...AWS, gcp: { project: "p" } }, "gcp: only allowed with cloud: gcp (cloud is aws)"],
        ["aws section on gcp", { ...GCP, aws: {} }, "aws: only allowed with cloud: aws (cloud is gcp)"],
        ["existing section on gcp", { ...GCP, existing: { kubeconfig: "k" } }, "existing: only allowed with cloud: existing (cloud is gcp)"],
        ["gcp without project", { cloud: "gcp", clusterName: "x", region: "europe-west4" }, "gcp.project: required with cloud: gcp; give the project ID to create the cluster in"],
        ["gcp section without project", { ...GCP, gcp: { zones: [] } }, "gcp.project: required; expected a string"],
        ["gcp without region", { cloud: "gcp", clusterName: "x", gcp: { project: "p" } }, "region: required with cloud: gcp; e.g. europe-west4"],
        ["aws without region", { cloud: "aws", clusterName: "x" }, "region: required with cloud: aws; e.g. eu-west-1"],
        [
            "aws pod range",
            { ...AWS, network: { podIpv4Cidr: "10.4.0.0/14" } },
            "network.podIpv4Cidr: not used with cloud: aws; EKS pods and Services are IPv6 and take their addresses from AWS",
        ],
        [
            "aws service range",
            { ...AWS, network: { serviceIpv4Cidr: "10.8.0.0/20" } },
            "network.serviceIpv4Cidr: not used with cloud: aws; EKS pods and Services are IPv6 and take their addresses from AWS",
        ],
        [
            "existing without kubeconfig",
            { cloud: "existing", clusterName: "k", kubernetesVersion: "1.33" },
            "existing.kubeconfig: required with cloud: existing; give a kubeconfig file path or its content",
        ],
        [
            "existing without version",
            { ...EXISTING, kubernetesVersion: undefined },
            "kubernetesVersion: required with cloud: existing; give the cluster's version (`kubectl version`), e.g. 1.33",
        ],
        ["existing with region", { ...EXISTING, region: "r" }, "region: not used with cloud: existing; the cluster already exists"],
        ["existing with nodes", { ...EXISTING, nodes: { count: 1 } }, "nodes: not used with cloud: existing; the cluster already exists"],
        ["existing with network", { ...EXISTING, network: {} }, "network: not used with cloud: existing; the cluster already exists"],
    ];
    for (const [what, document, message] of cases) {
        it(`refuses ${what}: ${message}`, () => {
            assert.equal(refusal(document), message);
        });
    }
});
