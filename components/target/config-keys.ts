import { InputError, type InputWarning } from "../errors";

/**
 * Where each of a component's arguments lives in the stack config: by the whole field, else by
 * its first segment (`zones` → `gcp.zones`, so `zones[1]` → `gcp.zones[1]`). `"*"` prefixes any
 * field not listed; `""` drops the segment (`target.ipFamilies` → `ipFamilies`).
 */
export type ConfigKeyMap = Readonly<Record<string, string>>;

/** The config key of a component argument's field: `zones[1]` → `gcp.zones[1]`. */
export function configKey(field: string, keys: ConfigKeyMap): string {
    if (keys[field]) {
        return keys[field];
    }
    const head = /^[^.[]+/.exec(field)?.[0] ?? field;
    const rest = field.slice(head.length);
    const mapped = keys[head];
    if (mapped !== undefined) {
        return mapped === "" ? rest.replace(/^\./, "") : `${mapped}${rest}`;
    }
    return keys["*"] ? `${keys["*"]}.${field}` : field;
}

/** Runs a component's planner, naming the config key in any {@link InputError} it throws. */
export function withConfigKeys<T>(keys: ConfigKeyMap, plan: () => T): T {
    try {
        return plan();
    } catch (error) {
        if (error instanceof InputError) {
            throw error.relabel(configKey(error.field, keys));
        }
        throw error;
    }
}

/** A component's warnings, each naming its config key. */
export function relabelWarnings(warnings: readonly InputWarning[], keys: ConfigKeyMap): InputWarning[] {
    return warnings.map((warning) => ({ field: configKey(warning.field, keys), message: warning.message }));
}
