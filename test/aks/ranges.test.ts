import assert from "node:assert/strict";
import fc from "fast-check";
import { AKS_SYSTEM_POOL } from "../../components/aks/aks-dual-stack-cluster";
import { planAksCluster } from "../../components/aks/plan";
import { AKS_SYSTEM_NODES } from "../../components/aks/ranges";
import { refusal } from "../support/fixtures";
import { TEST_TODAY as NOW } from "../support/clock";

const ARGS = { subscriptionId: "3f2b8c4e-9a1d-4e6f-8b2c-7d5e1a9c0f42", location: "westeurope", authorizedIpRanges: ["81.2.69.0/24"] };

/** The longest prefix whose block holds `needed` units of /`unitPrefix`. */
function floorFor(needed: number, unitPrefix: number): number {
    let prefix = unitPrefix;
    while (Math.pow(2, unitPrefix - prefix) < needed) {
        prefix -= 1;
    }
    return prefix;
}

describe("AKS ranges: no range too small for the cluster", () => {
    it("counts the system pool the component creates", () => assert.equal(AKS_SYSTEM_NODES, AKS_SYSTEM_POOL.count));

    it("refuses a node, pod or IPv6 pod range exactly when it cannot hold every node (property)", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 13, max: 32 }),
                fc.integer({ min: 13, max: 32 }),
                fc.integer({ min: 16, max: 128 }),
                fc.integer({ min: 2, max: 60 }),
                (node, pod, podIpv6, maxCount) => {
                    const nodes = maxCount + AKS_SYSTEM_NODES;
                    const floors = { ipv4Cidr: Math.min(29, floorFor(nodes + 5, 32)), podIpv4Cidr: Math.min(24, floorFor(nodes, 24)), podIpv6Cidr: floorFor(nodes, 120) };
                    const network = { ipv4Cidr: `10.128.0.0/${node}`, podIpv4Cidr: `10.64.0.0/${pod}`, podIpv6Cidr: `fd20::/${podIpv6}` };
                    const prefixes = { ipv4Cidr: node, podIpv4Cidr: pod, podIpv6Cidr: podIpv6 };
                    const message = refusal(() => planAksCluster("demo", { ...ARGS, network, nodes: { count: 2, minCount: 2, maxCount } }, NOW));
                    const tooSmall = (["ipv4Cidr", "podIpv4Cidr", "podIpv6Cidr"] as const).find((key) => prefixes[key] > floors[key]);
                    if (tooSmall === undefined) {
                        assert.equal(message, "(accepted)");
                    } else {
                        assert.ok(message.startsWith(`network.${tooSmall}: '${network[tooSmall]}' is too small; give at least a /${floors[tooSmall]}: `), message);
                    }
                },
            ),
        );
    });

    it("refuses an IPv6 Service range smaller than the IPv4 one's floor", () => {
        assert.equal(
            refusal(() => planAksCluster("demo", { ...ARGS, network: { serviceIpv6Cidr: "fd12:3456:789a:1::/128" } }, NOW)),
            "network.serviceIpv6Cidr: 'fd12:3456:789a:1::/128' is too small; give at least a /124: the Services of both families need as many IPv6 addresses as the smallest IPv4 Service range holds",
        );
    });
});
