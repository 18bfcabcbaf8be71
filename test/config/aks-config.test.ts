import assert from "node:assert/strict";
import type { AzureCloudPlan } from "../../components/aks/cloud";
import { keysNotTakenBy, parseStackConfig } from "../../components/config/parse";
import { findClashes, findNetworkOverlaps } from "../../fleet/clashes";
import { FleetCheckError, planFleet } from "../../fleet/fleet-plan";
import { parseTenantsFile } from "../../fleet/tenants-file";
import { planStack } from "../../program/stack-plan";
import { refusal as refusalOf } from "../support/fixtures";
import { TEST_TODAY as TODAY } from "../support/clock";
import { binLoads, packagesOf, runCli } from "../support/run-cli";

const SUBSCRIPTION = "3f2b8c4e-9a1d-4e6f-8b2c-7d5e1a9c0f42";
const AZURE = { cloud: "azure", clusterName: "dualstack-aks", region: "westeurope", azure: { subscriptionId: SUBSCRIPTION, authorizedIpRanges: ["81.2.69.0/24"] } };

const planned = (document: unknown, today: Date = TODAY) => planStack(parseStackConfig(document), today);
const refusal = (document: unknown, today: Date = TODAY) => refusalOf(() => planned(document, today));

describe("cloud: azure stack config", () => {
    it("applies the AKS defaults in one place", () => {
        assert.deepEqual(parseStackConfig({ ...AZURE, azure: { subscriptionId: SUBSCRIPTION } }), {
            cloud: "azure",
            clusterName: "dualstack-aks",
            region: "westeurope",
            kubernetesVersion: "1.35",
            azure: {
                subscriptionId: SUBSCRIPTION,
                ipFamilies: ["IPv4", "IPv6"],
                networkPlugin: "azure-overlay",
                nodeOsSku: "Ubuntu",
                deployerPrincipalType: "User",
                kubeloginMode: "azurecli",
                deletionProtection: true,
                enableAzurePolicy: true,
                enableImageCleaner: true,
            },
            network: {
                ipv4Cidr: "10.224.0.0/16",
                ipv6Cidr: "fd00:10:224::/48",
                podIpv4Cidr: "10.244.0.0/16",
                podIpv6Cidr: "fd12:3456:789a::/64",
                serviceIpv4Cidr: "10.0.0.0/16",
                serviceIpv6Cidr: "fd12:3456:789a:1::/108",
            },
            nodes: { count: 2, minCount: 2, maxCount: 4, machineType: "Standard_D4s_v5" },
            istio: {},
        });
    });

    it("plans through the AKS rules: dual-stack facts with the probe annotations, the component's own plan, no warnings", () => {
        const plan = planned({ ...AZURE, istio: { gateway: { enabled: true } } });
        assert.deepEqual(plan.facts.ipFamilies, ["IPv4", "IPv6"]);
        assert.equal(plan.facts.platform, "generic");
        assert.equal(plan.facts.loadBalancer?.serviceAnnotations["service.beta.kubernetes.io/port_443_health-probe_port"], "15021");
        const { cluster, args } = plan.cluster as AzureCloudPlan;
        assert.deepEqual([cluster.resourceGroupName, cluster.vnetName, cluster.dnsServiceIp], ["dualstack-aks-rg", "dualstack-aks-vnet", "10.0.0.10"]);
        assert.deepEqual(args.nodes, { count: 2, minCount: 2, maxCount: 4, vmSize: "Standard_D4s_v5" });
        assert.deepEqual(plan.istio.settings.ipFamilies, ["IPv4", "IPv6"]);
        assert.deepEqual(plan.warnings, []);
    });

    it("keeps every azure key as given, and hands it to the component", () => {
        const azure = {
            subscriptionId: SUBSCRIPTION,
            resourceGroupName: "rg-edge",
            ipFamilies: ["IPv4"],
            networkPlugin: "azure-overlay",
            availabilityZones: ["1", "2"],
            nodeOsSku: "AzureLinux",
            authorizedIpRanges: ["81.2.69.0/24"],
            adminGroupObjectIds: ["6a1e4c1b-2f3d-4b5a-9c8d-0e1f2a3b4c5d"],
            deployerPrincipalType: "ServicePrincipal",
            kubeloginMode: "workloadidentity",
            deletionProtection: false,
            enableAzurePolicy: false,
            enableImageCleaner: false,
        };
        const document = { ...AZURE, kubernetesVersion: "1.36", azure, nodes: { count: 3, minCount: 1, maxCount: 5, machineType: "Standard_D8ds_v5" } };
        const config = parseStackConfig(document);
        assert.deepEqual(config.cloud === "azure" ? config.azure : undefined, azure);
        const { cluster } = planStack(config, TODAY).cluster as AzureCloudPlan;
        assert.deepEqual(
            [cluster.resourceGroupName, cluster.ipFamilies, cluster.availabilityZones, cluster.nodeOsSku, cluster.kubeloginMode, cluster.deletionProtection, cluster.nodes.vmSize],
            ["rg-edge", ["IPv4"], ["1", "2"], "AzureLinux", "workloadidentity", false, "Standard_D8ds_v5"],
        );
    });

    it("names the config key in the component's warnings", () => {
        assert.deepEqual(planned({ ...AZURE, azure: { subscriptionId: SUBSCRIPTION } }).warnings, [
            {
                field: "azure.authorizedIpRanges",
                message: "not set: the API server accepts connections from any address (Entra ID authentication still applies); list your networks to restrict it (CIS AKS 5.4.1)",
            },
        ]);
        assert.deepEqual(planned({ ...AZURE, kubernetesVersion: "1.34" }).warnings, [
            { field: "kubernetesVersion", message: "AKS 1.34 reaches end of life on 2026-11-30 (5 days); plan the upgrade to 1.35" },
        ]);
    });

    const cases: [string, unknown, string][] = [
        [
            "no azure section",
            { ...AZURE, azure: undefined },
            "azure.subscriptionId: required with cloud: azure; give the subscription ID to create the cluster in (az account show --query id)",
        ],
        ["an azure section without subscription", { ...AZURE, azure: { authorizedIpRanges: ["81.2.69.0/24"] } }, "azure.subscriptionId: required; expected a string"],
        ["no region", { ...AZURE, region: undefined }, "region: required with cloud: azure; e.g. westeurope"],
        [
            "a subscription that is not a GUID",
            { ...AZURE, azure: { subscriptionId: "prod" } },
            "azure.subscriptionId: 'prod' is not an Azure subscription ID; expected a GUID (az account show --query id)",
        ],
        [
            "kubenet",
            { ...AZURE, azure: { ...AZURE.azure, networkPlugin: "kubenet" } },
            "azure.networkPlugin: kubenet retires on 31 March 2028 (https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay) and its dual-stack mode is limited to 200 nodes; use azure-overlay",
        ],
        ["a bad VM size", { ...AZURE, nodes: { machineType: "d4s" } }, "nodes.machineType: 'd4s' is not an Azure VM size; expected e.g. Standard_D4s_v5"],
        [
            "a region's display name",
            { ...AZURE, region: "West Europe" },
            "region: 'West Europe' is not an Azure region name; expected lowercase letters and digits, e.g. westeurope",
        ],
        [
            "a bad cluster name",
            { ...AZURE, clusterName: "aks-" },
            "clusterName: 'aks-' is not an AKS cluster name here; use letters, digits, '-' and '_', starting and ending with a letter or digit, at most 58",
        ],
        [
            "IPv6 only",
            { ...AZURE, azure: { ...AZURE.azure, ipFamilies: ["IPv6"] } },
            "azure.ipFamilies: [IPv6] is not an AKS family list; Azure CNI Overlay takes [IPv4, IPv6] (dual-stack, IPv4 primary) or [IPv4] — IPv6 primary and IPv6 only are not supported (https://learn.microsoft.com/azure/aks/configure-dual-stack)",
        ],
        [
            "an IPv6 API range",
            { ...AZURE, azure: { ...AZURE.azure, authorizedIpRanges: ["2a01:4f8:1234::/48"] } },
            "azure.authorizedIpRanges[0]: '2a01:4f8:1234::/48' is IPv6; only IPv4 ranges are accepted here",
        ],
        [
            "zone 4",
            { ...AZURE, azure: { ...AZURE.azure, availabilityZones: ["4"] } },
            `azure.availabilityZones[0]: '4' is not an availability zone; use "1", "2" and "3", each once`,
        ],
        [
            "a link-local pod range",
            { ...AZURE, network: { podIpv6Cidr: "fe80::/64" } },
            "network.podIpv6Cidr: 'fe80::/64' is a linkLocal range; use a unique local (fd00::/8) or global unicast range",
        ],
        [
            "a /12 Service range",
            { ...AZURE, network: { serviceIpv4Cidr: "10.0.0.0/12" } },
            "network.serviceIpv4Cidr: '10.0.0.0/12' is too large; AKS needs the Service range smaller than /12, e.g. /16",
        ],
        ["a count outside the bounds", { ...AZURE, nodes: { count: 9 } }, "nodes.count: 9 is outside nodes.minCount..nodes.maxCount (2..4)"],
        [
            "a login mode needing a person",
            { ...AZURE, azure: { ...AZURE.azure, kubeloginMode: "devicecode" } },
            'azure.kubeloginMode: expected one of azurecli, workloadidentity, spn, msi, got "devicecode"',
        ],
        [
            "an IPv6 pod range on GKE",
            { cloud: "gcp", clusterName: "x", region: "europe-west4", gcp: { project: "p" }, network: { podIpv6Cidr: "fd00::/64" } },
            "network.podIpv6Cidr: not used with cloud: gcp; Google assigns the IPv6 ranges",
        ],
        [
            "an IPv6 pod range on EKS",
            { cloud: "aws", clusterName: "x", region: "eu-west-1", network: { podIpv6Cidr: "fd00::/64" } },
            "network.podIpv6Cidr: not used with cloud: aws; EKS pods and Services are IPv6 and take their addresses from AWS",
        ],
        [
            "an azure section on GKE",
            { cloud: "gcp", clusterName: "x", region: "europe-west4", gcp: { project: "p" }, azure: { subscriptionId: SUBSCRIPTION } },
            "azure: only allowed with cloud: azure (cloud is gcp)",
        ],
        ["a gcp section on AKS", { ...AZURE, gcp: { project: "p" } }, "gcp: only allowed with cloud: gcp (cloud is azure)"],
    ];
    for (const [what, document, message] of cases) {
        it(`refuses ${what}: ${message}`, () => {
            assert.equal(refusal(document), message);
        });
    }

    it("refuses a version past AKS end of life on the day the plan is made", () => {
        assert.equal(refusal({ ...AZURE, kubernetesVersion: "1.34" }, new Date("2026-12-02T00:00:00Z")), "kubernetesVersion: AKS 1.34 reached end of life on 2026-11-30; use 1.35");
    });

    it("leaves the other clouds' sections to them", () => {
        assert.deepEqual(keysNotTakenBy("azure"), ["gcp", "aws", "existing"]);
        assert.ok(keysNotTakenBy("gcp").includes("azure"));
        assert.ok(keysNotTakenBy("existing").includes("azure"));
    });
});

describe("cloud: azure in a fleet", () => {
    const tenant = (name: string, index: number, clusterName: string, azure: Record<string, unknown>) => {
        const document = { ...AZURE, clusterName, azure: { ...AZURE.azure, ...azure } };
        return { name, index, document, plan: planned(document) };
    };

    it("refuses two tenants claiming one resource group (the default <clusterName>-rg), whatever the letter case of its names", () => {
        const tenants = [
            tenant("acme", 0, "edge", {}),
            tenant("globex", 1, "EDGE", { subscriptionId: SUBSCRIPTION.toUpperCase() }),
            tenant("initech", 2, "edge", { resourceGroupName: "other-rg" }),
        ];
        assert.deepEqual(findClashes(tenants, "tenants.yaml"), [
            `tenants.yaml: tenants 'acme' (tenants[0]) and 'globex' (tenants[1]) all claim resource group edge-rg of subscription ${SUBSCRIPTION}, which each AKS stack creates and deletes; give all but one another azure.resourceGroupName (its default is <clusterName>-rg) or azure.subscriptionId`,
        ]);
        // Another subscription or another resource group (another name gives another default group) is free.
        assert.deepEqual(
            findClashes(
                [tenant("a", 0, "edge", {}), tenant("b", 1, "edge", { subscriptionId: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a" }), tenant("c", 2, "edge2", {})],
                "tenants.yaml",
            ),
            [],
        );
    });

    it("refuses two tenants sharing one resource group: each stack creates that group, and destroying either deletes both clusters", () => {
        const clashes = findClashes(
            [tenant("acme", 0, "edge-a", { resourceGroupName: "shared-rg" }), tenant("globex", 1, "edge-b", { resourceGroupName: "Shared-RG" })],
            "tenants.yaml",
        );
        assert.equal(clashes.length, 1, "one clash");
        assert.match(clashes[0], /^tenants\.yaml: tenants 'acme' \(tenants\[0\]\) and 'globex' \(tenants\[1\]\) all claim .*shared-rg/i);
    });

    it("with requireDisjointNetworks: VNets of both families must be apart, overlays may repeat but not overlap a peer's network", () => {
        const gke = {
            name: "gke",
            index: 3,
            document: {},
            plan: planStack(
                parseStackConfig({
                    cloud: "gcp",
                    clusterName: "gke",
                    region: "europe-west4",
                    gcp: { project: "my-project" },
                    network: { ipv4Cidr: "10.244.0.0/20", podIpv4Cidr: "10.16.0.0/14", serviceIpv4Cidr: "10.20.0.0/20" },
                }),
                TODAY,
            ),
        };
        const apart = (name: string, index: number, octet: number) => {
            const document = { ...AZURE, clusterName: name, network: { ipv4Cidr: `10.${octet}.0.0/16`, ipv6Cidr: `fd00:10:${octet}::/48` } };
            return { name, index, document, plan: planned(document) };
        };
        // Distinct VNets: no problem, though every overlay is AKS's default 10.244.0.0/16 and fd12:3456:789a::/64.
        assert.deepEqual(findNetworkOverlaps([apart("a", 0, 224), apart("b", 1, 225)], "tenants.yaml"), []);
        // The same VNet ranges (both tenants on the defaults) clash in each family.
        assert.deepEqual(findNetworkOverlaps([tenant("a", 0, "a", {}), tenant("b", 1, "b", {})], "tenants.yaml"), [
            "tenants.yaml: tenant 'b' network.ipv4Cidr 10.224.0.0/16 overlaps tenant 'a' network.ipv4Cidr 10.224.0.0/16; requireDisjointNetworks needs every tenant's IPv4 ranges apart",
            "tenants.yaml: tenant 'b' network.ipv6Cidr fd00:10:224::/48 overlaps tenant 'a' network.ipv6Cidr fd00:10:224::/48; requireDisjointNetworks needs every tenant's IPv6 ranges apart",
        ]);
        // An overlay that overlaps another tenant's network would be unreachable across the peering.
        assert.deepEqual(findNetworkOverlaps([apart("a", 0, 224), gke], "tenants.yaml"), [
            "tenants.yaml: tenant 'a' network.podIpv4Cidr 10.244.0.0/16 overlaps tenant 'gke' network.ipv4Cidr 10.244.0.0/20; a cluster's own ranges must stay apart from the networks it peers with",
        ]);
    });

    it("checks the clash through the tenants file too", () => {
        const yaml = `defaults:\n  cloud: azure\n  region: westeurope\n  azure:\n    subscriptionId: ${SUBSCRIPTION}\n    authorizedIpRanges: [81.2.69.0/24]\n    resourceGroupName: shared-rg\ntenants:\n  - name: a\n    clusterName: Edge\n  - name: b\n    clusterName: edge\n    azure:\n      resourceGroupName: SHARED-RG\n`;
        assert.throws(
            () => planFleet(parseTenantsFile(yaml, "tenants.yaml", "/fleet"), TODAY),
            (error: unknown) => {
                assert.ok(error instanceof FleetCheckError);
                assert.deepEqual(error.problems, [
                    `tenants.yaml: tenants 'a' (tenants[0]) and 'b' (tenants[1]) all claim resource group shared-rg of subscription ${SUBSCRIPTION}, which each AKS stack creates and deletes; give all but one another azure.resourceGroupName (its default is <clusterName>-rg) or azure.subscriptionId`,
                ]);
                return true;
            },
        );
    });
});

describe("dualstack-istio plan --config examples/aks/stack-config.yaml", () => {
    it("plans the AKS example: the cluster, its dual-stack network and edge, and dual-stack Istio", async () => {
        const { status, stdout, stderr } = await runCli("plan", "--config", "examples/aks/stack-config.yaml");
        assert.equal(stderr, "");
        assert.equal(status, 0);
        for (const line of [
            " +   ├─ dualstack-istio:index:AksDualStackCluster             dualstack-aks",
            " +   │  ├─ azure-native:containerservice:ManagedCluster       dualstack-aks",
            " +   │  ├─ azure-native:authorization:RoleAssignment          dualstack-aks-deployer-admin",
            " +   │  └─ azure-native:containerservice:AgentPool            dualstack-aks-user",
            "    + 18 to create",
            "    Cluster         dualstack-aks: azure westeurope, Kubernetes 1.35 (generic)",
            "    IP families     IPv4, IPv6 (dual-stack, IPv4 primary)",
            "    Services        istiod: RequireDualStack [IPv4, IPv6] through chart values; istio-ingressgateway: RequireDualStack [IPv4, IPv6] through chart values",
            "    Edge            load balancers reach IPv4 and IPv6 clients; istio-ingressgateway Service: " +
                "port_80_health-probe_protocol=http, port_80_health-probe_port=15021, port_80_health-probe_request-path=/healthz/ready, " +
                "port_443_health-probe_protocol=http, port_443_health-probe_port=15021, port_443_health-probe_request-path=/healthz/ready",
        ]) {
            assert.ok(stdout.includes(`${line}\n`), line);
        }
        assert.ok(!stdout.includes("Warnings:"));
    });

    it("loads only the Azure SDK, and refuses kubenet with one line, exit 2", async () => {
        const { loaded } = binLoads(["plan", "--config", "examples/aks/stack-config.yaml"]);
        assert.deepEqual(
            packagesOf(loaded).filter((name) => /^(ts-node|typescript|@pulumi\/(gcp|aws|azure-native))$/.test(name)),
            ["@pulumi/azure-native"],
        );
        const kubenet = await runCli("plan", "--config", "examples/aks/stack-config.yaml", "--set", "azure.networkPlugin=kubenet");
        assert.deepEqual(
            { status: kubenet.status, stdout: kubenet.stdout, stderr: kubenet.stderr },
            {
                status: 2,
                stdout: "",
                stderr: "error: azure.networkPlugin: kubenet retires on 31 March 2028 (https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay) and its dual-stack mode is limited to 200 nodes; use azure-overlay\n",
            },
        );
    });
});
