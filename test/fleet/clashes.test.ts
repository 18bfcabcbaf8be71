import assert from "node:assert/strict";
import fc from "fast-check";
import { blockBounds, parseCidr } from "../../components/network/cidr";
import { cloudModule } from "../../components/config/clouds";
import { findNetworkOverlaps } from "../../fleet/clashes";
import type { PlannedTenant } from "../../fleet/planned-tenant";

/** Only what findNetworkOverlaps reads of a tenant: its name, cloud and network ranges. */
function tenantOf(index: number, cloud: "azure" | "gcp", network: Record<string, string>): PlannedTenant {
    return { name: `t${index}`, index, document: {}, plan: { config: { cloud, network } } } as unknown as PlannedTenant;
}

/**
 * The check as it was before the sweep, kept as the reference: every private range against every
 * carried range, the first overlapping one of another tenant (in sorted order) reported.
 */
function bruteForce(tenants: readonly PlannedTenant[], origin: string): string[] {
    const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
    const all = tenants
        .flatMap((tenant) => {
            const { config } = tenant.plan;
            const network = (config as unknown as { network: Record<string, string> }).network;
            const keys = cloudModule(config.cloud).newCluster?.network ?? {};
            return Object.entries(network).map(([name, text]) => {
                const cidr = parseCidr(text, name);
                return { tenant, key: `network.${name}`, text, family: cidr.family, reach: keys[name]?.reach ?? "routed", ...blockBounds(cidr) };
            });
        })
        .sort((a, b) => compare(a.start, b.start) || compare(a.end, b.end));
    const problems: string[] = [];
    for (const family of ["IPv4", "IPv6"] as const) {
        const routed = all.filter((range) => range.family === family && range.reach === "routed");
        let widest: (typeof all)[number] | undefined;
        for (const range of routed) {
            if (widest && range.start <= widest.end && widest.tenant !== range.tenant) {
                problems.push(
                    `${origin}: tenant '${range.tenant.name}' ${range.key} ${range.text} overlaps tenant '${widest.tenant.name}' ${widest.key} ${widest.text}; requireDisjointNetworks needs every tenant's ${family} ranges apart`,
                );
            }
            if (!widest || range.end > widest.end) {
                widest = range;
            }
        }
        for (const own of all.filter((range) => range.family === family && range.reach === "cluster")) {
            const other = routed.find((range) => range.tenant !== own.tenant && range.start <= own.end && own.start <= range.end);
            if (other) {
                problems.push(
                    `${origin}: tenant '${own.tenant.name}' ${own.key} ${own.text} overlaps tenant '${other.tenant.name}' ${other.key} ${other.text}; a cluster's own ranges must stay apart from the networks it peers with`,
                );
            }
        }
    }
    return problems;
}

/** An IPv4 block inside 10.0.0.0/8, small enough a space that blocks often overlap. */
const ipv4Block = fc.record({ bits: fc.integer({ min: 0, max: 0xffffff }), prefix: fc.integer({ min: 9, max: 20 }) }).map(({ bits, prefix }) => {
    const address = ((10 << 24) | bits) & (~0 << (32 - prefix));
    return `${[24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join(".")}/${prefix}`;
});
const ipv6Block = fc.record({ word: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 40, max: 48 }) }).map(({ word, prefix }) => {
    const masked = word & ~((1 << (48 - prefix)) - 1);
    return `${masked === 0 ? "fd00:10::" : `fd00:10:${masked.toString(16)}::`}/${prefix}`;
});

/** An AKS tenant (carried VNet ranges, private overlay ranges) or a GKE one (everything carried), any key left out. */
const tenantNetwork = fc.oneof(
    fc
        .record({ ipv4Cidr: ipv4Block, podIpv4Cidr: ipv4Block, serviceIpv4Cidr: ipv4Block, ipv6Cidr: ipv6Block, podIpv6Cidr: ipv6Block }, { requiredKeys: [] })
        .map((network) => ({ cloud: "azure" as const, network })),
    fc.record({ ipv4Cidr: ipv4Block, podIpv4Cidr: ipv4Block, serviceIpv4Cidr: ipv4Block }, { requiredKeys: [] }).map((network) => ({ cloud: "gcp" as const, network })),
);

describe("findNetworkOverlaps (fleet/clashes)", () => {
    it("says exactly what checking every pair would, in the same order and words, on random fleets", () => {
        fc.assert(
            fc.property(fc.array(tenantNetwork, { minLength: 0, maxLength: 14 }), (networks) => {
                const tenants = networks.map(({ cloud, network }, index) => tenantOf(index, cloud, network as Record<string, string>));
                assert.deepEqual(findNetworkOverlaps(tenants, "tenants.yaml"), bruteForce(tenants, "tenants.yaml"));
            }),
            { numRuns: 500 },
        );
    });

    it("reports a private range against the first overlapping carried range of another tenant, never its own", () => {
        const tenants = [
            tenantOf(0, "azure", { ipv4Cidr: "10.0.0.0/16", podIpv4Cidr: "10.0.0.0/16" }),
            tenantOf(1, "gcp", { ipv4Cidr: "10.0.128.0/20" }),
            tenantOf(2, "gcp", { ipv4Cidr: "10.0.64.0/20" }),
        ];
        assert.deepEqual(findNetworkOverlaps(tenants, "tenants.yaml"), [
            "tenants.yaml: tenant 't2' network.ipv4Cidr 10.0.64.0/20 overlaps tenant 't0' network.ipv4Cidr 10.0.0.0/16; requireDisjointNetworks needs every tenant's IPv4 ranges apart",
            "tenants.yaml: tenant 't1' network.ipv4Cidr 10.0.128.0/20 overlaps tenant 't0' network.ipv4Cidr 10.0.0.0/16; requireDisjointNetworks needs every tenant's IPv4 ranges apart",
            "tenants.yaml: tenant 't0' network.podIpv4Cidr 10.0.0.0/16 overlaps tenant 't2' network.ipv4Cidr 10.0.64.0/20; a cluster's own ranges must stay apart from the networks it peers with",
        ]);
    });
});
