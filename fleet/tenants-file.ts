import { dirname, resolve } from "node:path";
import { InputError } from "../components/errors";
import { INPUT_LIMITS, readInputFile } from "../components/input-files";
import { parseYamlInput } from "../components/yaml-input";
import { nearestName } from "../components/config/nearest";
import { typeConfigValues } from "../components/config/sources";

/** A config document (or part of one): YAML maps, lists and text, `null` for "unset". */
export type ConfigDocument = { [key: string]: unknown };

/** One entry of `tenants:` as written. */
export interface TenantEntry {
    /** Its position in `tenants:`, for messages (`tenants[2]`). */
    readonly index: number;
    /** The tenant's name: its Pulumi stack, its folder in plans and logs, its default `clusterName`. */
    readonly name: string;
    /** The entry's config keys (everything but `name`), typed by the stack config schema. */
    readonly overrides: ConfigDocument;
}

/** A tenants file, read and shape-checked; each tenant's config is checked by `planFleet`. */
export interface TenantsFile {
    /** The file as named on the command line, for messages. */
    readonly origin: string;
    /** The file's folder: relative paths in it (kubeconfigs, chart folders) are relative to it. */
    readonly directory: string;
    /** Refuse the fleet when two tenants' IPv4 ranges overlap (fleets whose networks peer). */
    readonly requireDisjointNetworks: boolean;
    /** Config keys every tenant starts from. */
    readonly defaults: ConfigDocument;
    readonly tenants: readonly TenantEntry[];
}

/** The tenants file's own top-level keys. */
export const TENANTS_FILE_KEYS = ["requireDisjointNetworks", "defaults", "tenants"] as const;

/**
 * A tenant name: a DNS-1123 label that starts with a letter and fits GKE's 40-character cluster
 * names, because it names the stack, a folder, an operator `Stack` and (by default) the cluster.
 */
const TENANT_NAME = /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** Reads a tenants file; problems are one-line {@link InputError}s naming the file and the key. */
export function readTenantsFile(path: string): TenantsFile {
    return parseTenantsFile(readInputFile(path, path, INPUT_LIMITS.tenants), path, dirname(resolve(path)));
}

/**
 * Parses a tenants file's text. `origin` names it in errors; `directory` anchors its relative
 * paths. Checks the file's own shape (keys, tenant names); each tenant's config is checked later,
 * against the stack config schema, once merged with the defaults.
 */
export function parseTenantsFile(content: string, origin: string, directory: string): TenantsFile {
    const document = parseYamlInput(content, { field: origin, plainNulls: true });
    if (!isMap(document)) {
        throw new InputError(origin, "expected a map with `tenants:` (a list of `name:` and config keys) and optionally `defaults:`");
    }
    if ("cloud" in document && !("tenants" in document)) {
        throw new InputError(origin, `is a stack config (it has cloud:), not a tenants file; plan it with: dualstack-istio plan --config ${origin}`);
    }
    for (const key of Object.keys(document)) {
        if (!(TENANTS_FILE_KEYS as readonly string[]).includes(key)) {
            throw new InputError(`${origin}: ${key}`, `unknown key${suggestion(key, TENANTS_FILE_KEYS)}; a tenants file has ${TENANTS_FILE_KEYS.join(", ")}`);
        }
    }
    const defaults = document.defaults ?? {};
    if (!isMap(defaults)) {
        throw new InputError(`${origin}: defaults`, "expected a map of config keys (cloud, istio, …) that every tenant starts from");
    }
    if ("name" in defaults) {
        throw new InputError(`${origin}: defaults.name`, "a tenant's name belongs in its own entry under `tenants:`, not in defaults");
    }
    return {
        origin,
        directory,
        requireDisjointNetworks: readBoolean(document.requireDisjointNetworks, `${origin}: requireDisjointNetworks`),
        defaults: typeConfigValues(defaults) as ConfigDocument,
        tenants: readTenantEntries(document.tenants, origin),
    };
}

function readTenantEntries(value: unknown, origin: string): TenantEntry[] {
    if (value === undefined || value === null) {
        throw new InputError(`${origin}: tenants`, "required: a list of tenants, each `- name: <tenant>` followed by its config keys");
    }
    if (!Array.isArray(value) || value.length === 0) {
        throw new InputError(`${origin}: tenants`, "expected a non-empty list of tenants, each `- name: <tenant>` followed by its config keys");
    }
    return value.map((entry: unknown, index) => {
        const where = `${origin}: tenants[${index}]`;
        if (!isMap(entry)) {
            throw new InputError(where, "expected a map: `name: <tenant>` and the tenant's config keys");
        }
        const { name, ...overrides } = entry;
        if (typeof name !== "string" || name === "") {
            throw new InputError(`${where}.name`, "required: the tenant's name, e.g. acme");
        }
        if (!TENANT_NAME.test(name)) {
            throw new InputError(`${where}.name`, `'${name}' is not a tenant name: use 1 to 40 lowercase letters, digits and '-', starting with a letter and not ending with '-'`);
        }
        return { index, name, overrides: typeConfigValues(overrides) as ConfigDocument };
    });
}

function readBoolean(value: unknown, field: string): boolean {
    if (value === undefined || value === null) {
        return false;
    }
    if (value === "true" || value === "false") {
        return value === "true";
    }
    throw new InputError(field, `expected true or false, got ${JSON.stringify(value)}`);
}

export function isMap(value: unknown): value is ConfigDocument {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function suggestion(key: string, known: readonly string[]): string {
    const nearest = nearestName(key, known);
    return nearest ? `; did you mean '${nearest}'?` : "";
}
