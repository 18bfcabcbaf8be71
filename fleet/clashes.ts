import { blockBounds, parseCidr } from "../components/network/cidr";
import { cloudModule } from "../components/config/clouds";
import type { PlannedTenant } from "./planned-tenant";

/** What a tenant's stack takes hold of in the world (its cloud says what), so two tenants cannot take the same. */
export function cloudIdentity(tenant: PlannedTenant): { readonly key: string; readonly description: string; readonly remedy: string } {
    const { config, cluster } = tenant.plan;
    return cloudModule(config.cloud).identity(config, cluster);
}

/** Tenants that claim the same cloud identity: one line per identity claimed more than once. */
export function findClashes(tenants: readonly PlannedTenant[], origin: string): string[] {
    const claims = new Map<string, { description: string; remedy: string; tenants: PlannedTenant[] }>();
    for (const tenant of tenants) {
        const { key, description, remedy } = cloudIdentity(tenant);
        const claim = claims.get(key) ?? { description, remedy, tenants: [] };
        claim.tenants.push(tenant);
        claims.set(key, claim);
    }
    return [...claims.values()]
        .filter((claim) => claim.tenants.length > 1)
        .map((claim) => {
            const names = claim.tenants.map((tenant) => `'${tenant.name}' (tenants[${tenant.index}])`);
            const listed = `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
            return `${origin}: tenants ${listed} all claim ${claim.description}; ${claim.remedy}`;
        });
}

interface OwnedRange {
    readonly tenant: PlannedTenant;
    readonly key: string;
    readonly text: string;
    readonly family: "IPv4" | "IPv6";
    /** Carried by peering (`routed`), or private to the cluster (`cluster`, an overlay's). */
    readonly reach: "routed" | "cluster";
    readonly start: bigint;
    readonly end: bigint;
}

/**
 * For fleets whose networks peer: every range a tenant's network carries (its cloud says which of
 * its `network.*` ranges those are: GKE nodes, pods and Services; the EKS VPC; the AKS VNet, both
 * families) must be apart from every other tenant's, and a range private to one cluster (an AKS
 * overlay's pods and Services) must be apart from every other tenant's carried ranges, though such
 * private ranges may repeat between clusters. Ranges the cloud allocates are unique by
 * construction; existing clusters' ranges are not known here. Carried ranges are swept in sorted
 * order (n log n); each private range is checked against them.
 */
export function findNetworkOverlaps(tenants: readonly PlannedTenant[], origin: string): string[] {
    const all = tenants.flatMap((tenant) => ownedRanges(tenant)).sort((a, b) => compare(a.start, b.start) || compare(a.end, b.end));
    const problems: string[] = [];
    for (const family of ["IPv4", "IPv6"] as const) {
        const routed = all.filter((range) => range.family === family && range.reach === "routed");
        let widest: OwnedRange | undefined;
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

function compare(a: bigint, b: bigint): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

function ownedRanges(tenant: PlannedTenant): OwnedRange[] {
    const { config } = tenant.plan;
    const network: Readonly<Record<string, string>> = ("network" in config ? config.network : undefined) ?? {};
    const keys = cloudModule(config.cloud).newCluster?.network ?? {};
    return Object.entries(network).map(([name, text]) => {
        const cidr = parseCidr(text, `network.${name}`);
        return { tenant, key: `network.${name}`, text, family: cidr.family, reach: keys[name]?.reach ?? "routed", ...blockBounds(cidr) };
    });
}
