import assert from "node:assert/strict";
import fc from "fast-check";
import { planGkeCluster } from "../../components/gke/plan";
import { refusal } from "../support/fixtures";

/** The longest prefix of a `bits`-bit family whose block holds `needed` units of 2^(bits-unit) addresses. */
function floorFor(needed: number, unitPrefix: number): number {
    let prefix = unitPrefix;
    while (Math.pow(2, unitPrefix - prefix) < needed) {
        prefix -= 1;
    }
    return prefix;
}

describe("GKE ranges: no range too small for the cluster", () => {
    it("refuses a range exactly when it is under GKE's minimum or cannot hold the node pool at its maximum (property)", () => {
        const zones = fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined });
        fc.assert(
            fc.property(
                fc.integer({ min: 12, max: 32 }),
                fc.integer({ min: 12, max: 32 }),
                fc.integer({ min: 12, max: 32 }),
                fc.integer({ min: 1, max: 60 }),
                zones,
                (node, pod, service, maxCount, zoneCount) => {
                    const nodes = maxCount * (zoneCount ?? 3);
                    const floors = { ipv4Cidr: Math.min(29, floorFor(nodes + 4, 32)), podIpv4Cidr: Math.min(24, floorFor(nodes, 24)), serviceIpv4Cidr: 27 };
                    const network = { ipv4Cidr: `10.0.0.0/${node}`, podIpv4Cidr: `10.16.0.0/${pod}`, serviceIpv4Cidr: `10.32.0.0/${service}` };
                    const prefixes = { ipv4Cidr: node, podIpv4Cidr: pod, serviceIpv4Cidr: service };
                    const message = refusal(() =>
                        planGkeCluster("demo", {
                            project: "my-project",
                            region: "europe-west4",
                            network,
                            nodes: { count: 1, minCount: 1, maxCount },
                            ...(zoneCount === undefined ? {} : { zones: ["a", "b", "c", "d"].slice(0, zoneCount).map((zone) => `europe-west4-${zone}`) }),
                        }),
                    );
                    const tooSmall = (["ipv4Cidr", "podIpv4Cidr", "serviceIpv4Cidr"] as const).find((key) => prefixes[key] > floors[key]);
                    if (tooSmall === undefined) {
                        assert.equal(message, "(accepted)");
                    } else {
                        assert.ok(message.startsWith(`network.${tooSmall}: '${network[tooSmall]}' is too small; give at least a /${floors[tooSmall]}: `), message);
                    }
                },
            ),
        );
    });

    it("says what must fit", () => {
        const plan = (network: Record<string, string>) => refusal(() => planGkeCluster("demo", { project: "my-project", region: "europe-west4", network }));
        assert.equal(
            plan({ podIpv4Cidr: "10.16.0.0/32" }),
            "network.podIpv4Cidr: '10.16.0.0/32' is too small; give at least a /20: each node takes a /24 of it (110 pods per node), for 9 nodes (nodes.maxCount 3 per zone × the 3 zones GKE picks)",
        );
        assert.equal(
            plan({ ipv4Cidr: "10.0.0.0/29" }),
            "network.ipv4Cidr: '10.0.0.0/29' is too small; give at least a /28: it gives each of 9 nodes (nodes.maxCount 3 per zone × the 3 zones GKE picks) an address, besides the 4 GCP keeps",
        );
        assert.equal(plan({ serviceIpv4Cidr: "10.20.0.0/32" }), "network.serviceIpv4Cidr: '10.20.0.0/32' is too small; give at least a /27: GKE's smallest Service range");
    });
});
