import { distance } from "fastest-levenshtein";

/**
 * The candidate a mistyped name most likely meant (case-insensitive edit distance), or
 * `undefined` when none is close enough to suggest: within 2 edits, or a third of the name.
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const d = distance(name.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
