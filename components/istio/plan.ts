import type { InputWarning } from "../errors";
import type { ClusterFacts, IpFamily } from "../target/cluster-facts";
import { isDualStack } from "../target/cluster-facts";
import { chartReference, checkChartsDirectory, type ChartReference } from "./charts";
import { type ChartSource, GatewayServiceType, IstioMode, type IstioSettings, type ResolvedIstioSettings, resolveChartSource, resolveIstioSettings } from "./settings";
import { planVerification, type PlannedVerification } from "./verify";
import { chartValues, GATEWAY_NAMESPACE, type HelmValues, ISTIO_NAMESPACE, IstioChart, releaseName } from "./values";

/** One Helm Release to install. */
export interface PlannedRelease {
    readonly chart: IstioChart;
    readonly releaseName: string;
    readonly namespace: string;
    readonly source: ChartReference;
    readonly values: HelmValues;
    readonly timeoutSeconds: number;
    /** The releases this one waits for. */
    readonly after: readonly IstioChart[];
    /** Whether it schedules pods, and so waits for the cluster to be ready for workloads. */
    readonly needsWorkloads: boolean;
    /** Whether it creates a LoadBalancer Service, and so waits for the cluster's load-balancer controller. */
    readonly needsLoadBalancers: boolean;
}

/**
 * A Service whose chart cannot make it dual-stack (istiod before 1.20, gateway before 1.19.1,
 * the branch): it is patched to `RequireDualStack` once its release is installed.
 */
export interface PlannedServicePatch {
    readonly name: string;
    readonly namespace: string;
    readonly ipFamilies: readonly IpFamily[];
    readonly after: IstioChart;
}

/** The Service fields a {@link PlannedServicePatch} sets, in the cluster's family order. */
export function servicePatchSpec(patch: PlannedServicePatch): { readonly ipFamilyPolicy: "RequireDualStack"; readonly ipFamilies: IpFamily[] } {
    return { ipFamilyPolicy: "RequireDualStack", ipFamilies: [...patch.ipFamilies] };
}

/**
 * The Services whose charts cannot make them dual-stack at this release (no family keys), to be
 * patched after their release installs; none on a single-stack cluster.
 */
export function plannedServicePatches(resolved: ResolvedIstioSettings): PlannedServicePatch[] {
    const servicePatches: PlannedServicePatch[] = [];
    if (isDualStack(resolved.ipFamilies)) {
        if (!resolved.release.istiodServiceFamilyKeys) {
            servicePatches.push({
                name: releaseName(IstioChart.Istiod, resolved.revision),
                namespace: ISTIO_NAMESPACE,
                ipFamilies: resolved.ipFamilies,
                after: IstioChart.Istiod,
            });
        }
        if (resolved.gateway.enabled && !resolved.release.gatewayServiceFamilyKeys) {
            servicePatches.push({
                name: releaseName(IstioChart.Gateway, resolved.revision),
                namespace: GATEWAY_NAMESPACE,
                ipFamilies: resolved.ipFamilies,
                after: IstioChart.Gateway,
            });
        }
    }
    return servicePatches;
}

/** A namespace the installation creates. */
export interface PlannedNamespace {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
}

/** Everything to install, derived from settings and cluster facts alone. */
export interface IstioInstallPlan {
    readonly settings: ResolvedIstioSettings;
    readonly chartSource: ChartSource;
    readonly namespaces: readonly PlannedNamespace[];
    readonly releases: readonly PlannedRelease[];
    readonly servicePatches: readonly PlannedServicePatch[];
    /** The post-install proof, when `verify.enabled`. */
    readonly verification?: PlannedVerification;
    readonly warnings: readonly InputWarning[];
}

const TIMEOUT_SECONDS: Readonly<Record<IstioChart, number>> = {
    // CRDs and RBAC only: quick, or something is wrong with the API server.
    [IstioChart.Base]: 300,
    // Pods that pull images, possibly large custom builds, on fresh nodes.
    [IstioChart.Istiod]: 600,
    [IstioChart.Cni]: 600,
    [IstioChart.Ztunnel]: 600,
    [IstioChart.Gateway]: 600,
};

/**
 * Plans an Istio installation: validates the settings against the cluster, then lays out the
 * namespaces, releases (with values and order) and Service patches. Registers nothing.
 */
export function planIstioInstall(settings: IstioSettings, cluster: ClusterFacts, today?: Date): IstioInstallPlan {
    const resolved = resolveIstioSettings(settings, cluster, today);
    const chartSource = resolveChartSource(settings);
    const charts: IstioChart[] = resolved.base.enabled ? [IstioChart.Base, IstioChart.Istiod] : [IstioChart.Istiod];
    if (resolved.cni.enabled) {
        charts.push(IstioChart.Cni);
    }
    if (resolved.ztunnel.enabled) {
        charts.push(IstioChart.Ztunnel);
    }
    if (resolved.gateway.enabled) {
        charts.push(IstioChart.Gateway);
    }
    if (chartSource.kind === "directory") {
        checkChartsDirectory(chartSource.path, charts);
    }

    const ambient = resolved.mode === IstioMode.Ambient;
    const after: Record<IstioChart, IstioChart[]> = {
        [IstioChart.Base]: [],
        [IstioChart.Istiod]: resolved.base.enabled ? [IstioChart.Base] : [],
        // In sidecar mode CNI needs nodes, not istiod: it installs alongside the control plane. In
        // ambient its node agent talks to istiod, and Istio's ambient guide installs base, istiod,
        // istio-cni, then ztunnel (https://istio.io/latest/docs/ambient/install/helm/).
        [IstioChart.Cni]: ambient ? [IstioChart.Istiod] : [],
        [IstioChart.Ztunnel]: [IstioChart.Istiod, IstioChart.Cni],
        // Gateway pods are injected (istiod's webhook) and, with CNI, need the CNI plugin on nodes.
        [IstioChart.Gateway]: [IstioChart.Istiod, ...(resolved.cni.enabled ? [IstioChart.Cni] : []), ...(resolved.ztunnel.enabled ? [IstioChart.Ztunnel] : [])],
    };
    const releases = charts.map((chart): PlannedRelease => ({
        chart,
        releaseName: releaseName(chart, resolved.revision),
        namespace: chart === IstioChart.Gateway ? GATEWAY_NAMESPACE : ISTIO_NAMESPACE,
        source: chartReference(chart, chartSource, resolved.release.version),
        values: chartValues(chart, resolved),
        timeoutSeconds: TIMEOUT_SECONDS[chart],
        after: after[chart],
        needsWorkloads: chart !== IstioChart.Base,
        needsLoadBalancers: chart === IstioChart.Gateway && resolved.gateway.serviceType === GatewayServiceType.LoadBalancer,
    }));

    const servicePatches = plannedServicePatches(resolved);

    // Beside another control plane, istio-system is the other install's.
    const namespaces: PlannedNamespace[] = [];
    if (resolved.base.enabled) {
        namespaces.push({
            name: ISTIO_NAMESPACE,
            // The CNI DaemonSet is privileged; without CNI the control plane fits the cluster's default level.
            labels: resolved.cni.enabled ? { "pod-security.kubernetes.io/enforce": "privileged" } : {},
        });
    }
    if (resolved.gateway.enabled) {
        namespaces.push({ name: GATEWAY_NAMESPACE, labels: {} });
    }
    const verification = planVerification(
        resolved,
        releases.map((release) => ({ chart: release.chart, version: release.source.version, values: release.values })),
    );
    return { settings: resolved, chartSource, namespaces, releases, servicePatches, ...(verification ? { verification } : {}), warnings: resolved.warnings };
}
