import { ROOT_PROJECT } from "../components/config/sources";
import { cloudModule, isCloud } from "../components/config/clouds";
import type { ConfigDocument } from "./tenants-file";

/** One Pulumi config entry of a tenant's stack. */
export interface StackConfigEntry {
    readonly value: string;
    /** Kept encrypted in the stack's config. */
    readonly secret: boolean;
}

/**
 * A tenant's Pulumi stack config: one `dualstack-istio:<key>` entry per top-level key, sections
 * and lists as JSON. That is exactly what the root program reads back (`readPulumiConfig`), so a
 * tenant's stack can also be run by hand with `pulumi up` from the project.
 *
 * A cloud's section is secret when that cloud says it carries credentials (the `existing`
 * section with a kubeconfig's content, not a path to one).
 */
export function stackConfigEntries(document: ConfigDocument): Record<string, StackConfigEntry> {
    const entries: Record<string, StackConfigEntry> = {};
    for (const key of Object.keys(document).sort()) {
        const value = document[key];
        entries[`${ROOT_PROJECT}:${key}`] = {
            value: typeof value === "string" ? value : JSON.stringify(value),
            secret: isCloud(key) && (cloudModule(key).sectionIsSecret?.(value) ?? false),
        };
    }
    return entries;
}
