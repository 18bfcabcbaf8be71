/**
 * The value at a key path of a plain document (a config document, a resource's properties), or
 * `undefined` where any step is missing. The path is its segments (`["gcp", "zones", "0"]`; list
 * positions as digits) or, where no key holds a dot, the same written dotted
 * (`vpcConfig.publicAccessCidrs`). Only own properties are followed, never the prototype's, and
 * nothing is read past the path (a policy's properties are proxies that throw on unknown values).
 */
export function valueAt(document: unknown, path: string | readonly string[]): unknown {
    let node = document;
    for (const segment of typeof path === "string" ? path.split(".") : path) {
        if (node === null || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, segment)) {
            return undefined;
        }
        node = (node as Record<string, unknown>)[segment];
    }
    return node;
}
