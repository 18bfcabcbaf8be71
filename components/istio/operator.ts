import { isDualStack } from "../target/cluster-facts";
import { GatewayServiceType, type ResolvedIstioSettings } from "./settings";
import { cniValues, type HelmValues, ISTIO_NAMESPACE, IstioChart, istiodValues, releaseName, ztunnelValues } from "./values";
import { activeHazards } from "./versions";

const GATEWAY = releaseName(IstioChart.Gateway, "");

// `k8s.service` is istio/api's own ServiceSpec (operator/v1alpha1/operator.proto, as go.mod pins it
// at istio 1.17.0 through 1.23.x and at experimental-dual-stack), without family fields; istio
// 1.24.0 took corev1.ServiceSpec (operator/pkg/apis/types.go). The values API has family keys from
// 1.20.0-beta.0 (operator/pkg/apis/istio/v1alpha1/values_types.proto). Below that, and on the
// branch, an overlay on the rendered Service sets them (operator/pkg/patch/patch.go at 1.17.0 and
// the branch: a new leaf under the existing `spec`).
function familiesOverlay(service: string, settings: ResolvedIstioSettings): HelmValues {
    return {
        kind: "Service",
        name: service,
        patches: [
            { path: "spec.ipFamilyPolicy", value: "RequireDualStack" },
            { path: "spec.ipFamilies", value: [...settings.ipFamilies] },
        ],
    };
}

/**
 * The same installation as an `IstioOperator`, for `istioctl install -f`. Built from the same
 * resolved settings and istiod values as the Helm releases, so both ways of installing carry the
 * same switches, images and Service families.
 */
export function istioOperator(settings: ResolvedIstioSettings): HelmValues {
    const dualStack = isDualStack(settings.ipFamilies);
    const families = { ipFamilyPolicy: "RequireDualStack", ipFamilies: [...settings.ipFamilies] };
    const istiodChartValues = istiodValues(settings) as { pilot: HelmValues; global: HelmValues; meshConfig?: HelmValues };

    // Values istioctl passes to its embedded charts: the same keys the Helm releases get
    // (hub and tag travel as spec.hub/spec.tag instead).
    const pilot: HelmValues = {};
    for (const key of ["env", "ipFamilyPolicy", "ipFamilies", "autoscaleEnabled", "replicaCount"]) {
        if (istiodChartValues.pilot[key] !== undefined) {
            pilot[key] = istiodChartValues.pilot[key];
        }
    }
    const global: HelmValues = {
        imagePullPolicy: settings.imagePullPolicy,
        imagePullSecrets: [...settings.imagePullSecrets],
    };
    for (const key of ["defaultPodDisruptionBudget", "nativeNftables"]) {
        if (istiodChartValues.global[key] !== undefined) {
            global[key] = istiodChartValues.global[key];
        }
    }
    const values: HelmValues = { global, pilot };
    const gatewayValues: HelmValues = {};

    const overlays = dualStack && !settings.release.istiodServiceFamilyKeys;
    const pilotComponent: HelmValues = { enabled: true };
    if (overlays) {
        pilotComponent.k8s = { overlays: [familiesOverlay(releaseName(IstioChart.Istiod, settings.revision), settings)] };
    }
    if (dualStack && !overlays) {
        Object.assign(gatewayValues, families);
    }
    // istioctl installs manifests/charts/gateways/istio-ingress, whose templates/autoscale.yaml at
    // experimental-dual-stack always renders autoscaling/v2beta1, as istiod's: off where it is gone.
    const hazards = activeHazards(settings.release, settings.kubernetes);
    if (settings.gateway.enabled && hazards.some((hazard) => hazard.api === "autoscaling/v2beta1 HorizontalPodAutoscaler")) {
        gatewayValues.autoscaleEnabled = false;
    }
    if (Object.keys(gatewayValues).length > 0) {
        values.gateways = { [GATEWAY]: gatewayValues };
    }
    const gateway: HelmValues = { name: GATEWAY, enabled: settings.gateway.enabled };
    if (settings.gateway.enabled) {
        const k8s: HelmValues = { service: { type: settings.gateway.serviceType } };
        if (settings.loadBalancer && settings.gateway.serviceType === GatewayServiceType.LoadBalancer && Object.keys(settings.loadBalancer.serviceAnnotations).length > 0) {
            k8s.serviceAnnotations = { ...settings.loadBalancer.serviceAnnotations };
        }
        if (overlays) {
            k8s.overlays = [familiesOverlay(GATEWAY, settings)];
        }
        gateway.k8s = k8s;
    }
    if (settings.cni.enabled) {
        // The same GKE platform and ResourceQuota as the cni chart's Helm values.
        const cni = cniValues(settings) as { global: HelmValues; cni?: HelmValues };
        if (cni.global.platform !== undefined) {
            global.platform = cni.global.platform;
        }
        if (cni.cni !== undefined) {
            values.cni = cni.cni;
        }
    }

    // Ambient as the Helm releases have it: istiod's and istio-cni's keys above, and ztunnel.
    // Only written where asked: istioctl refuses fields its IstioOperator API lacks.
    if (settings.ztunnel.enabled) {
        const env = ztunnelValues(settings).env;
        if (env !== undefined) {
            values.ztunnel = { env };
        }
    }

    const spec: HelmValues = { profile: "default", hub: settings.hub, tag: settings.tag };
    if (settings.revision) {
        spec.revision = settings.revision;
    }
    if (istiodChartValues.meshConfig !== undefined) {
        spec.meshConfig = istiodChartValues.meshConfig;
    }
    spec.components = {
        // Only a control plane beside another says so; the default (base installed) stays implicit.
        ...(settings.base.enabled ? {} : { base: { enabled: false } }),
        pilot: pilotComponent,
        cni: { enabled: settings.cni.enabled },
        ...(settings.ztunnel.enabled ? { ztunnel: { enabled: true } } : {}),
        ingressGateways: [gateway],
    };
    spec.values = values;
    return {
        apiVersion: "install.istio.io/v1alpha1",
        kind: "IstioOperator",
        metadata: { name: releaseName(IstioChart.Istiod, settings.revision), namespace: ISTIO_NAMESPACE },
        spec,
    };
}
