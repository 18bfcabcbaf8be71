import { today as currentDay } from "../components/clock";
import { stringify } from "yaml";
import { InputError, type InputWarning } from "../components/errors";
import { istioOperator } from "../components/istio/operator";
import { type IstioSettings, type ResolvedIstioSettings, resolveIstioSettings } from "../components/istio/settings";
import { chartValues, IstioChart } from "../components/istio/values";
import type { IstioFlavor } from "../components/istio/versions";
import { type ClusterFacts, type IpFamily, KubernetesPlatform } from "../components/target/cluster-facts";

/** The chart names `--chart` accepts, in the order the help lists them. */
export const VALUES_CHARTS = [IstioChart.Istiod, IstioChart.Base, IstioChart.Gateway, IstioChart.Cni] as const;
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
    chart?: string;
    format?: string;
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
    return {
        // No anchors: values files are read by people and by Helm, not round-tripped.
        document: stringify(document, { lineWidth: 0, aliasDuplicateObjects: false }),
        warnings: resolved.warnings.map((warning: InputWarning) => `${flagFor(warning.field)}: ${warning.message}`),
    };
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
    const cluster: ClusterFacts = {
        ipFamilies: (flags.ipFamilies ?? "IPv4,IPv6").split(",").map((family) => family.trim()) as IpFamily[],
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
        cni: { enabled: enable.cni },
    };
    try {
        return resolveIstioSettings(settings, cluster, today);
    } catch (error) {
        throw error instanceof InputError ? error.relabel(flagFor(error.field)) : error;
    }
}
