import { resolveInputPath } from "../input-files";
import { CLOUDS } from "./clouds";

/** Config keys that hold a path on the deploying machine (each cloud's and Istio's), with how to tell an inline value from a path. */
const PATH_KEYS: readonly { readonly section: string; readonly key: string; readonly isInline?: (value: string) => boolean }[] = [
    ...CLOUDS.flatMap((cloud) => (cloud.pathKeys ?? []).map((key) => ({ section: cloud.name, key, isInline: cloud.isInlineValue }))),
    { section: "istio", key: "chartsDir" },
];

/**
 * Makes every path key of a config document absolute (in place): `~` is the home folder, and a
 * relative path is relative to `directory`, the folder of the file that holds it (a `--config`
 * file, a tenants file) or the working directory (`--set`, `pulumi up`'s stack config). So a file
 * means the same wherever it is used from. Inline values (a kubeconfig's content) stay as given.
 */
export function anchorPathKeys(document: Record<string, unknown>, directory: string): void {
    for (const { section, key, isInline } of PATH_KEYS) {
        const parent = document[section];
        if (parent === null || typeof parent !== "object" || Array.isArray(parent)) {
            continue;
        }
        const value = (parent as Record<string, unknown>)[key];
        if (typeof value === "string" && value !== "" && !isInline?.(value)) {
            (parent as Record<string, unknown>)[key] = resolveInputPath(value, directory);
        }
    }
}
