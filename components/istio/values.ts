import { isDualStack } from "../target/cluster-facts";
import { GatewayServiceType, IstioMode, type ResolvedIstioSettings } from "./settings";
import { activeHazards, type RemovedApiHazard } from "./versions";

/** The Istio charts this package installs. */
export const IstioChart = {
    Base: "base",
    Istiod: "istiod",
    Gateway: "gateway",
    Cni: "cni",
    Ztunnel: "ztunnel",
} as const;
export type IstioChart = (typeof IstioChart)[keyof typeof IstioChart];

/** Helm values: a JSON object. */
export type HelmValues = { [key: string]: unknown };

/** The namespace of the control plane, CNI and Istio's cluster-wide resources. */
export const ISTIO_NAMESPACE = "istio-system";
/** The ingress gateway's own namespace, as Istio's Helm guide recommends. */
export const GATEWAY_NAMESPACE = "istio-ingress";

// Every value is a string: the charts render env entries as `value: "{{ $val }}"`, and a boolean
// would reach Envoy as "true" by accident rather than by contract.
const ON = "true";

/** The release name of each chart; istiod's carries the revision so revisions can coexist. */
export function releaseName(chart: IstioChart, revision: string): string {
    switch (chart) {
        case IstioChart.Base:
            return "istio-base";
        case IstioChart.Istiod:
            return revision ? `istiod-${revision}` : "istiod";
        case IstioChart.Gateway:
            return "istio-ingressgateway";
        case IstioChart.Cni:
            return "istio-cni";
        case IstioChart.Ztunnel:
            return "ztunnel";
    }
}

/** What the dual-stack switches depend on: the families, the release and the mode (a policy knows no more). */
export type DualStackSwitchInputs = Pick<ResolvedIstioSettings, "ipFamilies" | "release" | "mode">;

/**
 * Environment of istiod that switches dual-stack on, and ambient mode: the ambient profile's
 * `PILOT_ENABLE_AMBIENT` (files/profile-ambient.yaml at 1.24.6 to 1.30.3), set on its own because
 * the profile would also switch every image to the distroless variant, which a `make docker`
 * build of your own does not produce by default.
 */
export function istiodEnv(settings: DualStackSwitchInputs): Record<string, string> {
    const env: Record<string, string> = {};
    if (isDualStack(settings.ipFamilies)) {
        env.ISTIO_DUAL_STACK = ON;
        if (settings.release.requiresEndpointSliceFlag) {
            // The branch's istiod refuses to start in dual-stack mode unless EndpointSlices are forced on.
            env.PILOT_USE_ENDPOINT_SLICE = ON;
        }
    }
    if (settings.mode === IstioMode.Ambient) {
        env.PILOT_ENABLE_AMBIENT = ON;
    }
    return env;
}

/**
 * Proxy environment (`meshConfig.defaultConfig.proxyMetadata`) that switches dual-stack on in
 * sidecars and gateways: every switch the release's proxy reads (both on 1.18.x).
 */
export function proxyMetadata(settings: DualStackSwitchInputs): Record<string, string> {
    const metadata: Record<string, string> = isDualStack(settings.ipFamilies) ? Object.fromEntries(settings.release.proxyDualStackFlags.map((flag) => [flag, ON])) : {};
    if (settings.mode === IstioMode.Ambient) {
        // The ambient profile's: gateways and waypoints speak HBONE to ztunnel.
        metadata.ISTIO_META_ENABLE_HBONE = ON;
    }
    return metadata;
}

/** The Service family fields for a dual-stack cluster, primary family first. */
function dualStackServiceFields(settings: ResolvedIstioSettings): HelmValues {
    return { ipFamilyPolicy: "RequireDualStack", ipFamilies: [...settings.ipFamilies] };
}

function hazardsFor(settings: ResolvedIstioSettings, chart: RemovedApiHazard["chart"]): RemovedApiHazard[] {
    return activeHazards(settings.release, settings.kubernetes).filter((hazard) => hazard.chart === chart);
}

/** Values for the `base` chart (CRDs and cluster-wide resources). */
export function baseValues(settings: ResolvedIstioSettings): HelmValues {
    const values: HelmValues = { global: { istioNamespace: ISTIO_NAMESPACE } };
    if (settings.revision) {
        // With only a revisioned istiod, the default validating webhook must point at it.
        values.defaultRevision = settings.revision;
    }
    return values;
}

/** Values for the `istiod` chart (istio-discovery). */
export function istiodValues(settings: ResolvedIstioSettings): HelmValues {
    const { release } = settings;
    const dualStack = isDualStack(settings.ipFamilies);
    // `pilot.*` is read by every chart version: natively before 1.24, through the chart's
    // zzy_descope_legacy.yaml alias from 1.24 on. One shape keeps one code path.
    const pilot: HelmValues = { hub: settings.hub, tag: settings.tag, env: istiodEnv(settings) };
    if (dualStack && release.istiodServiceFamilyKeys) {
        Object.assign(pilot, dualStackServiceFields(settings));
    }
    const global: HelmValues = {
        hub: settings.hub,
        tag: settings.tag,
        imagePullPolicy: settings.imagePullPolicy,
        imagePullSecrets: [...settings.imagePullSecrets],
        istioNamespace: ISTIO_NAMESPACE,
    };
    for (const hazard of hazardsFor(settings, "istiod")) {
        if (hazard.api.startsWith("policy/")) {
            global.defaultPodDisruptionBudget = { enabled: false };
        } else {
            // No autoscaling without a served HPA API: a fixed replica count instead.
            pilot.autoscaleEnabled = false;
            pilot.replicaCount = 1;
        }
    }
    if (settings.nativeNftables) {
        // Read by the injection template's init container (istio-init, or CNI's validation).
        global.nativeNftables = true;
    }
    const values: HelmValues = { pilot, global };
    const metadata = proxyMetadata(settings);
    if (Object.keys(metadata).length > 0) {
        values.meshConfig = { defaultConfig: { proxyMetadata: metadata } };
    }
    if (settings.mode === IstioMode.Ambient && release.ambientServiceScopes) {
        // The rest of the ambient profile's istiod settings, from 1.27.
        (values.meshConfig as HelmValues).serviceScopeConfigs = [
            { servicesSelector: { matchExpressions: [{ key: "istio.io/global", operator: "In", values: ["true"] }] }, scope: "GLOBAL" },
        ];
    }
    if (settings.revision) {
        values.revision = settings.revision;
    }
    if (settings.cni.enabled) {
        if (release.cniValuesKey === "pilot.cni") {
            pilot.cni = { enabled: true };
        } else {
            values.istio_cni = { enabled: true };
        }
    }
    return values;
}

/** Values for the `gateway` chart (the ingress gateway). */
export function gatewayValues(settings: ResolvedIstioSettings): HelmValues {
    const service: HelmValues = { type: settings.gateway.serviceType };
    if (isDualStack(settings.ipFamilies) && settings.release.gatewayServiceFamilyKeys) {
        Object.assign(service, dualStackServiceFields(settings));
    }
    if (settings.loadBalancer && settings.gateway.serviceType === GatewayServiceType.LoadBalancer && Object.keys(settings.loadBalancer.serviceAnnotations).length > 0) {
        // The platform's load balancer reaches clients of both families even where pods have one.
        service.annotations = { ...settings.loadBalancer.serviceAnnotations };
    }
    const values: HelmValues = { service };
    if (settings.revision) {
        values.revision = settings.revision;
    }
    if (settings.imagePullSecrets.length > 0) {
        // The gateway chart takes LocalObjectReferences, unlike istiod's list of names.
        values.imagePullSecrets = settings.imagePullSecrets.map((name) => ({ name }));
    }
    if (hazardsFor(settings, "gateway").length > 0) {
        values.autoscaling = { enabled: false };
    }
    return values;
}

/** Values for the `cni` chart (istio-cni). */
export function cniValues(settings: ResolvedIstioSettings): HelmValues {
    const values: HelmValues = {
        global: {
            hub: settings.hub,
            tag: settings.tag,
            imagePullPolicy: settings.imagePullPolicy,
            imagePullSecrets: [...settings.imagePullSecrets],
        },
    };
    if (settings.revision) {
        values.revision = settings.revision;
    }
    if (settings.nativeNftables) {
        // templates/configmap-cni.yaml: NATIVE_NFTABLES, read by the plugin and (1.28+) the ambient node agent.
        (values.global as HelmValues).nativeNftables = true;
    }
    const gke = cniGkeValues(settings);
    Object.assign(values.global as HelmValues, gke.global);
    const cni: HelmValues = { ...(gke.cni ?? {}) };
    if (settings.mode === IstioMode.Ambient) {
        // The ambient profile's `cni.ambient.enabled`; IPv6 rules only where the cluster has IPv6
        // (`ambient.ipv6` defaults to true at every tag from 1.23).
        cni.ambient = settings.ipFamilies.includes("IPv6") ? { enabled: true } : { enabled: true, ipv6: false };
    }
    if (Object.keys(cni).length > 0) {
        values.cni = cni;
    }
    return values;
}

/**
 * Values for the `ztunnel` chart (ambient mode). Its keys are top-level at every tag from 1.24;
 * pull secrets are a list of names, set on its ServiceAccount.
 */
export function ztunnelValues(settings: ResolvedIstioSettings): HelmValues {
    const values: HelmValues = { hub: settings.hub, tag: settings.tag, imagePullPolicy: settings.imagePullPolicy, imagePullSecrets: [...settings.imagePullSecrets] };
    if (settings.revision) {
        // ztunnel then asks istiod-<revision> for its certificates and configuration.
        values.revision = settings.revision;
    }
    if (!settings.ipFamilies.includes("IPv6")) {
        // ztunnel's own switch (IPV6_ENABLED, default true); the chart has no value for it.
        values.env = { IPV6_ENABLED: "false" };
    }
    if (settings.platform === "gke" && settings.release.cniPlatformProfileQuota) {
        // From 1.26 GKE's profile gives ztunnel's system-node-critical pods their own ResourceQuota;
        // before, istio-cni's quota (same namespace and priority class) admits them.
        values.global = { platform: "gke" };
    }
    return values;
}

// What GKE needs from the cni chart: `global.platform: gke` where the chart has platform profiles,
// the ResourceQuota wherever its profile does not set it, and the CNI binary directory always.
function cniGkeValues(settings: ResolvedIstioSettings): { global?: HelmValues; cni?: HelmValues } {
    if (settings.platform !== "gke") {
        return {};
    }
    const { release } = settings;
    const values: { global?: HelmValues; cni?: HelmValues } = {};
    if (release.cniPlatformProfiles) {
        values.global = { platform: "gke" };
    }
    // GKE keeps CNI binaries in /home/kubernetes/bin. Every chart, its GKE profile included (which
    // leaves cniBinDir "" on purpose, 1.25 to 1.30), finds that only from a server version
    // containing "-gke" (templates/daemonset.yaml), which an offline render (helm template, a
    // GitOps controller) does not have, and the branch not at all: e2e step 12 renders offline.
    const cni: HelmValues = { cniBinDir: "/home/kubernetes/bin" };
    if (!release.cniPlatformProfileQuota) {
        // GKE admits system-node-critical pods outside kube-system only under a ResourceQuota for
        // that priority class (the chart's templates/resourcequota.yaml; `cni.*` is read at every
        // release, through templates/zzy_descope_legacy.yaml from 1.25); the profile sets it from 1.26.
        cni.resourceQuotas = { enabled: true };
    }
    values.cni = cni;
    return values;
}

/** Values for one chart. */
export function chartValues(chart: IstioChart, settings: ResolvedIstioSettings): HelmValues {
    switch (chart) {
        case IstioChart.Base:
            return baseValues(settings);
        case IstioChart.Istiod:
            return istiodValues(settings);
        case IstioChart.Gateway:
            return gatewayValues(settings);
        case IstioChart.Cni:
            return cniValues(settings);
        case IstioChart.Ztunnel:
            return ztunnelValues(settings);
    }
}
