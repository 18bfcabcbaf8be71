import assert from "node:assert/strict";
import { analyzeAll, configurePolicies, type TestResource } from "./analyzer";
import { aksCluster, dualStackPatch, eksCluster, expected, gateway, gkeCluster, ISTIO_REPO, istiod, RELEASE } from "./stacks";

const BOTH = "RequireDualStack or PreferDualStack";

describe("the policy pack on hand-written stacks", () => {
    afterEach(() => configurePolicies({}));

    it("passes a compliant dual-stack stack on GKE, AKS and EKS clusters", async () => {
        assert.deepEqual(await analyzeAll([gkeCluster(), aksCluster(), eksCluster(), istiod(), gateway()]), []);
    });

    describe("dual-stack-services (mandatory)", () => {
        it("names a LoadBalancer Service that asks for one family", async () => {
            const service: TestResource = {
                type: "kubernetes:core/v1:Service",
                name: "web",
                props: { metadata: { name: "web" }, spec: { type: "LoadBalancer", ipFamilyPolicy: "SingleStack" } },
            };
            assert.deepEqual(await analyzeAll([gkeCluster(), service]), [
                expected(
                    "dual-stack-services",
                    "mandatory",
                    service,
                    `kubernetes:core/v1:Service 'web': spec.ipFamilyPolicy is "SingleStack"; allowed: ${BOTH}, with spec.ipFamilies [IPv4, IPv6] or [IPv6, IPv4]`,
                ),
            ]);
        });

        it("names a gateway Release whose chart keys ask for one family, on an AKS dual-stack cluster", async () => {
            const release = gateway("1.30.3", { service: { type: "LoadBalancer", ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv6"] } });
            assert.deepEqual(await analyzeAll([aksCluster(), release]), [
                expected(
                    "dual-stack-services",
                    "mandatory",
                    release,
                    'kubernetes:helm.sh/v3:Release \'gateway\': values.service.ipFamilies is ["IPv6"]; allowed: [IPv4, IPv6] or [IPv6, IPv4], with values.service.ipFamilyPolicy "RequireDualStack" (or a kubernetes:core/v1:ServicePatch of Service istio-ingressgateway with spec.ipFamilyPolicy RequireDualStack and spec.ipFamilies [IPv4, IPv6] or [IPv6, IPv4])',
                ),
            ]);
        });

        it("names an istiod Release of a chart without family keys and no ServicePatch, and passes it with one", async () => {
            const release = istiod("1.19.10", { pilot: { env: { ISTIO_DUAL_STACK: "true" } } });
            assert.deepEqual(await analyzeAll([gkeCluster(), release]), [
                expected(
                    "dual-stack-services",
                    "mandatory",
                    release,
                    "kubernetes:helm.sh/v3:Release 'istiod': no ServicePatch asks for both families on Service istiod, and chart istiod 1.19.10 has no values.pilot.ipFamilyPolicy key; allowed: a kubernetes:core/v1:ServicePatch of Service istiod with spec.ipFamilyPolicy RequireDualStack and spec.ipFamilies [IPv4, IPv6] or [IPv6, IPv4]",
                ),
            ]);
            assert.deepEqual(await analyzeAll([gkeCluster(), release, dualStackPatch("istiod")]), []);
        });

        it("applies to a stack without its cluster when the policy config gives both families", async () => {
            const service: TestResource = { type: "kubernetes:core/v1:Service", name: "istiod", props: { metadata: { name: "istiod" }, spec: { type: "ClusterIP" } } };
            assert.deepEqual(await analyzeAll([service]), []);
            await configurePolicies({ "dual-stack-services": { ipFamilies: ["IPv6", "IPv4"] } });
            assert.deepEqual(await analyzeAll([service]), [
                expected(
                    "dual-stack-services",
                    "mandatory",
                    service,
                    `kubernetes:core/v1:Service 'istiod': spec.ipFamilyPolicy is not set; allowed: ${BOTH}, with spec.ipFamilies [IPv4, IPv6] or [IPv6, IPv4]`,
                ),
            ]);
        });
    });

    describe("istiod-dual-stack-flags (mandatory)", () => {
        it("names each switch Istio 1.18 reads that the istiod Release lacks", async () => {
            const release = istiod("1.18.7", { pilot: { env: {} } });
            assert.deepEqual(await analyzeAll([gkeCluster(), release, dualStackPatch("istiod")]), [
                expected(
                    "istiod-dual-stack-flags",
                    "mandatory",
                    release,
                    "kubernetes:helm.sh/v3:Release 'istiod': values.pilot.env.ISTIO_DUAL_STACK is not set; allowed: \"true\" (Istio 1.18.7 reads it)",
                ),
                expected(
                    "istiod-dual-stack-flags",
                    "mandatory",
                    release,
                    "kubernetes:helm.sh/v3:Release 'istiod': values.meshConfig.defaultConfig.proxyMetadata.ISTIO_AGENT_DUAL_STACK is not set; allowed: \"true\" (Istio 1.18.7 reads it)",
                ),
            ]);
        });

        it("refuses an Istio release without dual-stack support", async () => {
            const release = istiod("1.16.7", { pilot: { env: { ISTIO_DUAL_STACK: "true" } } });
            const found = await analyzeAll([gkeCluster(), release, dualStackPatch("istiod")]);
            assert.deepEqual(found, [
                expected(
                    "istiod-dual-stack-flags",
                    "mandatory",
                    release,
                    "kubernetes:helm.sh/v3:Release 'istiod': version is \"1.16.7\"; allowed: an Istio release with dual-stack support, 1.17.0 or newer",
                ),
            ]);
        });
    });

    it("istio-one-hub-and-tag (mandatory) names a release whose tag differs from istiod's", async () => {
        const cni: TestResource = {
            type: RELEASE,
            name: "cni",
            props: { chart: "cni", version: "1.30.3", repositoryOpts: { repo: ISTIO_REPO }, values: { global: { hub: "docker.io/istio", tag: "1.29.0" } } },
        };
        assert.deepEqual(await analyzeAll([istiod(), cni]), [
            expected(
                "istio-one-hub-and-tag",
                "mandatory",
                cni,
                "kubernetes:helm.sh/v3:Release 'cni': values.global.tag is \"1.29.0\"; allowed: \"1.30.3\", the tag of Release 'istiod' (values.global.tag)",
            ),
        ]);
    });

    it("istio-one-hub-and-tag lets a revisioned control plane (a canary) take its own tag", async () => {
        const canary = istiod("1.29.6", { revision: "canary" });
        assert.deepEqual(await analyzeAll([istiod(), { ...canary, name: "istiod-canary" }]), []);
    });

    it("istiod-dual-stack-flags asks a checkout of unknown version for what every dual-stack Istio reads", async () => {
        const local: TestResource = {
            type: RELEASE,
            name: "istiod",
            props: {
                chart: "/src/istio/manifests/charts/istio-control/istio-discovery",
                values: { global: { hub: "registry.example.com/istio", tag: "dual-stack-dev" }, pilot: { env: { ISTIO_DUAL_STACK: "true" } } },
            },
        };
        assert.deepEqual(await analyzeAll([gkeCluster(), local, dualStackPatch("istiod")]), [
            expected(
                "istiod-dual-stack-flags",
                "mandatory",
                local,
                "kubernetes:helm.sh/v3:Release 'istiod': values.meshConfig.defaultConfig.proxyMetadata.ISTIO_AGENT_DUAL_STACK is not set; allowed: \"true\" in one of values.meshConfig.defaultConfig.proxyMetadata.ISTIO_AGENT_DUAL_STACK, values.meshConfig.defaultConfig.proxyMetadata.ISTIO_DUAL_STACK (each dual-stack Istio reads one; the version is unknown: a local chart whose values.global.tag is no Istio release)",
            ),
        ]);
    });

    it("helm-chart-version-pinned (mandatory) names a repository chart without a version and a v4 Chart with a range, not a local chart", async () => {
        const unpinned: TestResource = { type: RELEASE, name: "redis", props: { chart: "redis", repositoryOpts: { repo: "https://charts.example.com" } } };
        const ranged: TestResource = { type: "kubernetes:helm.sh/v4:Chart", name: "nginx", props: { chart: "oci://registry.example.com/charts/nginx", version: "^1.2.0" } };
        const local: TestResource = { type: RELEASE, name: "mine", props: { chart: "./charts/mine" } };
        assert.deepEqual(await analyzeAll([unpinned, ranged, local]), [
            expected(
                "helm-chart-version-pinned",
                "mandatory",
                unpinned,
                "kubernetes:helm.sh/v3:Release 'redis': version is not set; allowed: an exact version (X.Y.Z) of chart \"redis\" from https://charts.example.com",
            ),
            expected(
                "helm-chart-version-pinned",
                "mandatory",
                ranged,
                'kubernetes:helm.sh/v4:Chart \'nginx\': version is "^1.2.0"; allowed: an exact version (X.Y.Z) of chart "oci://registry.example.com/charts/nginx"',
            ),
        ]);
    });

    it("api-endpoint-not-open-to-world (mandatory) names each cloud's open endpoint", async () => {
        const gke = gkeCluster({ masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "81.2.69.0/24" }, { cidrBlock: "0.0.0.0/0" }] } });
        const eks = eksCluster({ vpcConfig: { endpointPublicAccess: true } });
        const aks = aksCluster({ apiServerAccessProfile: { authorizedIPRanges: ["0.0.0.0/0"] } });
        const level = "mandatory";
        assert.deepEqual(await analyzeAll([gke, eks, aks]), [
            expected(
                "api-endpoint-not-open-to-world",
                level,
                gke,
                "gcp:container/cluster:Cluster 'gke': masterAuthorizedNetworksConfig.cidrBlocks[1].cidrBlock is \"0.0.0.0/0\"; allowed: masterAuthorizedNetworksConfig.cidrBlocks without 0.0.0.0/0 or ::/0, or privateClusterConfig.enablePrivateEndpoint: true",
            ),
            expected(
                "api-endpoint-not-open-to-world",
                level,
                eks,
                "aws:eks/cluster:Cluster 'eks': vpcConfig.publicAccessCidrs is not set; allowed: vpcConfig.endpointPublicAccess: false, or vpcConfig.publicAccessCidrs without 0.0.0.0/0 or ::/0",
            ),
            expected(
                "api-endpoint-not-open-to-world",
                level,
                aks,
                "azure-native:containerservice:ManagedCluster 'aks': apiServerAccessProfile.authorizedIPRanges[0] is \"0.0.0.0/0\"; allowed: apiServerAccessProfile.authorizedIPRanges without 0.0.0.0/0, or apiServerAccessProfile.enablePrivateCluster: true",
            ),
        ]);
        const gkeOpen = gkeCluster();
        delete gkeOpen.props.masterAuthorizedNetworksConfig;
        const gkePrivate = gkeCluster({ privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true } });
        delete gkePrivate.props.masterAuthorizedNetworksConfig;
        assert.deepEqual(await analyzeAll([gkeOpen, gkePrivate]), [
            expected(
                "api-endpoint-not-open-to-world",
                level,
                gkeOpen,
                "gcp:container/cluster:Cluster 'gke': masterAuthorizedNetworksConfig is not set; allowed: masterAuthorizedNetworksConfig.cidrBlocks without 0.0.0.0/0 or ::/0, or privateClusterConfig.enablePrivateEndpoint: true",
            ),
        ]);
    });

    it("api-endpoint-not-open-to-world names authorized networks without blocks that admit Google Cloud's public addresses", async () => {
        const gcpOpen = gkeCluster({ masterAuthorizedNetworksConfig: { cidrBlocks: [] } });
        const gcpOn = gkeCluster({ masterAuthorizedNetworksConfig: { gcpPublicCidrsAccessEnabled: true } });
        const vpcOnly = gkeCluster({ masterAuthorizedNetworksConfig: { cidrBlocks: [], gcpPublicCidrsAccessEnabled: false } });
        const noIpEndpoint = gkeCluster({ controlPlaneEndpointsConfig: { ipEndpointsConfig: { enabled: false } } });
        delete noIpEndpoint.props.masterAuthorizedNetworksConfig;
        const allowed =
            "false while masterAuthorizedNetworksConfig.cidrBlocks is empty (otherwise every Google Cloud public IP address reaches the endpoint), or cidrBlocks without 0.0.0.0/0 or ::/0, or privateClusterConfig.enablePrivateEndpoint: true";
        assert.deepEqual(await analyzeAll([gcpOpen, gcpOn, vpcOnly, noIpEndpoint]), [
            expected(
                "api-endpoint-not-open-to-world",
                "mandatory",
                gcpOpen,
                `gcp:container/cluster:Cluster 'gke': masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is not set; allowed: ${allowed}`,
            ),
            expected(
                "api-endpoint-not-open-to-world",
                "mandatory",
                gcpOn,
                `gcp:container/cluster:Cluster 'gke': masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true; allowed: ${allowed}`,
            ),
        ]);
    });

    it("cis-secure-defaults (advisory) names the control a resource turns off", async () => {
        const gke = gkeCluster({ enableShieldedNodes: false });
        const addon: TestResource = { type: "aws:eks/addon:Addon", name: "vpc-cni", props: { addonName: "vpc-cni", clusterName: "eks" } };
        const proxy: TestResource = { type: "aws:eks/addon:Addon", name: "kube-proxy", props: { addonName: "kube-proxy", clusterName: "eks" } };
        assert.deepEqual(await analyzeAll([gke, addon, proxy]), [
            expected(
                "cis-secure-defaults",
                "advisory",
                gke,
                "gcp:container/cluster:Cluster 'gke': enableShieldedNodes is false; allowed: true or not set (CIS GKE Benchmark v1.9.0 5.5.5: Shielded GKE Nodes are Enabled)",
            ),
            expected(
                "cis-secure-defaults",
                "advisory",
                addon,
                'aws:eks/addon:Addon \'vpc-cni\': configurationValues is not set; allowed: {"enableNetworkPolicy":"true"} (CIS Amazon EKS Benchmark v1.8.0 4.3.1: Ensure that the CNI in use supports Network Policies; 5.4.4: Ensure Network Policy is Enabled and set as appropriate)',
            ),
        ]);
    });

    it("cis-secure-defaults reports a property two GKE controls check once, naming both", async () => {
        const gke = gkeCluster({ rbacBindingConfig: { enableInsecureBindingSystemUnauthenticated: true, enableInsecureBindingSystemAuthenticated: false } });
        assert.deepEqual(await analyzeAll([gke]), [
            expected(
                "cis-secure-defaults",
                "advisory",
                gke,
                "gcp:container/cluster:Cluster 'gke': rbacBindingConfig.enableInsecureBindingSystemUnauthenticated is true; allowed: false (CIS GKE Benchmark v1.9.0 4.1.8: Avoid bindings to system:anonymous; 4.1.9: Avoid non-default bindings to system:unauthenticated)",
            ),
        ]);
    });

    it("cis-secure-defaults passes GKE settings on by default when absent, and names each one set to false", async () => {
        const compliant = { imageType: "COS_CONTAINERD", workloadMetadataConfig: { mode: "GKE_METADATA" } };
        const unset: TestResource = {
            type: "gcp:container/nodePool:NodePool",
            name: "nodes",
            props: { cluster: "gke", nodeConfig: { ...compliant, shieldedInstanceConfig: { enableSecureBoot: true } } },
        };
        const cluster = gkeCluster();
        delete cluster.props.enableShieldedNodes;
        assert.deepEqual(await analyzeAll([cluster, unset]), []);
        const off: TestResource = {
            ...unset,
            props: {
                cluster: "gke",
                management: { autoRepair: false, autoUpgrade: false },
                nodeConfig: { ...compliant, shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: false } },
            },
        };
        const line = (what: string, control: string) =>
            expected(
                "cis-secure-defaults",
                "advisory",
                off,
                `gcp:container/nodePool:NodePool 'nodes': ${what} is false; allowed: true or not set (CIS GKE Benchmark v1.9.0 ${control})`,
            );
        assert.deepEqual(await analyzeAll([off]), [
            line("management.autoRepair", "5.5.2: Node Auto-Repair is enabled for GKE nodes"),
            line("management.autoUpgrade", "5.5.3: Node Auto-Upgrade is enabled for GKE nodes"),
            line("nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", "5.5.6: Integrity Monitoring for Shielded GKE Nodes is Enabled"),
        ]);
    });

    it("cis-secure-defaults reads GKE 5.7.1 from loggingConfig and monitoringConfig", async () => {
        const on = gkeCluster({
            loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
            monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS"] },
        });
        assert.deepEqual(await analyzeAll([on]), []);
        const off = gkeCluster({ loggingConfig: { enableComponents: [] }, monitoringConfig: { enableComponents: ["APISERVER"] } });
        const control = "(CIS GKE Benchmark v1.9.0 5.7.1: Logging and Cloud Monitoring is Enabled)";
        assert.deepEqual(await analyzeAll([off]), [
            expected(
                "cis-secure-defaults",
                "advisory",
                off,
                `gcp:container/cluster:Cluster 'gke': loggingConfig.enableComponents is []; allowed: a list with "SYSTEM_COMPONENTS" and "WORKLOADS", or not set ${control}`,
            ),
            expected(
                "cis-secure-defaults",
                "advisory",
                off,
                `gcp:container/cluster:Cluster 'gke': monitoringConfig.enableComponents is ["APISERVER"]; allowed: a list with "SYSTEM_COMPONENTS", or not set ${control}`,
            ),
        ]);
    });
});
