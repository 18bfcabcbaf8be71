import { parseCidr } from "../components/network/cidr";
import { Cloud } from "../components/config/schema";
import type { PlannedTenant } from "./planned-tenant";

/**
 * What a tenant's stack takes hold of in the world, so two tenants cannot take the same: a GKE
 * cluster is unique per project and region, an EKS cluster per region (and account; the account
 * is the credentials', unknown until deploy), an existing cluster is its API server.
 */
export function cloudIdentity(tenant: PlannedTenant): { readonly key: string; readonly description: string } {
    const { config, kubeconfig } = tenant.plan;
    switch (config.cloud) {
        case Cloud.Gcp:
            return {
                key: `gcp/${config.gcp.project}/${config.region}/${config.clusterName}`,
                description: `GKE cluster '${config.clusterName}' in project ${config.gcp.project}, region ${config.region}`,
            };
        case Cloud.Aws:
            return { key: `aws/${config.region}/${config.clusterName}`, description: `EKS cluster '${config.clusterName}' in ${config.region}` };
        case Cloud.Existing: {
            const server = kubeconfig?.server ?? config.existing.kubeconfig;
            return { key: `existing/${server}`, description: `the cluster at ${server} (kubeconfig context ${kubeconfig?.context ?? "?"})` };
        }
    }
}

/** Tenants that claim the same cloud identity: one line per identity claimed more than once. */
export function findClashes(tenants: readonly PlannedTenant[], origin: string): string[] {
    const claims = new Map<string, { description: string; tenants: PlannedTenant[] }>();
    for (const tenant of tenants) {
        const { key, description } = cloudIdentity(tenant);
        const claim = claims.get(key) ?? { description, tenants: [] };
        claim.tenants.push(tenant);
        claims.set(key, claim);
    }
    const remedy: Readonly<Record<Cloud, string>> = {
        gcp: "give all but one another clusterName, region or gcp.project",
        aws: "give all but one another clusterName or region",
        existing: "each existing cluster belongs to one tenant",
    };
    return [...claims.values()]
        .filter((claim) => claim.tenants.length > 1)
        .map((claim) => {
            const names = claim.tenants.map((tenant) => `'${tenant.name}' (tenants[${tenant.index}])`);
            const listed = `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
            return `${origin}: tenants ${listed} all claim ${claim.description}; ${remedy[claim.tenants[0].plan.config.cloud]}`;
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
 * For fleets whose networks peer: every IPv4 range a tenant's cluster uses (GKE nodes, pods and
 * Services; the EKS VPC) must be apart from every other tenant's. IPv6 ranges are the cloud's to
 * allocate and are unique by construction; existing clusters' ranges are not known here.
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
    const network: Record<string, string> =
        config.cloud === Cloud.Gcp ? config.network : config.cloud === Cloud.Aws ? config.network : {};
    return Object.entries(network).map(([name, text]) => {
        const cidr = parseCidr(text, `network.${name}`);
        const start = cidr.address.toByteArray().reduce((value, byte) => value * 256 + byte, 0);
        return { tenant, key: `network.${name}`, text, start, end: start + 2 ** (32 - cidr.prefixLength) - 1 };
    });
}
