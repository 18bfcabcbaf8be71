import assert from "node:assert/strict";
import fc from "fast-check";
import { GKE_CALENDAR } from "../../components/gke/calendar";
import { checkRbsVersion, GKE_INTERNAL_ACCESS_EDGE, GKE_MIN_RBS_VERSION } from "../../components/gke/load-balancer";
import { type GkeDualStackClusterArgs, planGkeCluster } from "../../components/gke/plan";
import { overlaps, parseCidr, requireDisjoint } from "../../components/network/cidr";
import { refusal as refusalOf } from "../support/fixtures";

const ARGS: GkeDualStackClusterArgs = { project: "my-project", region: "europe-west4" };
const INTERNAL_WARNING = {
    field: "ipv6AccessType",
    message:
        "INTERNAL gives ULA IPv6, which no external load balancer serves: LoadBalancer Services, the Istio gateway's too, get IPv4 only; use EXTERNAL for a dual-stack gateway",
};

const refusal = (args: Partial<GkeDualStackClusterArgs>) => refusalOf(() => planGkeCluster("demo", { ...ARGS, ...args }));

describe("GKE cluster plan", () => {
    it("applies the secure defaults and reports the dual-stack facts", () => {
        const plan = planGkeCluster("demo", ARGS);
        assert.deepEqual(plan, {
            facts: {
                ipFamilies: ["IPv4", "IPv6"],
                kubernetesVersion: "1.35",
                platform: "gke",
                loadBalancer: { ipFamilies: ["IPv4", "IPv6"], serviceAnnotations: { "cloud.google.com/l4-rbs": "enabled" } },
            },
            project: "my-project",
            region: "europe-west4",
            clusterName: "demo",
            nodeServiceAccountId: "demo-nodes",
            kubernetesVersion: "1.35",
            ipv6AccessType: "EXTERNAL",
            network: { ipv4Cidr: "10.0.0.0/20", podIpv4Cidr: "10.16.0.0/14", serviceIpv4Cidr: "10.20.0.0/20" },
            nodes: { count: 1, minCount: 1, maxCount: 3, machineType: "e2-standard-4" },
            releaseChannel: "REGULAR",
            deletionProtection: true,
            privateNodes: true,
            privateEndpoint: false,
            customerManagedSecretsKey: true,
            enableWorkloadIdentity: true,
            enableShieldedNodes: true,
            enableLoggingAndMonitoring: true,
            nodeImageType: "COS_CONTAINERD",
            nodeAutoRepair: true,
            insecureKubeletReadonlyPort: false,
            insecureRbacBindings: false,
            securityPosture: "BASIC",
            flowLogs: true,
            maintenanceWindow: { startTime: "2025-01-04T00:00:00Z", endTime: "2025-01-04T08:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" },
            warnings: [
                {
                    field: "authorizedNetworks",
                    message: "not set: the control-plane endpoint accepts connections from any address (Google authentication still applies); list your networks to restrict it",
                },
            ],
        });
    });

    it("with a private endpoint, warns where pulumi up must run instead of about open authorized networks", () => {
        assert.deepEqual(planGkeCluster("demo", { ...ARGS, privateEndpoint: true }).warnings, [
            {
                field: "privateEndpoint",
                message:
                    "the control plane has no public endpoint: run pulumi up from inside the VPC, in its region (GKE's global access to the endpoint is off), since the same run installs Istio through it",
            },
        ]);
    });

    it("plans private nodes without a warning: with EXTERNAL access they keep global IPv6, which no firewall rule opens (the key's description says so)", () => {
        assert.deepEqual(planGkeCluster("demo", { ...ARGS, privateNodes: true, authorizedNetworks: ["81.2.69.0/24"] }).warnings, []);
        assert.deepEqual(planGkeCluster("demo", { ...ARGS, privateNodes: true, ipv6AccessType: "INTERNAL", authorizedNetworks: ["81.2.69.0/24"] }).warnings, [INTERNAL_WARNING]);
    });

    it("gives INTERNAL access an IPv4-only load-balancer edge that says why, and warns its load balancers get IPv4 only", () => {
        const plan = planGkeCluster("demo", { ...ARGS, ipv6AccessType: "INTERNAL", authorizedNetworks: ["81.2.69.0/24"] });
        assert.deepEqual(plan.facts, { ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.35", platform: "gke", loadBalancer: GKE_INTERNAL_ACCESS_EDGE });
        assert.deepEqual(GKE_INTERNAL_ACCESS_EDGE, {
            ipFamilies: ["IPv4"],
            serviceAnnotations: {},
            missingFamilies: "the subnet's IPv6 is INTERNAL (ULA), which no external load balancer serves; ipv6AccessType EXTERNAL gives the gateway IPv6",
        });
        assert.deepEqual(plan.warnings, [INTERNAL_WARNING]);
    });

    it("knows the first versions with the RBS load balancer (a minor means its newest patch), below every version GKE still offers", () => {
        for (const kubernetesVersion of ["1.25", "1.25.5", "1.25.5-gke.2000", "1.26.0-gke.100", "1.31"]) {
            assert.doesNotThrow(() => checkRbsVersion(kubernetesVersion), kubernetesVersion);
        }
        for (const kubernetesVersion of ["1.24", "1.25.4-gke.1600"]) {
            assert.throws(() => checkRbsVersion(kubernetesVersion), {
                message: `kubernetesVersion: GKE ${kubernetesVersion} cannot give LoadBalancer Services IPv6: the backend service-based external passthrough load balancer (cloud.google.com/l4-rbs) needs GKE 1.25.5 or newer`,
            });
        }
        assert.equal(GKE_CALENDAR[0].minor > GKE_MIN_RBS_VERSION.minor, true);
    });

    it("accepts a full GKE version, zones of the region, and a key in the region", () => {
        const plan = planGkeCluster("demo", {
            ...ARGS,
            kubernetesVersion: "1.35.1-gke.1396000",
            zones: ["europe-west4-a", "europe-west4-c"],
            secretsEncryptionKey: "projects/kms/locations/europe-west4/keyRings/r/cryptoKeys/k",
        });
        assert.equal(plan.kubernetesVersion, "1.35.1-gke.1396000");
        assert.deepEqual(plan.zones, ["europe-west4-a", "europe-west4-c"]);
    });

    const cases: [string, Partial<GkeDualStackClusterArgs>, string][] = [
        ["a missing project", { project: "" }, "project: required; give the ID of the GCP project to create the cluster in"],
        ["a bad project ID", { project: "My_Project" }, "project: 'My_Project' is not a GCP project ID; expected 6–30 lowercase letters, digits and '-', starting with a letter"],
        ["a zone as the region", { region: "europe-west4-a" }, "region: 'europe-west4-a' is a zone; give its region, europe-west4, for a regional cluster"],
        ["a region of another cloud", { region: "eu-west-1" }, "region: 'eu-west-1' is not a GCP region; expected e.g. europe-west4"],
        [
            "an upper-case cluster name",
            { clusterName: "Demo" },
            "clusterName: 'Demo' is not a GKE cluster name; use a lowercase letter, then lowercase letters, digits and '-', at most 40, not ending in '-'",
        ],
        [
            "a 41-character name",
            { clusterName: `a${"b".repeat(40)}` },
            `clusterName: 'a${"b".repeat(40)}' is not a GKE cluster name; use a lowercase letter, then lowercase letters, digits and '-', at most 40, not ending in '-'`,
        ],
        [
            "a trailing hyphen",
            { clusterName: "demo-" },
            "clusterName: 'demo-' is not a GKE cluster name; use a lowercase letter, then lowercase letters, digits and '-', at most 40, not ending in '-'",
        ],
        ["a version GKE no longer offers", { kubernetesVersion: "1.24" }, "kubernetesVersion: GKE no longer offers Kubernetes 1.24; use 1.35"],
        [
            "a version past standard support on the default channel",
            { kubernetesVersion: "1.33" },
            "kubernetesVersion: Kubernetes 1.33 left GKE standard support on 2026-08-03; GKE no longer creates it on the REGULAR channel, use 1.35 (the EXTENDED channel keeps it until 2027-06-03, at extra cost)",
        ],
        ["a version below GKE's dual-stack minimum", { kubernetesVersion: "1.23" }, "kubernetesVersion: GKE 1.23 cannot run dual-stack; GKE Standard needs 1.24 or newer"],
        ["a floating alias", { kubernetesVersion: "latest" }, "kubernetesVersion: 'latest' is not a Kubernetes version; expected MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 1.33"],
        ["no zones", { zones: [] }, "zones: is empty; list zones of the region, or leave it unset for GKE's choice"],
        ["a zone of another region", { zones: ["europe-west4-a", "us-central1-a"] }, "zones[1]: 'us-central1-a' is not a zone of europe-west4; expected e.g. europe-west4-a"],
        ["a zone twice", { zones: ["europe-west4-a", "europe-west4-a"] }, "zones[1]: 'europe-west4-a' is listed twice"],
        ["an unknown IPv6 access type", { ipv6AccessType: "PUBLIC" as never }, "ipv6AccessType: 'PUBLIC' is not an IPv6 access type; allowed: EXTERNAL, INTERNAL"],
        ["a malformed range", { network: { ipv4Cidr: "10.0.0.0/33" } }, "network.ipv4Cidr: '10.0.0.0/33' is not a CIDR block; expected ADDRESS/PREFIX, e.g. 10.0.0.0/20"],
        ["a range without a prefix", { network: { podIpv4Cidr: "10.16.0.0" } }, "network.podIpv4Cidr: '10.16.0.0' is not a CIDR block; expected ADDRESS/PREFIX, e.g. 10.0.0.0/20"],
        ["host bits", { network: { ipv4Cidr: "10.0.0.1/20" } }, "network.ipv4Cidr: '10.0.0.1/20' has host bits set; the block is 10.0.0.0/20"],
        [
            "an IPv6 pod range",
            { network: { podIpv4Cidr: "fd00::/64" } },
            "network.podIpv4Cidr: 'fd00::/64' is IPv6; this range is IPv4 (the IPv6 ranges are assigned by the cloud)",
        ],
        [
            "a public range",
            { network: { serviceIpv4Cidr: "8.8.0.0/20" } },
            "network.serviceIpv4Cidr: '8.8.0.0/20' is not a private range; use 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10",
        ],
        [
            "a range wider than private space",
            { network: { podIpv4Cidr: "10.0.0.0/7" } },
            "network.podIpv4Cidr: '10.0.0.0/7' is not a private range; use 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10",
        ],
        [
            "overlapping pod and node ranges",
            { network: { podIpv4Cidr: "10.0.0.0/14" } },
            "network.podIpv4Cidr: '10.0.0.0/14' overlaps network.ipv4Cidr '10.0.0.0/20'; the ranges must not share addresses",
        ],
        [
            "overlapping Service and pod ranges",
            { network: { serviceIpv4Cidr: "10.17.0.0/20" } },
            "network.serviceIpv4Cidr: '10.17.0.0/20' overlaps network.podIpv4Cidr '10.16.0.0/14'; the ranges must not share addresses",
        ],
        ["a negative count", { nodes: { count: -1 } }, "nodes.count: -1 is not a node count; expected a whole number, 0 or more"],
        ["no nodes at all", { nodes: { count: 0, minCount: 0, maxCount: 0 } }, "nodes.maxCount: must be 1 or more: istiod and the gateway need nodes to run on"],
        ["min above max", { nodes: { minCount: 4, maxCount: 3 } }, "nodes.minCount: 4 is more than nodes.maxCount (3)"],
        ["count outside min..max", { nodes: { count: 5 } }, "nodes.count: 5 is outside nodes.minCount..nodes.maxCount (1..3)"],
        ["a bad machine type", { nodes: { machineType: "E2 Standard" } }, "nodes.machineType: 'E2 Standard' is not a GCE machine type; expected e.g. e2-standard-4"],
        [
            "an unknown release channel",
            { releaseChannel: "BETA" as never },
            "releaseChannel: 'BETA' is not a release channel; allowed: RAPID, REGULAR, STABLE, EXTENDED, UNSPECIFIED",
        ],
        [
            "a private endpoint with public nodes",
            { privateEndpoint: true, privateNodes: false },
            "privateEndpoint: needs privateNodes: a cluster with public nodes cannot have a private-only endpoint",
        ],
        [
            "a key with customer-managed encryption off",
            { customerManagedSecretsKey: false, secretsEncryptionKey: "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k" },
            "customerManagedSecretsKey: is false, which leaves Secrets to Google-managed encryption, but secretsEncryptionKey names a key; drop one of them",
        ],
        [
            "a Windows node image",
            { nodeImageType: "WINDOWS_LTSC_CONTAINERD" as never },
            "nodeImageType: 'WINDOWS_LTSC_CONTAINERD' is not a node image for this cluster; allowed: COS_CONTAINERD, UBUNTU_CONTAINERD",
        ],
        ["an unknown security posture", { securityPosture: "STRICT" as never }, "securityPosture: 'STRICT' is not a security posture mode; allowed: BASIC, ENTERPRISE, DISABLED"],
        [
            "a maintenance window start without a zone",
            { maintenanceWindow: { startTime: "2025-01-04T00:00:00" } },
            "maintenanceWindow.startTime: '2025-01-04T00:00:00' is not an RFC 3339 time with a zone; expected e.g. 2025-01-04T00:00:00Z",
        ],
        [
            "a maintenance window time without seconds, which the provider refuses",
            { maintenanceWindow: { startTime: "2025-01-04T00:00Z" } },
            "maintenanceWindow.startTime: '2025-01-04T00:00Z' is not an RFC 3339 time with a zone; expected e.g. 2025-01-04T00:00:00Z",
        ],
        ["a yes/no argument given as text", { flowLogs: "false" as never }, "flowLogs: 'false' is not true or false"],
        [
            "a maintenance window shorter than 4 hours",
            { maintenanceWindow: { endTime: "2025-01-04T03:00:00Z" } },
            "maintenanceWindow.endTime: the window lasts 3 hours; GKE counts only windows of 4 hours or more, and a window must end within a day of its start",
        ],
        [
            "a maintenance window ending before it starts",
            { maintenanceWindow: { endTime: "2025-01-03T08:00:00Z" } },
            "maintenanceWindow.endTime: the window lasts -16 hours; GKE counts only windows of 4 hours or more, and a window must end within a day of its start",
        ],
        [
            "a monthly recurrence",
            { maintenanceWindow: { recurrence: "FREQ=MONTHLY" } },
            "maintenanceWindow.recurrence: 'FREQ=MONTHLY' is not a recurrence this package takes; expected FREQ=DAILY or FREQ=WEEKLY;BYDAY=SA,SU",
        ],
        [
            "too few maintenance hours in 32 days",
            { maintenanceWindow: { endTime: "2025-01-04T05:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SA" } },
            "maintenanceWindow.recurrence: gives 20 hours of maintenance in 32 days; GKE needs at least 48: lengthen the window or add days",
        ],
        [
            "an any-address authorised network",
            { authorizedNetworks: ["0.0.0.0/0"] },
            "authorizedNetworks[0]: '0.0.0.0/0' allows every address; list the networks that need access instead",
        ],
        ["an IPv6 authorised network", { authorizedNetworks: ["2001:db8::/32"] }, "authorizedNetworks[0]: '2001:db8::/32' is IPv6; only IPv4 ranges are accepted here"],
        ["a loopback authorised network", { authorizedNetworks: ["127.0.0.0/8"] }, "authorizedNetworks[0]: '127.0.0.0/8' is a loopback range, which no client connects from"],
        [
            "a malformed KMS key",
            { secretsEncryptionKey: "my-key" },
            "secretsEncryptionKey: 'my-key' is not a Cloud KMS key name; expected projects/P/locations/L/keyRings/R/cryptoKeys/K",
        ],
        [
            "a KMS key in another region",
            { secretsEncryptionKey: "projects/p/locations/global/keyRings/r/cryptoKeys/k" },
            "secretsEncryptionKey: the key is in global; GKE needs it in the cluster's region, europe-west4",
        ],
    ];
    for (const [what, args, message] of cases) {
        it(`refuses ${what}`, () => {
            assert.equal(refusal(args), message);
        });
    }

    it("finds an overlap exactly when two blocks share an address (property)", () => {
        const block = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 30 })).map(([address, prefix]) => {
            const network = prefix === 0 ? 0 : (address >>> (32 - prefix)) << (32 - prefix);
            const text = [24, 16, 8, 0].map((shift) => ((network >>> 0) >>> shift) & 255).join(".");
            return { start: network >>> 0, end: ((network >>> 0) + 2 ** (32 - prefix) - 1) >>> 0, text: `${text}/${prefix}` };
        });
        fc.assert(
            fc.property(block, block, (a, b) => {
                const share = a.start <= b.end && b.start <= a.end;
                assert.equal(overlaps(parseCidr(a.text, "a"), parseCidr(b.text, "b")), share);
                assert.equal(
                    (() => {
                        try {
                            requireDisjoint([
                                { field: "a", cidr: parseCidr(a.text, "a") },
                                { field: "b", cidr: parseCidr(b.text, "b") },
                            ]);
                            return false;
                        } catch {
                            return true;
                        }
                    })(),
                    share,
                );
            }),
        );
    });
});
