import { parseCidr } from "../components/network/cidr";
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
    readonly start: number;
    readonly end: number;
}

/**
 * For fleets whose networks peer: every IPv4 range a tenant's cluster uses (its `network.*`
 * ranges: GKE nodes, pods and Services; the EKS VPC) must be apart from every other tenant's.
 * IPv6 ranges are the cloud's to allocate (or, on AKS, private to each cluster's overlay);
 * existing clusters' ranges are not known here.
 * Sorted sweep, so hundreds of tenants cost n log n, not n².
 */
export function findNetworkOverlaps(tenants: readonly PlannedTenant[], origin: string): string[] {
    const ranges = tenants.flatMap((tenant) => ipv4Ranges(tenant)).sort((a, b) => a.start - b.start || a.end - b.end);
    const problems: string[] = [];
    let widest: OwnedRange | undefined;
    for (const range of ranges) {
        if (widest && range.start <= widest.end && widest.tenant !== range.tenant) {
            problems.push(
                `${origin}: tenant '${range.tenant.name}' ${range.key} ${range.text} overlaps tenant '${widest.tenant.name}' ${widest.key} ${widest.text}; requireDisjointNetworks needs every tenant's IPv4 ranges apart`,
            );
        }
        if (!widest || range.end > widest.end) {
            widest = range;
        }
    }
    return problems;
}

function ipv4Ranges(tenant: PlannedTenant): OwnedRange[] {
    const { config } = tenant.plan;
    const network: Readonly<Record<string, string>> = ("network" in config ? config.network : undefined) ?? {};
    const ipv4 = Object.entries(network)
        .map(([name, text]) => ({ name, text, cidr: parseCidr(text, `network.${name}`) }))
        .filter(({ cidr }) => cidr.family === "IPv4");
    return ipv4.map(({ name, text, cidr }) => {
        const start = cidr.address.toByteArray().reduce((value, byte) => value * 256 + byte, 0);
        return { tenant, key: `network.${name}`, text, start, end: start + 2 ** (32 - cidr.prefixLength) - 1 };
    });
}
