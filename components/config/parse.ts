import type * as z from "zod";
import { InputError } from "../errors";
import { valueAt } from "../key-path";
import { allConfigKeys, keySchemaAt } from "./keys";
import { nearestName } from "./nearest";
import type { AnyCloudModule, NodesConfig } from "../target/cloud-module";
import { type Cloud, CLOUD_NAMES, CLOUDS, cloudModule } from "./clouds";
import { stackConfigSchema, type IstioConfig, type StackConfigDocument } from "./schema";

/** The stack config of one registry cloud, with every default applied. */
type ModuleConfig<M> = M extends { plan(config: infer Config, today: Date): unknown } ? Config : never;

/**
 * A valid stack config with the defaults of its cloud applied: one member per cloud of the
 * registry, discriminated by `cloud`, each with its own section and the `istio.*` keys as written
 * (the installer applies its own documented defaults).
 */
export type StackConfig = { [Index in keyof typeof CLOUDS]: ModuleConfig<(typeof CLOUDS)[Index]> & { readonly istio: IstioConfig } }[number];

/**
 * Checks a stack config document (parsed YAML, JSON or Pulumi config) and applies defaults.
 * Throws the first problem as an {@link InputError} naming the key path, e.g.
 * `istio.gateway.enabled: expected true or false, got "yes"`.
 */
export function parseStackConfig(document: unknown): StackConfig {
    const result = stackConfigSchema.safeParse(document);
    if (!result.success) {
        throw issueToError(result.error.issues[0], document);
    }
    return resolveStackConfig(result.data);
}

/** Keys that describe a cluster to create, so a cluster that exists has no use for them. */
const KEYS_FOR_NEW_CLUSTERS = ["region", "network", "nodes"] as const;

/**
 * The top-level config keys a cloud does not take: the other clouds' sections and, for a cluster
 * that exists, the keys that describe a cluster to create. A fleet's shared defaults drop these
 * per tenant; a stack that sets them is refused.
 */
export function keysNotTakenBy(cloud: Cloud): readonly (keyof StackConfigDocument)[] {
    const otherSections = CLOUD_NAMES.filter((name) => name !== cloud);
    return cloudModule(cloud).newCluster ? otherSections : [...otherSections, ...KEYS_FOR_NEW_CLUSTERS];
}

/**
 * What every cloud's cluster name must be at least, because it names the stack's resources and
 * so is part of their URNs (`urn:pulumi:<stack>::<project>::<type>::<name>`), where `::`, `$`
 * and line breaks do not belong; each cloud adds its own rule.
 */
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function resolveStackConfig(document: StackConfigDocument): StackConfig {
    const { cloud } = document;
    if (!RESOURCE_NAME.test(document.clusterName)) {
        throw new InputError("clusterName", "expected 1 to 100 letters, digits, '-', '_' and '.', starting with a letter or digit (it names the stack's resources)");
    }
    for (const section of CLOUD_NAMES) {
        if (document[section] !== undefined && cloud !== section) {
            throw new InputError(section, `only allowed with cloud: ${section} (cloud is ${cloud})`);
        }
    }
    const module = cloudModule(cloud);
    const istio = document.istio ?? {};
    const keys = module.newCluster;
    if (keys === undefined) {
        for (const key of KEYS_FOR_NEW_CLUSTERS) {
            if (document[key] !== undefined) {
                throw new InputError(key, `not used with cloud: ${cloud}; the cluster already exists`);
            }
        }
        const section = cloudSection(module, document);
        if (document.kubernetesVersion === undefined) {
            throw new InputError("kubernetesVersion", `required with cloud: ${cloud}; give the cluster's version (\`kubectl version\`), e.g. 1.33`);
        }
        return { cloud, clusterName: document.clusterName, kubernetesVersion: document.kubernetesVersion, [cloud]: section, istio } as StackConfig;
    }

    if (document.region === undefined) {
        throw new InputError("region", `required with cloud: ${cloud}; e.g. ${keys.region.example}`);
    }
    const section = cloudSection(module, document);
    const network: Record<string, string> = Object.fromEntries(Object.entries(keys.network).map(([key, range]) => [key, range.default]));
    for (const [key, value] of Object.entries(document.network ?? {})) {
        if (value === undefined) {
            continue;
        }
        if (!(key in keys.network)) {
            throw new InputError(`network.${key}`, `not used with cloud: ${cloud}; ${keys.otherNetworkKeys}`);
        }
        network[key] = value;
    }
    const nodes: NodesConfig = { ...keys.nodes, ...document.nodes };
    return {
        cloud,
        clusterName: document.clusterName,
        region: document.region,
        kubernetesVersion: document.kubernetesVersion ?? keys.kubernetesVersion,
        nodes,
        istio,
        [cloud]: section,
        network,
    } as StackConfig;
}

/** The cloud's section as written, or its defaults; refused when it has a key without one. */
function cloudSection(module: AnyCloudModule, document: StackConfigDocument): unknown {
    const section = document[module.name as Cloud];
    if (section !== undefined) {
        return section;
    }
    if (module.requiredKey) {
        throw new InputError(`${module.name}.${module.requiredKey.key}`, `required with cloud: ${module.name}; ${module.requiredKey.hint}`);
    }
    return module.section.parse({});
}

function issueToError(issue: z.core.$ZodIssue, document: unknown): InputError {
    const path = issue.path.map(String);
    const field = formatKeyPath(issue.path) || "config";
    const given = valueAt(document, path);
    switch (issue.code) {
        case "unrecognized_keys": {
            const key = issue.keys[0];
            const keyPath = [...path, key];
            return new InputError(keyPath.join("."), unknownKeyHint(path, key));
        }
        case "invalid_type":
            if (given === undefined) {
                return new InputError(field, `required; ${expectation(path, issue.expected)}`);
            }
            return new InputError(
                field,
                `${expectation(path, issue.expected)}, got ${show(given)}${issue.expected === "string" && typeof given !== "object" ? "; quote it in YAML" : ""}`,
            );
        case "invalid_value":
            if (given === undefined) {
                return new InputError(field, `required; ${expectation(path, "enum")}`);
            }
            return new InputError(field, `${expectation(path, "enum")}, got ${show(given)}`);
        case "too_small":
            if (issue.origin === "string") {
                return new InputError(field, "must not be empty");
            }
            return new InputError(field, `must be ${String(issue.minimum)} or more, got ${show(given)}`);
        case "too_big":
            return new InputError(field, `must be ${String(issue.maximum)} or less, got ${show(given)}`);
        default:
            return new InputError(field, issue.message);
    }
}

function expectation(path: readonly string[], expected: string): string {
    const schema = keySchemaAt(path.filter((segment) => !/^\d+$/.test(segment)));
    const element = /^\d+$/.test(path[path.length - 1] ?? "") ? schema?.items : schema;
    if (element?.enum) {
        return `expected one of ${element.enum.join(", ")}`;
    }
    switch (expected) {
        case "boolean":
            return "expected true or false";
        case "int":
        case "number":
            return "expected a whole number";
        case "string":
            return "expected a string";
        case "array":
            return "expected a list";
        case "object":
            return path.length === 0 ? "expected a map of keys (cloud, clusterName, …)" : "expected a section (a map of keys)";
        default:
            return `expected ${expected}`;
    }
}

function unknownKeyHint(parentPath: readonly string[], key: string): string {
    const siblings = Object.keys(keySchemaAt(parentPath)?.properties ?? {});
    const prefix = parentPath.length ? `${parentPath.join(".")}.` : "";
    const best = nearestName(key, siblings);
    if (best !== undefined) {
        return `unknown key; did you mean ${prefix}${best}?`;
    }
    // A key put at the wrong level: `hub` at the top instead of `istio.hub`.
    const elsewhere = allConfigKeys().find((candidate) => candidate.path.split(".").pop()?.toLowerCase() === key.toLowerCase());
    if (elsewhere) {
        return `unknown key here; did you mean ${elsewhere.path}?`;
    }
    return `unknown key; allowed: ${siblings.join(", ")}`;
}

/** `existing.ipFamilies[1]`: dots between keys, brackets around list positions. */
function formatKeyPath(path: readonly PropertyKey[]): string {
    return path.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index ? "." : ""}${String(segment)}`)).join("");
}

function show(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "a list";
    }
    if (typeof value === "object") {
        return "a section";
    }
    return JSON.stringify(value);
}
