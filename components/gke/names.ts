import { nameWithin, PULUMI_AUTONAME_SUFFIX_LENGTH } from "../target/names";

/** The longest names Google Cloud takes for what this component names. */
export const GCP_NAME_LIMITS = {
    /** Compute Engine resources (networks, subnets, firewall rules, routers, NATs): RFC 1035, at most 63 (https://cloud.google.com/compute/docs/naming-resources). */
    compute: 63,
    /** GKE node pools: at most 40 (the GKE API refuses longer; hashicorp/terraform-provider-google issues on google_container_node_pool.name). */
    nodePool: 40,
    /** Service account IDs: 6 to 30 (https://cloud.google.com/iam/docs/service-accounts-create#creating). */
    serviceAccountId: 30,
} as const;

/**
 * The `name` to give a resource whose autoname (`logical` plus Pulumi's suffix) would pass
 * `limit`: cut, with a digest of all of it (see {@link nameWithin}). `undefined` where the
 * autoname fits, so those names stay as Pulumi makes them.
 */
export function fittedName(logical: string, limit: number): string | undefined {
    return logical.length + PULUMI_AUTONAME_SUFFIX_LENGTH <= limit ? undefined : nameWithin(logical, limit, 7);
}

/**
 * The node service account's ID: a project-wide name, one per cluster name. Names up to 24
 * characters keep the form they always had (`<clusterName>-nodes`); longer ones are cut and
 * carry a digest of the whole name, so two long names never meet (they used to, when their
 * first 24 characters matched). Clusters of one name in two regions of one project would share
 * it: the fleet's clash check reports them.
 */
export function nodeServiceAccountId(clusterName: string): string {
    const suffix = "-nodes";
    // The digest goes before `-nodes`, so every account still reads as a cluster's nodes.
    return `${nameWithin(clusterName, GCP_NAME_LIMITS.serviceAccountId - suffix.length, 6)}${suffix}`;
}
