import { InputError } from "../errors";

/** The size of a node pool or node group: initial count and autoscaling bounds. */
export interface NodeCounts {
    readonly count: number;
    readonly minCount: number;
    readonly maxCount: number;
}

/**
 * Checks a node pool's counts under `nodes.*`: whole numbers, at least one node possible (Istio
 * needs somewhere to run; `runs` says what), and `minCount ≤ count ≤ maxCount`.
 */
export function checkNodeCounts(nodes: NodeCounts, runs: string): void {
    for (const key of ["count", "minCount", "maxCount"] as const) {
        if (!Number.isInteger(nodes[key]) || nodes[key] < 0) {
            throw new InputError(`nodes.${key}`, `${nodes[key]} is not a node count; expected a whole number, 0 or more`);
        }
    }
    if (nodes.maxCount < 1) {
        throw new InputError("nodes.maxCount", `must be 1 or more: ${runs} need nodes to run on`);
    }
    if (nodes.minCount > nodes.maxCount) {
        throw new InputError("nodes.minCount", `${nodes.minCount} is more than nodes.maxCount (${nodes.maxCount})`);
    }
    if (nodes.count < nodes.minCount || nodes.count > nodes.maxCount) {
        throw new InputError("nodes.count", `${nodes.count} is outside nodes.minCount..nodes.maxCount (${nodes.minCount}..${nodes.maxCount})`);
    }
}

/** `defaults` with every field `given` sets (an `undefined` field keeps its default). */
export function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
    const set = Object.entries(given ?? {}).filter(([, value]) => value !== undefined);
    return { ...defaults, ...Object.fromEntries(set) };
}
