import { InputError } from "../errors";
import { checkKeySegment, checkPlainData, parseYamlInput } from "../yaml-input";
import { CLOUDS } from "./clouds";
import { keySchemaAt, type KeySchema } from "./keys";

/**
 * The Pulumi project name of the root program: its stack config keys are `dualstack-istio:<key>`.
 */
export const ROOT_PROJECT = "dualstack-istio";

/** Config namespaces of providers a stack file may also hold (each cloud's plugins, Kubernetes, Pulumi's own); they are not ours to check. */
const PROVIDER_NAMESPACES = new Set([...CLOUDS.flatMap((cloud) => cloud.plugins), "kubernetes", "pulumi"]);

type Document = { [key: string]: unknown };

/**
 * Reads a config file: either the stack config itself (`cloud: gcp`, `istio: {...}`) or a
 * Pulumi stack file (`config: {dualstack-istio:cloud: gcp, ...}`), so `plan --config
 * Pulumi.dev.yaml` plans exactly what `pulumi up` on that stack would deploy.
 *
 * Every scalar is read as text and then typed by the schema, so `kubernetesVersion: 1.30` stays
 * `"1.30"` (YAML would make it the number 1.3) and `enabled: true` is a boolean.
 * `origin` names the file in errors.
 */
export function readConfigText(content: string, origin: string): Document {
    const document = parseYamlInput(content, { field: origin });
    if (document === null || document === undefined) {
        return {};
    }
    if (typeof document !== "object" || Array.isArray(document)) {
        throw new InputError(origin, "expected a map of config keys (cloud, clusterName, …)");
    }
    const map = document as Document;
    refuseOtherFileKinds(map, origin);
    const isStackFile =
        Object.keys(map).length > 0 && Object.keys(map).every((key) => ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"].includes(key));
    return typeConfigValues(isStackFile ? unwrapStackFile(map.config, origin) : map, []) as Document;
}

/** A tenants file or a Pulumi project file given as a stack config: refused with the command or file that fits. */
function refuseOtherFileKinds(map: Document, origin: string): void {
    if ("tenants" in map) {
        throw new InputError(origin, `is a tenants file (it has tenants:), not a stack config; plan its tenants with: dualstack-istio fleet plan ${origin}`);
    }
    if ("name" in map && "runtime" in map) {
        throw new InputError(
            origin,
            `is a Pulumi project file (name:, runtime:), not a stack config; give a Pulumi.<stack>.yaml of the project, or a stack config such as ${CLOUDS.map((cloud) => cloud.exampleConfig).join(", ")}`,
        );
    }
}

function unwrapStackFile(config: unknown, origin: string): Document {
    if (config === undefined || config === null) {
        return {};
    }
    if (typeof config !== "object" || Array.isArray(config)) {
        throw new InputError(`${origin}: config`, "expected a map of `project:key` entries");
    }
    const document: Document = {};
    for (const [namespaced, value] of Object.entries(config as Document)) {
        const separator = namespaced.indexOf(":");
        const namespace = separator < 0 ? ROOT_PROJECT : namespaced.slice(0, separator);
        const key = namespaced.slice(separator + 1);
        checkKeySegment(key, `${origin}: config.${namespaced}`);
        if (namespace !== ROOT_PROJECT) {
            if (PROVIDER_NAMESPACES.has(namespace)) {
                continue;
            }
            throw new InputError(namespaced, `belongs to project '${namespace}', not ${ROOT_PROJECT}; use ${ROOT_PROJECT}:${key}`);
        }
        if (value !== null && typeof value === "object" && "secure" in value) {
            throw new InputError(key, "is encrypted (secure:); the plan cannot decrypt it, so give the value in plain text or with --set");
        }
        document[key] = value;
    }
    return document;
}

/**
 * Builds the stack config from Pulumi's config entries (`project:key` → text, sections as JSON),
 * as the root program receives them.
 */
export function readPulumiConfig(entries: Readonly<Record<string, string>>, project: string = ROOT_PROJECT): Document {
    const document: Document = {};
    for (const [namespaced, raw] of Object.entries(entries)) {
        if (!namespaced.startsWith(`${project}:`)) {
            continue;
        }
        const key = namespaced.slice(project.length + 1);
        checkKeySegment(key, namespaced);
        const schema = keySchemaAt([key]);
        if (schema?.type === "object" || schema?.type === "array") {
            document[key] = parseJsonValue(raw);
            checkPlainData(document[key], namespaced);
        } else {
            document[key] = raw;
        }
    }
    return typeConfigValues(document, []) as Document;
}

function parseJsonValue(raw: string): unknown {
    try {
        return JSON.parse(raw) as unknown;
    } catch {
        // A list given as `a,b` on the command line (`pulumi config set`) rather than as YAML.
        return raw;
    }
}

/**
 * Applies `--set key.path=value` overrides to a config document. The value is typed by the key's
 * schema: `true`/`false` for booleans, digits for whole numbers, `a,b` or `[a, b]` for lists.
 */
export function applyOverrides(document: Document, overrides: readonly string[]): Document {
    const result = structuredClone(document);
    for (const override of overrides) {
        const separator = override.indexOf("=");
        if (separator <= 0) {
            throw new InputError("--set", `'${override}' is not key.path=value, e.g. istio.gateway.enabled=true`);
        }
        const path = override.slice(0, separator).split(".");
        if (path.some((segment) => segment === "")) {
            throw new InputError("--set", `'${override.slice(0, separator)}' is not a key path, e.g. istio.gateway.enabled`);
        }
        path.forEach((segment) => checkKeySegment(segment, "--set"));
        let node: Document = result;
        for (const [index, segment] of path.slice(0, -1).entries()) {
            // Own keys only: `toString` is not a section of a config.
            const next = Object.hasOwn(node, segment) ? node[segment] : undefined;
            if (next === undefined) {
                node[segment] = {};
            } else if (next === null || typeof next !== "object" || Array.isArray(next)) {
                throw new InputError(path.slice(0, index + 1).join("."), `is not a section, so --set ${path.join(".")} cannot go inside it`);
            }
            node = node[segment] as Document;
        }
        node[path[path.length - 1]] = typeText(override.slice(separator + 1), keySchemaAt(path));
    }
    return result;
}

/** Types every text value of a config document (or a part of one at `path`) by the schema. */
export function typeConfigValues(value: unknown, path: readonly string[] = []): unknown {
    if (typeof value === "string") {
        return typeText(value, keySchemaAt(path));
    }
    if (Array.isArray(value)) {
        return (value as unknown[]).map((item) => (typeof item === "string" ? typeText(item, keySchemaAt(path)?.items) : item));
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, typeConfigValues(child, [...path, key])]));
    }
    return value;
}

function typeText(text: string, schema: KeySchema | undefined): unknown {
    switch (schema?.type) {
        case "boolean":
            return text === "true" ? true : text === "false" ? false : text;
        case "integer":
        case "number":
            return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
        case "array": {
            const trimmed = text.trim();
            const items = trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.slice(1, -1) : trimmed;
            return items
                .split(",")
                .map((item) => item.trim())
                .filter((item) => item !== "")
                .map((item) => typeText(item, schema.items));
        }
        default:
            return text;
    }
}
