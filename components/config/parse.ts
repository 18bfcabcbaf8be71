import type * as z from "zod";
import { InputError } from "../errors";
import { allConfigKeys, keySchemaAt } from "./keys";
import { nearestName } from "./nearest";
import { AWS_SECTION_DEFAULTS, CLOUD_DEFAULTS, Cloud, stackConfigSchema, type IstioConfig, type StackConfigDocument } from "./schema";

type Sections = Required<StackConfigDocument>;

interface CommonStackConfig {
    readonly clusterName: string;
    readonly kubernetesVersion: string;
    /** The `istio.*` keys as written; the installer applies its own documented defaults. */
    readonly istio: IstioConfig;
}

/** A `cloud: gcp` stack, with every default applied. */
export interface GcpStackConfig extends CommonStackConfig {
    readonly cloud: typeof Cloud.Gcp;
    readonly region: string;
    readonly gcp: Sections["gcp"];
    readonly network: { readonly ipv4Cidr: string; readonly podIpv4Cidr: string; readonly serviceIpv4Cidr: string };
    readonly nodes: NodesConfig;
}

/** A `cloud: aws` stack, with every default applied. */
export interface AwsStackConfig extends CommonStackConfig {
    readonly cloud: typeof Cloud.Aws;
    readonly region: string;
    readonly aws: Sections["aws"];
    readonly network: { readonly ipv4Cidr: string };
    readonly nodes: NodesConfig;
}

/** A `cloud: existing` stack, with every default applied. */
export interface ExistingStackConfig extends CommonStackConfig {
    readonly cloud: typeof Cloud.Existing;
    readonly existing: Sections["existing"];
}

/** The node pool, with every default applied. */
export interface NodesConfig {
    readonly count: number;
    readonly minCount: number;
    readonly maxCount: number;
    readonly machineType: string;
}

/** A valid stack config with the defaults of its cloud applied. */
export type StackConfig = GcpStackConfig | AwsStackConfig | ExistingStackConfig;

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

const SECTION_FOR_CLOUD = { gcp: Cloud.Gcp, aws: Cloud.Aws, existing: Cloud.Existing } as const;
/** Keys that describe a cluster to create, so an existing cluster has no use for them. */
const KEYS_FOR_NEW_CLUSTERS = ["region", "network", "nodes"] as const;

/**
 * The top-level config keys a cloud does not take: the other clouds' sections and, for an
 * existing cluster, the keys that describe a cluster to create. A fleet's shared defaults drop
 * these per tenant; a stack that sets them is refused.
 */
export function keysNotTakenBy(cloud: Cloud): readonly (keyof StackConfigDocument)[] {
    const otherSections = (Object.keys(SECTION_FOR_CLOUD) as (keyof typeof SECTION_FOR_CLOUD)[]).filter((section) => SECTION_FOR_CLOUD[section] !== cloud);
    return cloud === Cloud.Existing ? [...otherSections, ...KEYS_FOR_NEW_CLUSTERS] : otherSections;
}

function resolveStackConfig(document: StackConfigDocument): StackConfig {
    const { cloud } = document;
    for (const [section, owner] of Object.entries(SECTION_FOR_CLOUD)) {
        if (document[section as keyof typeof SECTION_FOR_CLOUD] !== undefined && cloud !== owner) {
            throw new InputError(section, `only allowed with cloud: ${owner} (cloud is ${cloud})`);
        }
    }
    const istio = document.istio ?? {};
    if (cloud === Cloud.Existing) {
        for (const key of KEYS_FOR_NEW_CLUSTERS) {
            if (document[key] !== undefined) {
                throw new InputError(key, "not used with cloud: existing; the cluster already exists");
            }
        }
        if (document.existing === undefined) {
            throw new InputError("existing.kubeconfig", "required with cloud: existing; give a kubeconfig file path or its content");
        }
        if (document.kubernetesVersion === undefined) {
            throw new InputError(
                "kubernetesVersion",
                "required with cloud: existing; give the cluster's version (`kubectl version`), e.g. 1.33",
            );
        }
        return {
            cloud,
            clusterName: document.clusterName,
            kubernetesVersion: document.kubernetesVersion,
            existing: document.existing,
            istio,
        };
    }

    if (document.region === undefined) {
        throw new InputError("region", `required with cloud: ${cloud}; e.g. ${cloud === Cloud.Gcp ? "europe-west4" : "eu-west-1"}`);
    }
    const defaults = CLOUD_DEFAULTS[cloud];
    const nodes: NodesConfig = { ...defaults.nodes, ...document.nodes };
    const common = {
        clusterName: document.clusterName,
        region: document.region,
        kubernetesVersion: document.kubernetesVersion ?? defaults.kubernetesVersion,
        nodes,
        istio,
    };
    if (cloud === Cloud.Gcp) {
        if (document.gcp === undefined) {
            throw new InputError("gcp.project", "required with cloud: gcp; give the project ID to create the cluster in");
        }
        return {
            cloud,
            ...common,
            gcp: document.gcp,
            network: { ...CLOUD_DEFAULTS.gcp.network, ...document.network },
        };
    }
    for (const key of ["podIpv4Cidr", "serviceIpv4Cidr"] as const) {
        if (document.network?.[key] !== undefined) {
            throw new InputError(
                `network.${key}`,
                "not used with cloud: aws; EKS pods and Services are IPv6 and take their addresses from AWS",
            );
        }
    }
    return {
        cloud,
        ...common,
        aws: document.aws ?? AWS_SECTION_DEFAULTS,
        network: { ipv4Cidr: document.network?.ipv4Cidr ?? CLOUD_DEFAULTS.aws.network.ipv4Cidr },
    };
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

/**
 * The value at a key path of a config document (`["gcp", "zones", "0"]`; list positions as
 * digits), or `undefined` when the path does not exist.
 */
export function valueAt(document: unknown, path: readonly string[]): unknown {
    let node = document;
    for (const segment of path) {
        if (node === null || typeof node !== "object") {
            return undefined;
        }
        node = (node as Record<string, unknown>)[segment];
    }
    return node;
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
