import { createHash } from "node:crypto";

/** A resource as the engine sees it when asked for its outputs. */
export interface SynthesisRequest {
    readonly type: string;
    readonly name: string;
    /** Inputs as the SDK deserialised them (secrets still wrapped). */
    readonly inputs: Record<string, unknown>;
}

/** The id and output properties a real provider would report for a resource. */
export interface Synthesized {
    readonly id: string;
    /** Properties added to (or overriding) the echoed inputs. */
    readonly outputs: Record<string, unknown>;
}

/**
 * Computes the outputs of one resource type. Outputs must be realistic (a value a provider could
 * return, from documentation ranges where addresses are involved: `2001:db8::/56`,
 * `203.0.113.0/24`) and deterministic (the same inputs always give the same outputs), so that
 * inputs derived from them show concrete, repeatable values in a plan.
 */
export type Synthesizer = (request: SynthesisRequest) => Synthesized;

/** Answers one invoke (data source) token with a deterministic result. */
export type InvokeAnswer = (inputs: Record<string, unknown>) => Record<string, unknown>;

/** A stable pseudo-UUID derived from `seed`, for uids and ids that must not change between runs. */
export function stableUuid(seed: string): string {
    const hex = createHash("sha256").update(seed).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The name a cloud resource gets: its `name` input, or what Pulumi's auto-naming would produce,
 * the logical name plus a stable 7-character suffix.
 */
export function autoName({ type, name, inputs }: SynthesisRequest): string {
    return typeof inputs.name === "string" ? inputs.name : `${name}-${stableUuid(`${type}::${name}`).slice(0, 7)}`;
}

interface KubernetesMetadata {
    name?: string;
    namespace?: string;
}

function metadataOf(inputs: Record<string, unknown>): KubernetesMetadata {
    const metadata: unknown = inputs.metadata;
    return typeof metadata === "object" && metadata !== null ? metadata : {};
}

/** Kubernetes objects: id `namespace/name`, a uid and a resource version. */
const kubernetesObject: Synthesizer = ({ type, name, inputs }) => {
    const metadata = metadataOf(inputs);
    const objectName = metadata.name ?? name;
    const id = metadata.namespace ? `${metadata.namespace}/${objectName}` : objectName;
    return {
        id,
        outputs: {
            metadata: { ...metadata, name: objectName, uid: stableUuid(`${type}/${id}`), resourceVersion: "1" },
        },
    };
};

const namespace: Synthesizer = (request) => {
    const object = kubernetesObject(request);
    return { id: object.id, outputs: { ...object.outputs, status: { phase: "Active" } } };
};

/** A Helm release as the provider reports it after a successful install. */
const helmRelease: Synthesizer = ({ name, inputs }) => {
    const releaseName = (inputs.name as string | undefined) ?? name;
    const releaseNamespace = (inputs.namespace as string | undefined) ?? "default";
    const chart = typeof inputs.chart === "string" ? inputs.chart : "";
    const version = (inputs.version as string | undefined) ?? "1.0.0";
    return {
        id: `${releaseNamespace}/${releaseName}`,
        outputs: {
            status: {
                name: releaseName,
                namespace: releaseNamespace,
                chart: chart.split("/").pop(),
                version,
                appVersion: version,
                revision: 1,
                status: "deployed",
            },
        },
    };
};

/** The synthesizers every offline run starts with; later cloud folders add their own types. */
export const DEFAULT_SYNTHESIZERS: Readonly<Record<string, Synthesizer>> = {
    "kubernetes:core/v1:Namespace": namespace,
    "kubernetes:core/v1:ServicePatch": kubernetesObject,
    "kubernetes:helm.sh/v3:Release": helmRelease,
};

/** Outputs for a type without a synthesizer: the inputs echoed back, under a stable id. */
export function fallbackSynthesis({ type, name }: SynthesisRequest): Synthesized {
    if (type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm")) {
        return { id: name, outputs: {} };
    }
    return { id: `${name}-${stableUuid(`${type}::${name}`).slice(0, 8)}`, outputs: {} };
}
