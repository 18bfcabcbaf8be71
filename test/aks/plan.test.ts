import assert from "node:assert/strict";
import * as ipaddr from "ipaddr.js";
import { AKS_CALENDAR_PROVENANCE, checkAksVersion } from "../../components/aks/calendar";
import { type AksDualStackClusterArgs, planAksCluster } from "../../components/aks/plan";
import { CALENDAR_MAX_AGE_DAYS } from "../../components/support-calendar";
import { refusal as refusalOf } from "../support/fixtures";
import { TEST_TODAY as NOW } from "../support/clock";

const SUBSCRIPTION = "3f2b8c4e-9a1d-4e6f-8b2c-7d5e1a9c0f42";
const ARGS: AksDualStackClusterArgs = { subscriptionId: SUBSCRIPTION, location: "westeurope", authorizedIpRanges: ["81.2.69.0/24"] };

const plan = (args: Partial<AksDualStackClusterArgs>, today: Date = NOW) => planAksCluster("demo", { ...ARGS, ...args }, today);
const refusal = (args: Partial<AksDualStackClusterArgs>) => refusalOf(() => plan(args));
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** The health probes of the gateway's ports 80 and 443 go to Istio's status port (cloud-provider-azure's per-port annotations). */
const PROBES = {
    "service.beta.kubernetes.io/port_80_health-probe_protocol": "http",
    "service.beta.kubernetes.io/port_80_health-probe_port": "15021",
    "service.beta.kubernetes.io/port_80_health-probe_request-path": "/healthz/ready",
    "service.beta.kubernetes.io/port_443_health-probe_protocol": "http",
    "service.beta.kubernetes.io/port_443_health-probe_port": "15021",
    "service.beta.kubernetes.io/port_443_health-probe_request-path": "/healthz/ready",
};

const FAMILIES_MESSAGE = (given: string) =>
    `ipFamilies: ${given} is not an AKS family list; Azure CNI Overlay takes [IPv4, IPv6] (dual-stack, IPv4 primary) or [IPv4] — IPv6 primary and IPv6 only are not supported (https://learn.microsoft.com/azure/aks/configure-dual-stack)`;
const CLUSTER_NAME_MESSAGE = (name: string) =>
    `clusterName: '${name}' is not an AKS cluster name here; use letters, digits, '-' and '_', starting and ending with a letter or digit, at most 58`;

describe("AKS cluster plan", () => {
    it("applies the defaults: Azure CNI Overlay dual-stack on AKS's own ranges, a dual-stack edge probed on Istio's status port", () => {
        assert.deepEqual(plan({}), {
            facts: {
                ipFamilies: ["IPv4", "IPv6"],
                kubernetesVersion: "1.35",
                platform: "generic",
                loadBalancer: { ipFamilies: ["IPv4", "IPv6"], serviceAnnotations: PROBES },
            },
            subscriptionId: SUBSCRIPTION,
            location: "westeurope",
            resourceGroupName: "demo-rg",
            clusterName: "demo",
            vnetName: "demo-vnet",
            kubernetesVersion: "1.35",
            ipFamilies: ["IPv4", "IPv6"],
            network: {
                ipv4Cidr: "10.224.0.0/16",
                ipv6Cidr: "fd00:10:224::/48",
                podIpv4Cidr: "10.244.0.0/16",
                podIpv6Cidr: "fd12:3456:789a::/64",
                serviceIpv4Cidr: "10.0.0.0/16",
                serviceIpv6Cidr: "fd12:3456:789a:1::/108",
            },
            subnetPrefixes: ["10.224.0.0/16", "fd00:10:224::/64"],
            dnsServiceIp: "10.0.0.10",
            nodes: { count: 2, minCount: 2, maxCount: 4, vmSize: "Standard_D4s_v5" },
            nodeOsSku: "Ubuntu",
            authorizedIpRanges: ["81.2.69.0/24"],
            adminGroupObjectIds: [],
            deployerPrincipalType: "User",
            kubeloginMode: "azurecli",
            deletionProtection: true,
            enableAzurePolicy: true,
            enableImageCleaner: true,
            warnings: [],
        });
    });

    it("keeps every value given", () => {
        const given = plan({
            clusterName: "edge_01",
            resourceGroupName: "rg.edge(prod)",
            kubernetesVersion: "1.36",
            network: {
                ipv4Cidr: "10.50.0.0/20",
                ipv6Cidr: "fd00:50:0:7::/64",
                podIpv4Cidr: "100.64.0.0/16",
                serviceIpv4Cidr: "172.20.64.0/18",
                serviceIpv6Cidr: "fd12:3456:789a:2::/112",
            },
            nodes: { count: 3, minCount: 1, maxCount: 9, vmSize: "Standard_D8ds_v5" },
            availabilityZones: ["3", "1"],
            adminGroupObjectIds: ["6a1e4c1b-2f3d-4b5a-9c8d-0e1f2a3b4c5d"],
            deployerPrincipalType: "ServicePrincipal",
            kubeloginMode: "workloadidentity",
            deletionProtection: false,
            enableAzurePolicy: false,
            enableImageCleaner: false,
        });
        assert.equal(given.resourceGroupName, "rg.edge(prod)");
        assert.equal(given.vnetName, "edge_01-vnet");
        assert.equal(given.kubernetesVersion, "1.36");
        assert.deepEqual(given.subnetPrefixes, ["10.50.0.0/20", "fd00:50:0:7::/64"]);
        assert.equal(given.dnsServiceIp, "172.20.64.10");
        assert.deepEqual(given.nodes, { count: 3, minCount: 1, maxCount: 9, vmSize: "Standard_D8ds_v5" });
        assert.deepEqual(given.availabilityZones, ["3", "1"]);
        assert.deepEqual(given.adminGroupObjectIds, ["6a1e4c1b-2f3d-4b5a-9c8d-0e1f2a3b4c5d"]);
        assert.deepEqual(
            [given.deployerPrincipalType, given.kubeloginMode, given.deletionProtection, given.enableAzurePolicy, given.enableImageCleaner],
            ["ServicePrincipal", "workloadidentity", false, false, false],
        );
        // The longest name that keeps `<name>-vnet` within overlay's 63 characters.
        assert.equal(plan({ clusterName: "a".repeat(58) }).vnetName, `${"a".repeat(58)}-vnet`);
    });

    it("puts CoreDNS at the tenth address of the IPv4 Service range, as AKS does", () => {
        assert.equal(plan({ network: { serviceIpv4Cidr: "10.96.0.0/16" } }).dnsServiceIp, "10.96.0.10");
        assert.equal(plan({ network: { serviceIpv4Cidr: "10.0.0.240/28" } }).dnsServiceIp, "10.0.0.250");
    });

    it("never puts CoreDNS outside a small Service range (AKS: dnsServiceIP must be within serviceCidr)", () => {
        const outcomes = ["10.0.0.0/29", "10.0.0.248/29", "10.0.0.16/30"].map((serviceIpv4Cidr) => {
            const [network, length] = ipaddr.parseCIDR(serviceIpv4Cidr);
            try {
                const { dnsServiceIp } = plan({ network: { serviceIpv4Cidr } });
                const inside = ipaddr.parse(dnsServiceIp).match(network, length) && dnsServiceIp !== network.toString();
                return inside ? `${serviceIpv4Cidr}: ok` : `${serviceIpv4Cidr}: dnsServiceIp ${dnsServiceIp} is outside the range`;
            } catch (error) {
                const message = (error as Error).message;
                return message.startsWith(`network.serviceIpv4Cidr: '${serviceIpv4Cidr}' `) ? `${serviceIpv4Cidr}: ok` : `${serviceIpv4Cidr}: threw ${message}`;
            }
        });
        assert.deepEqual(outcomes, ["10.0.0.0/29: ok", "10.0.0.248/29: ok", "10.0.0.16/30: ok"]);
    });

    it("gives a single-stack [IPv4] cluster only IPv4 on the subnet and at the edge, and allows Azure Linux there", () => {
        const single = plan({ ipFamilies: ["IPv4"], nodeOsSku: "AzureLinux" });
        assert.deepEqual(single.ipFamilies, ["IPv4"]);
        assert.deepEqual(single.facts, {
            ipFamilies: ["IPv4"],
            kubernetesVersion: "1.35",
            platform: "generic",
            loadBalancer: { ipFamilies: ["IPv4"], serviceAnnotations: PROBES },
        });
        assert.deepEqual(single.subnetPrefixes, ["10.224.0.0/16"]);
        assert.equal(single.nodeOsSku, "AzureLinux");
        // The node subnet is the first /64 of the VNet's IPv6 range, whatever its size.
        assert.deepEqual(plan({ network: { ipv6Cidr: "fd00:10:224:ab00::/56" } }).subnetPrefixes, ["10.224.0.0/16", "fd00:10:224:ab00::/64"]);
    });

    it("warns when the API server is open to any address", () => {
        assert.deepEqual(plan({ authorizedIpRanges: undefined }).warnings, [
            {
                field: "authorizedIpRanges",
                message: "not set: the API server accepts connections from any address (Entra ID authentication still applies); list your networks to restrict it (CIS AKS 5.4.1)",
            },
        ]);
        assert.deepEqual(plan({ authorizedIpRanges: Array.from({ length: 200 }, (_, index) => `81.2.${index}.0/24`) }).warnings, []);
    });

    const refusals: [string, Partial<AksDualStackClusterArgs>, string][] = [
        [
            "a subscription that is not a GUID",
            { subscriptionId: "my-subscription" },
            "subscriptionId: 'my-subscription' is not an Azure subscription ID; expected a GUID (az account show --query id)",
        ],
        ["a region's display name", { location: "West Europe" }, "location: 'West Europe' is not an Azure region name; expected lowercase letters and digits, e.g. westeurope"],
        ["a cluster name of 59 characters", { clusterName: "a".repeat(59) }, CLUSTER_NAME_MESSAGE("a".repeat(59))],
        ["a cluster name ending in '-'", { clusterName: "demo-" }, CLUSTER_NAME_MESSAGE("demo-")],
        [
            "a resource group ending in '.'",
            { resourceGroupName: "demo-rg." },
            "resourceGroupName: 'demo-rg.' is not a resource group name overlay accepts; use letters, digits, '-', '_', '.', '(' and ')', at most 63, not ending in '.'",
        ],
        [
            "kubenet",
            { networkPlugin: "kubenet" },
            "networkPlugin: kubenet retires on 31 March 2028 (https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay) and its dual-stack mode is limited to 200 nodes; use azure-overlay",
        ],
        ["another plugin", { networkPlugin: "azure" }, "networkPlugin: 'azure' is not offered; the dual-stack network plugin is azure-overlay (Azure CNI Overlay)"],
        ["IPv6 primary", { ipFamilies: ["IPv6", "IPv4"] }, FAMILIES_MESSAGE("[IPv6, IPv4]")],
        ["IPv6 only", { ipFamilies: ["IPv6"] }, FAMILIES_MESSAGE("[IPv6]")],
        [
            "Azure Linux on dual-stack",
            { nodeOsSku: "AzureLinux" },
            "nodeOsSku: AzureLinux nodes cannot route the load balancer's IPv6 health probes to pods of an externalTrafficPolicy: Cluster Service (https://learn.microsoft.com/azure/aks/azure-cni-overlay); use Ubuntu on a dual-stack cluster",
        ],
        ["Windows nodes", { nodeOsSku: "Windows" as "Ubuntu" }, "nodeOsSku: 'Windows' is not a node OS image; allowed: Ubuntu, AzureLinux"],
        [
            "a reserved pod range",
            { network: { podIpv4Cidr: "172.30.0.0/16" } },
            "network.podIpv4Cidr: '172.30.0.0/16' overlaps 172.30.0.0/16, which AKS reserves; choose another range",
        ],
        [
            "a pod range holding a reserved one",
            { network: { podIpv4Cidr: "172.16.0.0/12" } },
            "network.podIpv4Cidr: '172.16.0.0/12' overlaps 172.30.0.0/16, which AKS reserves; choose another range",
        ],
        [
            "a reserved VNet range",
            { network: { ipv4Cidr: "172.31.128.0/20" } },
            "network.ipv4Cidr: '172.31.128.0/20' overlaps 172.31.0.0/16, which AKS reserves; choose another range",
        ],
        [
            "a public pod range",
            { network: { podIpv4Cidr: "8.8.0.0/16" } },
            "network.podIpv4Cidr: '8.8.0.0/16' is not a private range; use 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10",
        ],
        [
            "a /12 Service range",
            { network: { serviceIpv4Cidr: "10.0.0.0/12" } },
            "network.serviceIpv4Cidr: '10.0.0.0/12' is too large; AKS needs the Service range smaller than /12, e.g. /16",
        ],
        [
            "a /100 IPv6 Service range",
            { network: { serviceIpv6Cidr: "fd12:3456:789a:1::/100" } },
            "network.serviceIpv6Cidr: 'fd12:3456:789a:1::/100' is too large; AKS takes an IPv6 Service range of /108 or smaller (https://learn.microsoft.com/azure/aks/azure-cni-overlay)",
        ],
        [
            "a /40 VNet IPv6 range",
            { network: { ipv6Cidr: "fd00::/40" } },
            "network.ipv6Cidr: 'fd00::/40' must be /48 to /64; the node subnet takes its first /64, the only IPv6 subnet size Azure allows",
        ],
        [
            "a /80 VNet IPv6 range",
            { network: { ipv6Cidr: "fd00:10:224::/80" } },
            "network.ipv6Cidr: 'fd00:10:224::/80' must be /48 to /64; the node subnet takes its first /64, the only IPv6 subnet size Azure allows",
        ],
        [
            "overlapping pod and Service ranges",
            { network: { serviceIpv4Cidr: "10.244.128.0/20" } },
            "network.serviceIpv4Cidr: '10.244.128.0/20' overlaps network.podIpv4Cidr '10.244.0.0/16'; the ranges must not share addresses",
        ],
        [
            "overlapping IPv6 pod and Service ranges",
            { network: { podIpv6Cidr: "fd12:3456:789a::/48" } },
            "network.serviceIpv6Cidr: 'fd12:3456:789a:1::/108' overlaps network.podIpv6Cidr 'fd12:3456:789a::/48'; the ranges must not share addresses",
        ],
        [
            "a link-local IPv6 range",
            { network: { podIpv6Cidr: "fe80::/64" } },
            "network.podIpv6Cidr: 'fe80::/64' is a linkLocal range; use a unique local (fd00::/8) or global unicast range",
        ],
        ["an IPv4 range as IPv6", { network: { podIpv6Cidr: "10.1.0.0/16" } }, "network.podIpv6Cidr: '10.1.0.0/16' is IPv4; this range is IPv6"],
        [
            "an IPv6 API range",
            { authorizedIpRanges: ["81.2.69.0/24", "2a01:4f8:1234::/48"] },
            "authorizedIpRanges[1]: '2a01:4f8:1234::/48' is IPv6; only IPv4 ranges are accepted here",
        ],
        ["an any-address API range", { authorizedIpRanges: ["0.0.0.0/0"] }, "authorizedIpRanges[0]: '0.0.0.0/0' allows every address; list the networks that need access instead"],
        [
            "201 API ranges",
            { authorizedIpRanges: Array.from({ length: 201 }, (_, index) => `81.${index % 200}.${Math.floor(index / 200)}.0/24`) },
            "authorizedIpRanges: lists 201 ranges; AKS takes 1 to 200 (leave it unset for any address)",
        ],
        ["an empty API range list", { authorizedIpRanges: [] }, "authorizedIpRanges: lists 0 ranges; AKS takes 1 to 200 (leave it unset for any address)"],
        ["zone 4", { availabilityZones: ["1", "4"] }, `availabilityZones[1]: '4' is not an availability zone; use "1", "2" and "3", each once`],
        ["a VM size without Standard_", { nodes: { vmSize: "d4s" } }, "nodes.vmSize: 'd4s' is not an Azure VM size; expected e.g. Standard_D4s_v5"],
        [
            "an admin group that is not a GUID",
            { adminGroupObjectIds: ["platform-admins"] },
            "adminGroupObjectIds[0]: 'platform-admins' is not an Entra ID object ID; expected a GUID",
        ],
        ["a negative count", { nodes: { count: -1 } }, "nodes.count: -1 is not a node count; expected a whole number, 0 or more"],
        ["a fractional maximum", { nodes: { maxCount: 2.5 } }, "nodes.maxCount: 2.5 is not a node count; expected a whole number, 0 or more"],
        ["no nodes at all", { nodes: { count: 0, minCount: 0, maxCount: 0 } }, "nodes.maxCount: must be 1 or more: istiod and the gateway need nodes to run on"],
        ["min above max", { nodes: { minCount: 5, maxCount: 4 } }, "nodes.minCount: 5 is more than nodes.maxCount (4)"],
        ["a count outside the bounds", { nodes: { count: 9 } }, "nodes.count: 9 is outside nodes.minCount..nodes.maxCount (2..4)"],
        [
            "a patch version",
            { kubernetesVersion: "1.35.2" },
            "kubernetesVersion: '1.35.2' is not an AKS version to ask for; give MAJOR.MINOR, e.g. 1.35 (AKS picks the patch and upgrades it)",
        ],
        ["a version before Cilium dual-stack", { kubernetesVersion: "1.28" }, "kubernetesVersion: AKS 1.28 cannot run Cilium dual-stack; it needs 1.29 or newer"],
        ["a version older than the calendar", { kubernetesVersion: "1.31" }, "kubernetesVersion: AKS 1.31 is past end of life (before 2026-03-31); use 1.35"],
    ];
    for (const [what, args, message] of refusals) {
        it(`refuses ${what}`, () => {
            assert.equal(refusal(args), message);
        });
    }

    it("refuses a User deployer with a kubelogin mode that signs in as a service principal or managed identity", () => {
        for (const mode of ["spn", "msi", "workloadidentity"] as const) {
            assert.equal(
                refusal({ kubeloginMode: mode }),
                `deployerPrincipalType: User, but kubeloginMode ${mode} signs in as a service principal or managed identity; set deployerPrincipalType: ServicePrincipal`,
            );
            assert.equal(plan({ kubeloginMode: mode, deployerPrincipalType: "ServicePrincipal" }).deployerPrincipalType, "ServicePrincipal");
        }
    });

    it("refuses a repeated zone, saying that it is repeated (not that '1' is no zone)", () => {
        assert.equal(refusal({ availabilityZones: ["1", "1"] }), "availabilityZones[1]: '1' is listed twice");
    });

    it("names the version field in the calendar's warnings", () => {
        assert.deepEqual(plan({ kubernetesVersion: "1.38" }).warnings, [
            {
                field: "kubernetesVersion",
                message: "AKS 1.38 is newer than the AKS Kubernetes version calendar (components/aks/calendar.ts); check that AKS offers it in your region",
            },
        ]);
        assert.equal(
            refusalOf(() => plan({ kubernetesVersion: "1.34" }, day("2026-12-02"))),
            "kubernetesVersion: AKS 1.34 reached end of life on 2026-11-30; use 1.35",
        );
    });
});

describe("AKS version calendar", () => {
    it("on 2026-11-25: 1.35–1.37 are supported, 1.34 ends in 5 days, 1.38 is past the calendar", () => {
        for (const version of ["1.35", "1.36", "1.37"]) {
            assert.deepEqual(checkAksVersion(version, "v", NOW), [], version);
        }
        assert.deepEqual(checkAksVersion("1.34", "v", NOW), [{ field: "v", message: "AKS 1.34 reaches end of life on 2026-11-30 (5 days); plan the upgrade to 1.35" }]);
        assert.deepEqual(checkAksVersion("1.38", "v", NOW), [
            { field: "v", message: "AKS 1.38 is newer than the AKS Kubernetes version calendar (components/aks/calendar.ts); check that AKS offers it in your region" },
        ]);
    });

    it("warns from 90 days before end of life, and refuses the day after it", () => {
        assert.deepEqual(checkAksVersion("1.35", "v", day("2026-12-30")), []);
        assert.deepEqual(checkAksVersion("1.34", "v", day("2026-11-30")), [
            { field: "v", message: "AKS 1.34 reaches end of life on 2026-11-30 (0 days); plan the upgrade to 1.35" },
        ]);
        assert.throws(() => checkAksVersion("1.34", "v", day("2026-12-01")), { message: "v: AKS 1.34 reached end of life on 2026-11-30; use 1.35" });
        assert.throws(() => checkAksVersion("1.35", "v", day("2027-04-01")), { message: "v: AKS 1.35 reached end of life on 2027-03-31; use 1.36" });
    });

    it("advises an upgrade to a newer minor than the one that is ending", () => {
        assert.deepEqual(checkAksVersion("1.35", "v", day("2027-02-15")), [
            { field: "v", message: "AKS 1.35 reaches end of life on 2027-03-31 (44 days); plan the upgrade to 1.36" },
        ]);
        assert.deepEqual(checkAksVersion("1.35", "v", day("2026-12-31")), [
            { field: "v", message: "AKS 1.35 reaches end of life on 2027-03-31 (90 days); plan the upgrade to 1.36" },
        ]);
        assert.deepEqual(checkAksVersion("1.36", "v", day("2027-05-15")), [
            { field: "v", message: "AKS 1.36 reaches end of life on 2027-06-30 (46 days); plan the upgrade to 1.37" },
        ]);
    });

    it("says once that the calendar is stale, past its trusted age after it was last checked", () => {
        const checked = Date.parse(`${AKS_CALENDAR_PROVENANCE.checkedOn}T00:00:00Z`);
        const afterDays = (days: number) => new Date(checked + days * 24 * 3600 * 1000);
        const stale = {
            field: "v",
            message:
                `the AKS Kubernetes version calendar was last checked on ${AKS_CALENDAR_PROVENANCE.checkedOn} (${CALENDAR_MAX_AGE_DAYS + 1} days ago) and may be stale: ` +
                "upgrade pulumi-dualstack-istio, or update components/aks/calendar.ts from https://learn.microsoft.com/azure/aks/supported-kubernetes-versions",
        };
        assert.deepEqual(checkAksVersion("1.37", "v", afterDays(CALENDAR_MAX_AGE_DAYS)), []);
        assert.deepEqual(checkAksVersion("1.37", "v", afterDays(CALENDAR_MAX_AGE_DAYS + 1)), [stale]);
        assert.deepEqual(checkAksVersion("1.38", "v", afterDays(CALENDAR_MAX_AGE_DAYS + 1)), [
            { field: "v", message: "AKS 1.38 is newer than the AKS Kubernetes version calendar (components/aks/calendar.ts); check that AKS offers it in your region" },
            stale,
        ]);
        // A refusal on a stale calendar says so too.
        assert.throws(() => checkAksVersion("1.34", "v", afterDays(CALENDAR_MAX_AGE_DAYS + 1)), {
            message: `v: AKS 1.34 reached end of life on 2026-11-30; use 1.36 (${stale.message})`,
        });
    });
});
