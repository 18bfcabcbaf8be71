import { createHash } from "node:crypto";

/**
 * What Pulumi's autonaming adds to a resource's logical name when no `name` is given: `-` and 7
 * random hex characters (pulumi-terraform-bridge's default autoname, which the GCP provider uses).
 */
export const AUTONAME_SUFFIX_LENGTH = 8;

/** The longest names Google Cloud takes for what this component names. */
export const GCP_NAME_LIMITS = {
    /** Compute Engine resources (networks, subnets, firewall rules, routers, NATs): RFC 1035, at most 63 (https://cloud.google.com/compute/docs/naming-resources). */
    compute: 63,
    /** GKE node pools: at most 40 (the GKE API refuses longer; hashicorp/terraform-provider-google issues on google_container_node_pool.name). */
    nodePool: 40,
    /** Service account IDs: 6 to 30 (https://cloud.google.com/iam/docs/service-accounts-create#creating). */
    serviceAccountId: 30,
} as const;

/** A short, stable digest of a name, so two long names cut to the same start stay apart. */
function digest(text: string, length: number): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * The `name` to give a resource whose autoname (`logical` plus {@link AUTONAME_SUFFIX_LENGTH})
 * would pass `limit`: the start of `logical` and a digest of all of it, fixed for the same
 * logical name. `undefined` where the autoname fits, so those names stay as Pulumi makes them.
 */
export function fittedName(logical: string, limit: number): string | undefined {
    if (logical.length + AUTONAME_SUFFIX_LENGTH <= limit) {
        return undefined;
    }
    const tail = `-${digest(logical, 7)}`;
    return `${logical.slice(0, limit - tail.length).replace(/-+$/, "")}${tail}`;
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
    const plain = `${clusterName}${suffix}`;
    if (plain.length <= GCP_NAME_LIMITS.serviceAccountId) {
        return plain;
    }
    const tail = `-${digest(clusterName, 6)}${suffix}`;
    return `${clusterName.slice(0, GCP_NAME_LIMITS.serviceAccountId - tail.length).replace(/-+$/, "")}${tail}`;
}
