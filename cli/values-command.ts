import { today as currentDay } from "../components/clock";
import { stringify } from "yaml";
import { InputError, type InputWarning } from "../components/errors";
import { istioOperator } from "../components/istio/operator";
import { plannedServicePatches, type PlannedServicePatch, servicePatchSpec } from "../components/istio/plan";
import { type IstioSettings, IstioMode, type ResolvedIstioSettings, resolveIstioSettings } from "../components/istio/settings";
import { chartValues, IstioChart } from "../components/istio/values";
import type { IstioFlavor } from "../components/istio/versions";
import { type ClusterFacts, isDualStack, KubernetesPlatform, validateIpFamilies } from "../components/target/cluster-facts";

/** The chart names `--chart` accepts, in the order the help lists them. */
export const VALUES_CHARTS = [IstioChart.Istiod, IstioChart.Base, IstioChart.Gateway, IstioChart.Cni, IstioChart.Ztunnel] as const;
/** What `--format` accepts. */
export const VALUES_FORMATS = ["helm", "istio-operator"] as const;

/** The default Kubernetes version of `values`: the oldest minor the default Istio supports. */
export const DEFAULT_VALUES_KUBERNETES_VERSION = "1.32";

/** The flags of `dualstack-istio values`, as strings straight from the command line. */
export interface ValuesFlags {
    flavor?: string;
    istioVersion?: string;
    kubernetesVersion?: string;
    ipFamilies?: string;
    platform?: string;
    hub?: string;
    tag?: string;
    revision?: string;
    imagePullPolicy?: string;
    imagePullSecret?: string[];
    gatewayServiceType?: string;
    cni?: boolean;
    mode?: string;
    chart?: string;
    format?: string;
    /** Print one JSON document: the chart, the format, the values (or the IstioOperator) and the warnings. */
    json?: boolean;
}

/** Which flag carries each settings field, so that errors name what the user typed. */
const FLAG_FOR_FIELD: Readonly<Record<string, string>> = {
    flavor: "--flavor",
    version: "--istio-version",
    hub: "--hub",
    tag: "--tag",
    revision: "--revision",
    imagePullPolicy: "--image-pull-policy",
    imagePullSecrets: "--image-pull-secret",
    "gateway.serviceType": "--gateway-service-type",
    "target.kubernetesVersion": "--kubernetes-version",
    "target.ipFamilies": "--ip-families",
    "target.platform": "--platform",
    "cni.enabled": "--cni",
    // The gateway is on when its values (or the operator's) are asked for.
    "gateway.enabled": "--chart",
    mode: "--mode",
};

function flagFor(field: string): string {
    return FLAG_FOR_FIELD[field.replace(/\[\d+\]$/, "")] ?? field;
}

const PLATFORMS: readonly string[] = Object.values(KubernetesPlatform);

/** What the command prints: the document on stdout, warnings on stderr. */
export interface ValuesOutput {
    readonly document: string;
    readonly warnings: readonly string[];
}

/**
 * `dualstack-istio values`: one chart's Helm values (or the IstioOperator) for the given Istio and
 * cluster. Throws {@link InputError}s whose field is the flag to blame.
 */
export function valuesCommand(flags: ValuesFlags, today: Date = currentDay()): ValuesOutput {
    const chart = flags.chart ?? IstioChart.Istiod;
    if (!(VALUES_CHARTS as readonly string[]).includes(chart)) {
        throw new InputError("--chart", `'${chart}' is not a chart; allowed: ${VALUES_CHARTS.join(", ")}`);
    }
    const format = flags.format ?? "helm";
    if (!(VALUES_FORMATS as readonly string[]).includes(format)) {
        throw new InputError("--format", `'${format}' is not a format; allowed: ${VALUES_FORMATS.join(", ")}`);
    }
    if (chart === IstioChart.Ztunnel && flags.mode !== IstioMode.Ambient) {
        throw new InputError("--chart", "ztunnel is ambient mode's node proxy; add --mode ambient");
    }
    const resolved = resolveFromFlags(
        flags,
        {
            // Asking for the gateway's values, or the operator's, means planning with the gateway on.
            gateway: chart === IstioChart.Gateway || format === "istio-operator",
            cni: chart === IstioChart.Cni || flags.cni === true,
        },
        today,
    );
    const document = format === "istio-operator" ? istioOperator(resolved) : chartValues(chart as IstioChart, resolved);
    // istioctl patches through its overlays; a Helm user patches after installing, as the component does.
    const patches = format === "helm" ? plannedServicePatches(resolved).filter((patch) => patch.after === chart) : [];
    const warnings = [
        ...resolved.warnings.map((warning: InputWarning) => `${flagFor(warning.field)}: ${warning.message}`),
        ...patches.map((patch) => servicePatchWarning(patch, resolved)),
    ];
    if (flags.json === true) {
        // One document on stdout, the warnings inside it.
        return { document: `${JSON.stringify({ kind: "dualstack-istio/values", version: 1, chart, format, values: document, warnings }, null, 2)}\n`, warnings: [] };
    }
    // No anchors: values files are read by people and by Helm, not round-tripped.
    return { document: stringify(document, { lineWidth: 0, aliasDuplicateObjects: false }), warnings };
}

/**
 * The warning for a Service that the chart's values cannot make dual-stack, with the command that
 * does what the component's ServicePatch does.
 */
function servicePatchWarning(patch: PlannedServicePatch, resolved: ResolvedIstioSettings): string {
    const body = JSON.stringify({ spec: servicePatchSpec(patch) });
    return (
        `--chart: the ${patch.after} chart of Istio ${resolved.release.label} has no Service family keys, so Helm leaves Service ${patch.namespace}/${patch.name} single-stack; ` +
        `after helm install, run: kubectl patch service ${patch.name} -n ${patch.namespace} --type merge -p '${body}'`
    );
}

/**
 * The Istio settings and cluster facts the `values` flags describe, validated, with every error
 * naming the flag to blame. `enable` turns on the optional charts whose values are wanted.
 */
export function resolveFromFlags(flags: ValuesFlags, enable: { readonly gateway: boolean; readonly cni: boolean }, today?: Date): ResolvedIstioSettings {
    const platform = flags.platform ?? KubernetesPlatform.Generic;
    if (!PLATFORMS.includes(platform)) {
        throw new InputError("--platform", `'${platform}' is not a platform; allowed: ${PLATFORMS.join(", ")}`);
    }
    const ipFamilies = validateIpFamilies(
        (flags.ipFamilies ?? "IPv4,IPv6").split(",").map((family) => family.trim()),
        "--ip-families",
    );
    if (platform === KubernetesPlatform.Eks && isDualStack(ipFamilies)) {
        // The words of the EKS component's refusal (components/eks/plan.ts): one family per cluster.
        throw new InputError(
            "--ip-families",
            `[${ipFamilies.join(", ")}] with --platform eks: EKS cannot give pods and Services both families (a cluster is IPv4 or IPv6); give the cluster's one family, --ip-families IPv6 or IPv4`,
        );
    }
    const cluster: ClusterFacts = {
        ipFamilies,
        kubernetesVersion: flags.kubernetesVersion ?? DEFAULT_VALUES_KUBERNETES_VERSION,
        platform: platform as KubernetesPlatform,
    };
    const settings: IstioSettings = {
        flavor: flags.flavor as IstioFlavor | undefined,
        version: flags.istioVersion,
        hub: flags.hub,
        tag: flags.tag,
        revision: flags.revision,
        imagePullPolicy: flags.imagePullPolicy as IstioSettings["imagePullPolicy"],
        imagePullSecrets: flags.imagePullSecret,
        gateway: {
            enabled: enable.gateway,
            serviceType: flags.gatewayServiceType as NonNullable<IstioSettings["gateway"]>["serviceType"],
        },
        // Unasked, CNI takes the mode's default (on in ambient, which needs it).
        ...(enable.cni ? { cni: { enabled: true } } : {}),
        mode: flags.mode as IstioSettings["mode"],
    };
    try {
        return resolveIstioSettings(settings, cluster, today, flags.format === "istio-operator" ? "istioctl" : "helm");
    } catch (error) {
        throw error instanceof InputError ? error.relabel(flagFor(error.field)) : error;
    }
}
