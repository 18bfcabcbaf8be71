import { blockBounds, parseCidr } from "../components/network/cidr";
import { cloudModule } from "../components/config/clouds";
import type { PlannedTenant } from "./planned-tenant";

/** What a tenant's stack takes hold of in the world (its cloud says what), so two tenants cannot take the same. */
export function cloudIdentity(tenant: PlannedTenant): { readonly key: string; readonly description: string; readonly remedy: string } {
    const { config, cluster } = tenant.plan;
    return cloudModule(config.cloud).identity(config, cluster);
}

/** Tenants that claim the same cloud identity or shared name: one line per claim made more than once. */
export function findClashes(tenants: readonly PlannedTenant[], origin: string): string[] {
    const claims = new Map<string, { description: string; remedy: string; tenants: PlannedTenant[] }>();
    for (const tenant of tenants) {
        const { config, cluster } = tenant.plan;
        const shared = cloudModule(config.cloud).sharedNames?.(config, cluster) ?? [];
        for (const { key, description, remedy } of [cloudIdentity(tenant), ...shared]) {
            const claim = claims.get(key) ?? { description, remedy, tenants: [] };
            // A tenant claims each key once: its identity and a shared name may coincide.
            if (!claim.tenants.includes(tenant)) {
                claim.tenants.push(tenant);
            }
            claims.set(key, claim);
        }
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
 * order, and each private range is looked up among them by binary search
 * (O((n + m) log(n + m)) for n carried and m private ranges).
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
        const firstOverlap = overlapFinder(routed);
        for (const own of all.filter((range) => range.family === family && range.reach === "cluster")) {
            const other = firstOverlap(own);
            if (other) {
                problems.push(
                    `${origin}: tenant '${own.tenant.name}' ${own.key} ${own.text} overlaps tenant '${other.tenant.name}' ${other.key} ${other.text}; a cluster's own ranges must stay apart from the networks it peers with`,
                );
            }
        }
    }
    return problems;
}

/** The furthest end among a prefix of ranges, and the furthest among the other tenants' ranges. */
interface Reach {
    readonly end: bigint;
    readonly tenant: PlannedTenant;
    readonly otherEnd: bigint;
}

/**
 * For ranges sorted by start: a lookup of the first of them (in that order) that overlaps a
 * range and belongs to another tenant. The ranges starting at or before the range's end are a
 * prefix (a binary search); within it, "some other tenant's range reaches the range's start"
 * turns true at one index and stays true, and each prefix's furthest end, with the furthest
 * end among the other tenants' ranges, says where (a second binary search).
 */
function overlapFinder(sorted: readonly OwnedRange[]): (range: OwnedRange) => OwnedRange | undefined {
    const reach: Reach[] = [];
    for (const range of sorted) {
        const last = reach[reach.length - 1];
        if (!last || range.tenant === last.tenant) {
            reach.push({ end: last && last.end > range.end ? last.end : range.end, tenant: range.tenant, otherEnd: last?.otherEnd ?? -1n });
        } else if (range.end > last.end) {
            reach.push({ end: range.end, tenant: range.tenant, otherEnd: last.end });
        } else {
            reach.push({ ...last, otherEnd: last.otherEnd > range.end ? last.otherEnd : range.end });
        }
    }
    const reaches = (index: number, range: OwnedRange) => (reach[index].tenant !== range.tenant ? reach[index].end : reach[index].otherEnd) >= range.start;
    return (range) => {
        const starting = firstIndex(sorted.length, (index) => sorted[index].start > range.end);
        const found = firstIndex(starting, (index) => reaches(index, range));
        return found < starting ? sorted[found] : undefined;
    };
}

/** The first index below `length` where `holds` (false, then true from there on) is true; `length` when none. */
function firstIndex(length: number, holds: (index: number) => boolean): number {
    let low = 0;
    let high = length;
    while (low < high) {
        const middle = (low + high) >>> 1;
        if (holds(middle)) {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    return low;
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
