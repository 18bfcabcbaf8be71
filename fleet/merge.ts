import { isCloud } from "../components/config/clouds";
import { anchorPathKeys } from "../components/config/paths";
import { keysNotTakenBy } from "../components/config/parse";
import { isMap, type ConfigDocument, type TenantEntry, type TenantsFile } from "./tenants-file";

/**
 * A tenant's stack config as written: the file's defaults with the tenant's keys laid over them.
 *
 * - Maps merge key by key, at every depth; a list or a value replaces the default whole.
 * - `null` (`key: null`, `key: ~` or `key:`) in a tenant removes the default, so the schema's
 *   own default applies again.
 * - Defaults the tenant's cloud does not take (another cloud's section; `region`, `network`
 *   and `nodes` for an existing cluster) are left out, so one defaults block can serve a
 *   fleet across clouds. Keys a tenant writes itself are never left out: the schema judges them.
 * - `clusterName` defaults to the tenant's name.
 * - Paths (`existing.kubeconfig`, `istio.chartsDir`) are made absolute: `~` is the home folder,
 *   and a relative path is relative to the tenants file's folder, so the fleet means the same
 *   wherever it is run from.
 */
export function mergeTenantConfig(file: TenantsFile, tenant: TenantEntry): ConfigDocument {
    const cloud = tenant.overrides.cloud ?? file.defaults.cloud;
    const defaults = { ...file.defaults };
    if (isCloud(cloud)) {
        for (const key of keysNotTakenBy(cloud)) {
            delete defaults[key];
        }
    }
    const merged = withoutNulls(deepMerge(defaults, tenant.overrides));
    merged.clusterName ??= tenant.name;
    anchorPathKeys(merged, file.directory);
    return merged;
}

/** `overrides` laid over `base`: maps merge recursively; anything else replaces. Inputs are not changed. */
export function deepMerge(base: ConfigDocument, overrides: ConfigDocument): ConfigDocument {
    const result: ConfigDocument = structuredClone(base);
    for (const [key, value] of Object.entries(overrides)) {
        const current = result[key];
        result[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : structuredClone(value);
    }
    return result;
}

function withoutNulls(document: ConfigDocument): ConfigDocument {
    const result: ConfigDocument = {};
    for (const [key, value] of Object.entries(document)) {
        if (value !== null) {
            result[key] = isMap(value) ? withoutNulls(value) : value;
        }
    }
    return result;
}
